"""The redaction policy: the one place that decides what of a case may leave it on the public site.

Default (``DEFAULT``): ID numbers masked to region code + birth year (``6531211971********``),
birth dates cut to the year (with the ID's first 10 characters they would give away all but the
sequence number), addresses and phone numbers removed, from their own fields and from every
free text shown (values, file paths, metadata, extracted text). Notes, tags and the audit log
are never read by the publisher at all, so no option can publish them.

``--redact`` names the fields explicitly (``default`` stands for the default set), so
``--redact default,photo`` also withholds photos and ``--redact id_number,address,phone``
publishes full birth dates; ``--no-redact`` turns every field off (an internal copy, not for
the public).

The pattern finders are written here because no maintained library recognises Chinese ID
numbers written with separators or run into time stamps, Chinese street addresses or Chinese
phone numbers in running text; python-stdnum validates whole numbers, which is used by the
callers where a number is parsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

FIELDS: dict[str, str] = {
    "id_number": "ID numbers masked to region code + birth year (the first 10 characters)",
    "birth_date": "birth dates cut to the year",
    "address": "addresses removed (their fields, and any address found in free text)",
    "phone": "phone numbers removed (their fields, and any phone number found in free text)",
    "photo": "no photos of people (no composite either)",
    "name": "names withheld (and not searchable)",
    "relatives": "no relatives listed on person pages",
    "cell": "building and cell numbers removed",
    "documents": "no original documents, only their SHA-256 and metadata",
}
DEFAULT = frozenset({"id_number", "birth_date", "address", "phone"})
NEVER = ("notes", "tags", "audit log", "user accounts")  # never read by the publisher

ADDRESS_MARK = "〔地址已删除 address removed〕"
PHONE_MARK = "〔电话已删除 phone removed〕"
NAME_MARK = "〔姓名已隐去 name withheld〕"

# A run of digits, optionally one separator between digits, optionally ending in an X (check character).
_DIGIT_RUN = re.compile(r"\d(?:[ \u00a0\u3000\-－_.]?\d)*(?:[ \-－]?[XxＸｘ](?![A-Za-z]))?")
_SEPS = " \u00a0\u3000-－_."
_PHONE = re.compile(
    r"(?<![\d*])(?:(?:\+|００|00)?86[ \-－]?)?1[3-9]\d(?:[ \-－]?\d){8}(?![\d*])"  # mobile
    r"|(?<![\d*])\(?0\d{2,3}\)?[ \-－]?\d{7,8}(?:-\d{1,5})?(?![\d*])"  # landline with area code
)
_PHONE_LABEL = re.compile(
    r"(?i)(电话|手机|联系电话|联系方式|手机号码?|tel|phone)\s*[:：]?\s*[+\d][\d \-－()（）]{4,}\d")
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_ADDRESS = re.compile(
    rf"[{_HAN}]{{0,40}}?(?:乡|镇|街道|村|社区|路|街|巷|小区|农场|牧场|大队)"
    rf"[{_HAN}\d\-－]{{0,24}}?"
    r"[\d一二三四五六七八九十百]+(?:号|组|室|户|栋|幢|单元|队)"
    r"(?:[\d\-－]+(?:号|室|户|栋|幢|单元|楼))*"
)
_ADDRESS_LABEL = re.compile(
    r"(家庭住址|户籍地址|现住址|居住地址?|户籍地|住址|地址)\s*[:：]\s*(?!〔)[^\s，,。；;\n〔]+")
_ADDRESS_HEADER = re.compile(r"住址|地址|住所|居住地|户籍地")
_PHONE_HEADER = re.compile(r"(?i)电话|手机|联系方式|phone|tel")


def parse_fields(redact: str | None, no_redact: bool = False) -> frozenset[str]:
    """The set of redacted fields for ``--redact FIELDS`` / ``--no-redact`` (ValueError on a bad name)."""
    if no_redact:
        if redact:
            raise ValueError("--redact and --no-redact contradict each other: give one")
        return frozenset()
    if redact is None:
        return DEFAULT
    chosen: set[str] = set()
    for word in (w.strip().lower() for w in redact.split(",")):
        if not word:
            continue
        if word == "default":
            chosen |= DEFAULT
        elif word in FIELDS:
            chosen.add(word)
        else:
            raise ValueError(f"--redact: unknown field {word!r}; fields: default, " + ", ".join(FIELDS))
    return frozenset(chosen)


def _digit(c: str) -> str:
    return str(unicodedata.digit(c)) if c.isdigit() else c.upper().replace("Ｘ", "X")


def _plausible_date(d: str) -> bool:
    y, m, day = int(d[:4]), int(d[4:6]), int(d[6:8])
    return 1880 <= y <= 2099 and 1 <= m <= 12 and 1 <= day <= 31


def _masked_positions(digits: str) -> set[int]:
    """Positions (in ``digits``) to mask: the tail after region + birth year of every ID-like window.

    Every 18-character window whose birth date is a real date counts (so an ID run into a time
    stamp is found wherever it starts), and every 15-digit window with a real YYMMDD. A run of 15
    or more digits holding no such window is masked after its 10th digit anyway: a number that
    long is treated as personal until shown otherwise.
    """
    hidden: set[int] = set()
    n = len(digits)
    for i in range(0, n - 17):
        w = digits[i : i + 18]
        if w[0] != "0" and w[:17].isdigit() and _plausible_date(w[6:14]):
            hidden.update(range(i + 10, i + 18))
    if n == 15 and digits.isdigit() and digits[0] != "0" and _plausible_date("19" + digits[6:12]):
        hidden.update(range(8, 15))
    if not hidden and n >= 15:
        hidden.update(range(10, n))
    return hidden


def mask_ids(text: str) -> str:
    """Every ID-like number in ``text`` masked after its region code and birth year, separators kept."""
    if not text:
        return text

    def repl(m: re.Match) -> str:
        raw = m.group(0)
        if len(raw) < 15:
            return raw
        digits_at = [i for i, c in enumerate(raw) if c not in _SEPS]
        if len(digits_at) < 15:
            return raw
        digits = "".join(_digit(raw[i]) for i in digits_at)
        hidden = _masked_positions(digits)
        if not hidden:
            return raw
        out = list(raw)
        for k in hidden:
            out[digits_at[k]] = "*"
        return "".join(out)

    return _DIGIT_RUN.sub(repl, text)


def mask_id_number(number: str | None) -> str | None:
    """One canonical ID number as published: the first 10 characters, then one * per hidden one."""
    if not number:
        return number
    keep = 8 if len(number) == 15 else 10
    return number[:keep] + "*" * (len(number) - keep)


class AddressBook:
    """Known addresses of the case, found in any text in one pass.

    Written here because the stdlib has no multi-string search and a regular expression with
    thousands of whole addresses as alternatives is slow: a regular expression of their distinct
    first four characters (few: addresses share their province and prefecture) finds where one may
    start, and the addresses with that start are compared there, longest first. Only addresses of
    6 characters or more are indexed (shorter ones are no address).
    """

    def __init__(self, addresses: Iterable[str] = ()):
        self._by_head: dict[str, list[str]] = {}
        for a in {unicodedata.normalize("NFKC", a).strip() for a in addresses if a}:
            if len(a) >= 6:
                self._by_head.setdefault(a[:4], []).append(a)
        for lst in self._by_head.values():
            lst.sort(key=len, reverse=True)
        heads = sorted(self._by_head, reverse=True)
        self._heads = re.compile("|".join(map(re.escape, heads))) if heads else None

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_head.values())

    def remove(self, text: str, mark: str = ADDRESS_MARK) -> str:
        """``text`` with every known address replaced by ``mark``."""
        if self._heads is None or len(text) < 6:
            return text
        out, done, pos = [], 0, 0
        while True:
            m = self._heads.search(text, pos)
            if m is None:
                break
            i = m.start()
            hit = next((a for a in self._by_head[m.group(0)] if text.startswith(a, i)), None)
            if hit is None:
                pos = i + 1
                continue
            out.append(text[done:i])
            out.append(mark)
            done = pos = i + len(hit)
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)


@dataclass
class Redactor:
    """Applies a set of redacted fields to values and free text; built once per publish."""

    fields: frozenset[str] = DEFAULT
    addresses: AddressBook = field(default_factory=AddressBook)
    withheld_names: frozenset[str] = frozenset()  # name keys of people not published (e.g. --detained-only)
    _memo: dict[str, str] = field(default_factory=dict, repr=False)  # paths repeat across thousands of people

    def on(self, name: str) -> bool:
        return name in self.fields

    def text(self, value: object) -> str:
        """Free text as it may be shown: IDs masked, phones and addresses removed, withheld names hidden."""
        if value is None:
            return ""
        key = str(value)
        done = self._memo.get(key)
        if done is None:
            done = self._text(key)
            if len(key) < 500 and len(self._memo) < 500_000:
                self._memo[key] = done
        return done

    def _text(self, value: str) -> str:
        text = unicodedata.normalize("NFC", value)
        if not text:
            return text
        if "id_number" in self.fields:
            text = mask_ids(text)
        if "phone" in self.fields:
            text = _PHONE_LABEL.sub(lambda m: m.group(1) + "：" + PHONE_MARK, text)
            text = _PHONE.sub(PHONE_MARK, text)
        if "address" in self.fields:
            text = self.addresses.remove(text)
            nfkc = unicodedata.normalize("NFKC", text)
            if nfkc != text:  # full-width digits in an address: match on the folded form
                folded = self.addresses.remove(nfkc)
                if folded != nfkc:
                    text = folded
            text = _ADDRESS_LABEL.sub(lambda m: m.group(1) + "：" + ADDRESS_MARK, text)
            text = _ADDRESS.sub(ADDRESS_MARK, text)
        if self.withheld_names:
            text = self._hide_names(text)
        return text

    def _hide_names(self, text: str) -> str:
        # Names are written without a separator in paths (<ID>_<name>): look at every Han run.
        def repl(m: re.Match) -> str:
            run = m.group(0)
            for length in range(min(len(run), 24), 1, -1):
                for i in range(0, len(run) - length + 1):
                    if run[i : i + length] in self.withheld_names:
                        return repl_run(run, i, length)
            return run

        def repl_run(run: str, i: int, length: int) -> str:
            return (self._hide_names(run[:i]) if i else "") + NAME_MARK + self._hide_names(run[i + length:])

        return re.sub(rf"[{_HAN}·•・]+", repl, text)

    def id_number(self, number: str | None) -> str | None:
        return mask_id_number(number) if "id_number" in self.fields else number

    def birth_date(self, date: str | None) -> str | None:
        if not date or "birth_date" not in self.fields:
            return date
        return date[:4]

    def name(self, name: str | None) -> str:
        if not name:
            return ""
        return NAME_MARK if "name" in self.fields else self.text(name)

    def header_hidden(self, header: str) -> bool:
        """Whether a column (an extra field named by its header) is withheld whole."""
        if "address" in self.fields and (header == "address" or _ADDRESS_HEADER.search(header)):
            return True
        if "phone" in self.fields and (header == "phone" or _PHONE_HEADER.search(header)):
            return True
        return "cell" in self.fields and header in ("cell", "building")

    def describe(self) -> list[tuple[str, str, bool]]:
        """(field, what redaction does, on?) for every field, for the site's policy page."""
        return [(name, what, name in self.fields) for name, what in FIELDS.items()]


def contains_personal(text: str, addresses: AddressBook | None = None) -> list[str]:
    """Why ``text`` holds personal data (an ID-like number, a phone number, an address), or []."""
    reasons = []
    if mask_ids(text) != text:
        reasons.append("an ID number")
    if _PHONE.search(text) or _PHONE_LABEL.search(text):
        reasons.append("a phone number")
    if _ADDRESS.search(text) or _ADDRESS_LABEL.search(text) or (
        addresses is not None and addresses.remove(text) != text
    ):
        reasons.append("an address")
    return reasons
