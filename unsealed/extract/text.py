"""Plain text, HTML, XML and SVG: decode the bytes, turn markup into readable text.

Nothing is executed or fetched: HTML goes through the standard library's tolerant
``html.parser`` (script and style dropped), XML through defusedxml, which refuses entity
declarations, so an entity bomb is reported as hostile instead of expanding.
:func:`html_to_text` is shared with the e-mail extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from unsealed.extract import encoding
from unsealed.extract.base import Context, Extraction, Hostile, Page, Probe, Unsupported

KINDS = ("text", "xml", "html", "svg")

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.S | re.I)
_NESTED_ENTITY = re.compile(r"""<!ENTITY\s+%?\s*[^\s"']+\s+(["'])[^"']*&""", re.I)

# Elements whose content is never shown to a reader.
_HIDDEN = frozenset({"script", "style", "template", "noembed", "object", "applet"})
# Elements that start a new line of text.
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tr", "ul", "title", "caption", "option", "body", "html", "head",
})
_CELL = frozenset({"td", "th"})
_HTML_HINT = re.compile(r"<!doctype\s+html|<(?:html|body|head)[\s>]", re.I)
# Bytes that do not occur in text (all C0 controls but tab, newlines, form feed and escape).
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_NOT_CONTROLS = bytes(b for b in range(256) if b not in _CONTROLS)
_LOOSE_END = re.compile(r"</(script|style)\b[^>]+>", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")


def accepts(probe: Probe) -> bool:
    """Plain text and markup kinds."""
    return probe.kind in KINDS


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """One page of text; metadata ``encoding`` (and ``title`` for HTML)."""
    max_chars = ctx.limits.max_text_chars
    max_bytes = max_chars * 4 + 4
    with open(path, "rb") as fh:
        data = fh.read(max_bytes)
        cut_bytes = bool(fh.read(1))
    problems: list[str] = []
    if cut_bytes:
        problems.append(f"file larger than the text limit: read the first {max_bytes} bytes")
    declared = _declared(data, probe.kind)
    decoded = encoding.decode(data, declared)
    if not decoded.encoding.startswith(("utf-16", "utf-32")) and looks_binary(data[:65536]):
        raise Unsupported("binary content, not text: no extractor reads this format, the original is kept")
    metadata: dict = {"encoding": decoded.encoding}
    if decoded.replaced:
        problems.append(f"{decoded.replaced} characters could not be decoded as {decoded.encoding} and were replaced")
    text = decoded.text
    kind = probe.kind
    if kind in ("text", "xml") and _is_html(text):
        kind = "html"  # XHTML, or a page whose start the detector could not see past
    if kind == "html":
        html = html_to_text(text)
        text = html.text
        metadata.update({k: v for k, v in (("title", html.title), ("description", html.description)) if v})
    elif kind in ("xml", "svg"):
        text, note = xml_to_text(text, skip=_HIDDEN if kind == "svg" else frozenset())
        if note:
            metadata["xml_note"] = note
    if len(text) > max_chars:
        text = text[:max_chars]
        problems.append(f"text limit reached: kept the first {max_chars} characters")
    return Extraction(pages=[Page(1, text)], metadata=metadata, status="partial" if problems else "ok",
                      error="; ".join(problems) or None)


def looks_binary(sample: bytes) -> bool:
    """True when more than 5% of the bytes are control codes that text never holds."""
    if not sample:
        return False
    controls = len(sample.translate(None, _NOT_CONTROLS))
    return controls > 0.05 * len(sample)


def _is_html(text: str) -> bool:
    head = text[:65536].lstrip("\ufeff \t\r\n")
    return head.startswith("<") and _HTML_HINT.search(head) is not None


def _declared(data: bytes, kind: str) -> str | None:
    head = data[:4096]
    if kind in ("xml", "svg"):
        m = _XML_ENCODING.match(head)
        return m.group(1).decode("ascii") if m else None
    if kind == "html":
        m = _META_CHARSET.search(head)
        return m.group(1).decode("ascii") if m else None
    return None


# --- HTML ----------------------------------------------------------------------------------


@dataclass
class HtmlText:
    """Readable text of an HTML document, with its title and meta description."""

    text: str
    title: str | None = None
    description: str | None = None


class _HtmlToText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.description: str | None = None
        self._hidden = 0
        self._pre = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "pre":
            self._pre += 1
        elif tag == "meta" and self.description is None:
            values = dict(attrs)
            if (values.get("name") or "").lower() == "description" and values.get("content"):
                self.description = values["content"].strip()
        if tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            return  # <script/> has no content to skip
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._in_title:
            self.title.append(data)
            return
        self.parts.append(data if self._pre else _SPACES.sub(" ", data.replace("\n", " ")))


def html_to_text(markup: str) -> HtmlText:
    """Visible text of an HTML document (scripts and styles dropped), lines kept for blocks."""
    parser = _HtmlToText()
    # Browsers end a script at "</script junk>"; html.parser would read to the end of the file.
    markup = _LOOSE_END.sub(r"</\1>", markup)
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient, but never let markup crash a run
        parser.parts = [re.sub(r"<[^>]*>", " ", _strip_hidden(markup))]
    title = " ".join("".join(parser.title).split()) or None
    return HtmlText(_tidy("".join(parser.parts)), title, parser.description or None)


def _strip_hidden(markup: str) -> str:
    return re.sub(r"<(script|style)\b.*?</\1\s*>", " ", markup, flags=re.S | re.I)


def _tidy(text: str) -> str:
    lines = (line.strip(" \t") for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# --- XML -----------------------------------------------------------------------------------


class _XmlText:
    """A parser target that keeps character data only: no tree is built, so memory stays flat."""

    def __init__(self, skip: frozenset[str]) -> None:
        self.parts: list[str] = []
        self._buffer: list[str] = []
        self._skip = skip
        self._hidden = 0

    def _flush(self) -> None:
        if self._buffer:
            text = "".join(self._buffer).strip()
            self._buffer.clear()
            if text:
                self.parts.append(text)

    def start(self, tag: str, attrib) -> None:
        self._flush()
        if tag.rsplit("}", 1)[-1] in self._skip:
            self._hidden += 1

    def end(self, tag: str) -> None:
        self._flush()
        if tag.rsplit("}", 1)[-1] in self._skip:
            self._hidden = max(0, self._hidden - 1)

    def data(self, data: str) -> None:
        if not self._hidden:
            self._buffer.append(data)

    def close(self) -> None:
        self._flush()


def xml_to_text(markup: str, skip: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """Character data of an XML document, one element per line; and a note when it was not well-formed.

    Raises :class:`Hostile` for entity declarations that expand into each other (a
    "billion laughs" bomb). Other entity declarations, external references and
    malformed XML fall back to the lenient HTML reader, which expands nothing.
    """
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    target = _XmlText(skip)
    parser = DefusedXMLParser(target=target)
    try:
        parser.feed(markup)
        parser.close()
        return "\n".join(target.parts), None
    except EntitiesForbidden as exc:
        subset = _INTERNAL_SUBSET.search(markup[:1_000_000])
        declarations = subset.group(0) if subset else ""
        if _NESTED_ENTITY.search(declarations) or declarations.upper().count("<!ENTITY") > 100:
            raise Hostile("XML entity bomb: entities that expand into each other were not expanded") from exc
        note = f"entity declarations not expanded ({exc})"
    except (ExternalReferenceForbidden, DTDForbidden) as exc:
        note = f"external reference not followed ({exc})"
    except (ParseError, ValueError) as exc:
        note = f"not well-formed XML, read leniently ({exc})"
    lenient = _INTERNAL_SUBSET.sub(" ", markup, count=1)
    return html_to_text(lenient).text, note[:300]
