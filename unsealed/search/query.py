"""The user's query language, read into a small engine-neutral tree.

Grammar (every input is readable; nothing here raises on user input)::

    开枪 张伟                 both (AND is the default)
    张伟 OR 李娜              either; OR binds tighter than AND: 开枪 张伟 OR 李娜 = 开枪 AND (张伟 OR 李娜)
    NOT 警察   -警察          without
    "border control"         exact phrase (also “…” and 「…」); a quoted word is exact (no stemming)
    polic*   653121          prefix; a bare number of 6+ digits (ID numbers) is always matched by prefix too
    name:阿依古丽             person names (searched as text until the people module exists)
    path:2018-03  path:*.pdf  in the logical path (wildcards * ? [..] make it a glob on the whole path)
    type:pdf  type:xlsx,doc   file family or kind
    ( ... )                  grouping

Only upper-case AND/OR/NOT are operators. What cannot be read as an operator
(a dangling OR, an unclosed bracket or quote) is read as words or ignored, so a
query never fails to parse. Each engine compiles the tree with
:func:`plan_text` giving the exact index tokens of a text leaf.
"""

from __future__ import annotations

from dataclasses import dataclass

from unsealed.search import normalize, tokenize


@dataclass(frozen=True)
class Text:
    """Words to find in the document text (and in the file's paths and metadata)."""

    text: str
    phrase: bool = False  # quoted: punctuation kept, order exact
    prefix: bool = False  # ended in '*'


@dataclass(frozen=True)
class Path:
    """The logical path contains these words, or (with wildcards) matches this glob."""

    value: str


@dataclass(frozen=True)
class Type:
    """The file's family or kind is one of these."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class All:
    """Every document (the empty query)."""


Node = Text | Path | Type | And | Or | Not | All

FIELDS = ("name", "path", "type", "text")
_OPEN_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201d": "\u201d", "\u300c": "\u300d", "\u300e": "\u300f",
                "\u201e": "\u201c"}
_CLOSE_QUOTES = {'"', "\u201c", "\u201d", "\u300d", "\u300f"}
_BREAK = set(" \t\r\n\u3000()（）") | set(_OPEN_QUOTES) | _CLOSE_QUOTES


@dataclass(frozen=True)
class _Tok:
    kind: str  # 'word' | 'phrase' | 'op' | '(' | ')' | '-'
    text: str = ""
    field: str | None = None


def _lex(q: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch.isspace():
            i += 1
        elif ch in "()（）":
            out.append(_Tok("(" if ch in "(（" else ")"))
            i += 1
        elif ch in _OPEN_QUOTES:
            text, i = _read_quoted(q, i)
            out.append(_Tok("phrase", text))
        elif ch in _CLOSE_QUOTES:  # a closing quote without its opening one
            i += 1
        elif ch == "-" and i + 1 < n and not q[i + 1].isspace() and (not out or out[-1].kind != "-"):
            out.append(_Tok("-"))
            i += 1
        else:
            j = i
            while j < n and q[j] not in _BREAK and not q[j].isspace():
                j += 1
            if j == i:  # never stall on a character no branch takes
                j += 1
            word = q[i:j]
            i = j
            field, sep, value = word.replace("\uff1a", ":", 1).partition(":")  # also the full-width colon
            if sep and field.lower() in FIELDS:
                field = field.lower()
                if not value and i < n and q[i] in _OPEN_QUOTES:
                    value, i = _read_quoted(q, i)
                    out.append(_Tok("phrase", value, field))
                elif value:
                    out.append(_Tok("word", value, field))
                continue
            if word in ("AND", "OR", "NOT", "&&", "||"):
                out.append(_Tok("op", {"&&": "AND", "||": "OR"}.get(word, word)))
            else:
                out.append(_Tok("word", word))
    return out


def _read_quoted(q: str, i: int) -> tuple[str, int]:
    close = _OPEN_QUOTES[q[i]]
    j = i + 1
    while j < len(q) and q[j] != close and q[j] not in _CLOSE_QUOTES:
        j += 1
    return q[i + 1:j], j + 1


MAX_DEPTH = 20  # brackets and NOTs nested deeper than this are ignored (no recursion limits to hit)


class _Parser:
    def __init__(self, toks: list[_Tok]):
        self.toks = toks
        self.i = 0
        self.depth = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node:
        items = []
        while self.peek() is not None:
            node = self.and_expr()
            if node is not None:
                items.append(node)
            elif self.peek() is not None:
                self.i += 1  # a stray ')' : skip it
        return _and(items)

    def and_expr(self) -> Node | None:
        items = []
        while (tok := self.peek()) is not None and tok.kind != ")":
            if tok.kind == "op" and tok.text == "AND":
                self.i += 1
                continue
            node = self.or_expr()
            if node is not None:
                items.append(node)
        return _and(items) if items else None

    def or_expr(self) -> Node | None:
        items = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "OR":
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind == ")" or (nxt.kind == "op" and nxt.text in ("OR", "AND")):
                continue  # dangling OR
            items.append(self.unary())
        items = [x for x in items if x is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def unary(self) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "-" or (tok.kind == "op" and tok.text == "NOT"):
            self.i += 1
            while self.depth >= MAX_DEPTH and (t := self.peek()) is not None and (
                    t.kind == "-" or (t.kind == "op" and t.text == "NOT")):
                self.i += 1  # too deep: further negations are dropped
            self.depth += 1
            inner = self.unary()
            self.depth -= 1
            return Not(inner) if inner is not None else None
        return self.primary()

    def primary(self) -> Node | None:
        tok = self.peek()
        while tok is not None and tok.kind == "(" and self.depth >= MAX_DEPTH:  # too deep: no more groups
            self.i += 1
            tok = self.peek()
        if tok is None or tok.kind == ")":
            return None
        self.i += 1
        if tok.kind == "(":
            self.depth += 1
            inner = self.and_expr()
            self.depth -= 1
            if self.peek() is not None and self.peek().kind == ")":
                self.i += 1
            return inner
        if tok.kind == "op":  # an operator where a word belongs: it is a word
            return Text(tok.text)
        return _leaf(tok)


def _leaf(tok: _Tok) -> Node | None:
    text = tok.text
    if tok.field == "path":
        return Path(text) if text.strip() else None
    if tok.field == "type":
        values = tuple(v.strip().lower() for v in text.replace("|", ",").split(",") if v.strip())
        return Type(values) if values else None
    if tok.kind == "phrase":
        prefix = text.endswith("*")
        return Text(text.rstrip("*"), phrase=True, prefix=prefix) if text.strip(" *") else None
    prefix = text.endswith("*") and len(text.rstrip("*")) > 0
    return Text(text.rstrip("*") if prefix else text, prefix=prefix)


def _and(items: list[Node]) -> Node:
    if not items:
        return All()
    return items[0] if len(items) == 1 else And(tuple(items))


def parse(query: str) -> Node:
    """Read a user query into a tree; never raises on any string."""
    query = (query or "").strip()
    if not query:
        return All()
    try:
        return _Parser(_lex(query)).parse()
    except Exception:  # noqa: BLE001 - a grammar bug must not block the user: fall back to the words
        words = [w for w in query.replace('"', " ").split() if w not in ("AND", "OR", "NOT")]
        return _and([Text(w) for w in words])


@dataclass(frozen=True)
class Terms:
    """The index tokens a text leaf must match at consecutive positions."""

    tokens: tuple[str, ...]
    prefix: bool = False  # the last token matches as a prefix
    stem: str | None = None  # a single English word also matches through its stem


def plan_text(node: Text) -> Terms | None:
    """Tokens, prefix and stem of a text leaf, exactly as the index holds them; None when nothing is left."""
    toks = tokenize.tokens(node.text)
    if not node.phrase:
        # "张伟," or "(police)": surrounding punctuation is not part of the word, and a lone "·" is no word
        while toks and tokenize.is_punct(toks[0]):
            toks.pop(0)
        while toks and tokenize.is_punct(toks[-1]):
            toks.pop()
    if not toks:
        return None
    last = toks[-1]
    prefix = node.prefix and not tokenize.is_han(last) and not tokenize.is_punct(last)
    if len(toks) == 1 and normalize.is_id_like(last) and not node.phrase:
        prefix = True
    # a quoted word is exact: no stemming, no automatic ID prefix
    stem = tokenize.stem(last) if len(toks) == 1 and not prefix and not node.phrase else None
    return Terms(tuple(toks), prefix, stem)


def positive_terms(node: Node) -> list[Terms]:
    """Every text leaf that is not negated (what the snippets highlight)."""
    if isinstance(node, Text):
        t = plan_text(node)
        return [t] if t else []
    if isinstance(node, And | Or):
        return [t for item in node.items for t in positive_terms(item)]
    return []
