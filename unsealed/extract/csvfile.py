"""CSV and TSV files: encoding found from the bytes, delimiter sniffed, read as a stream.

Rows keep every cell exactly as written (an ID written ``'653121...`` keeps its
apostrophe; the people module normalises later). A row's number is the line on which its
record starts, so a quoted field spanning lines does not shift later numbers. The page
text is the decoded file itself, so the whole file is searchable.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from pathlib import Path

from unsealed.extract import encoding
from unsealed.extract.base import Context, Extraction, Page, Probe, Row

SUFFIXES = (".csv", ".tsv", ".tab")
DELIMITERS = (",", "\t", ";", "|")
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_HEAD_BYTES = 4 * 1024 * 1024  # the encoding is decided on this much of the file
_SNIFF_CHARS = 64 * 1024
_FIELD_LIMIT = 16 * 1024 * 1024

# Python's default (128 KiB) rejects long free-text cells that real exports contain.
# Process-wide, but only ever raised, never lowered.
if csv.field_size_limit() < _FIELD_LIMIT:
    csv.field_size_limit(_FIELD_LIMIT)


def accepts(probe: Probe) -> bool:
    """Content detected as CSV, or plain text saved under a .csv/.tsv name."""
    if probe.kind == "csv":
        return True
    return probe.kind == "text" and Path(probe.name).suffix.lower() in SUFFIXES


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Rows (sheet name ""), page 1 = the decoded text, metadata encoding/delimiter/rows."""
    limits = ctx.limits
    with open(path, "rb") as raw:
        head = raw.read(_HEAD_BYTES)
        enc, skip = encoding.sniff(head, final=len(head) < _HEAD_BYTES)
        sample = codecs.getincrementaldecoder(enc)(errors="replace").decode(head[skip:skip + _SNIFF_CHARS * 4])
        tabbed = Path(probe.name).suffix.lower() in (".tsv", ".tab")
        delimiter = sniff_delimiter(sample[:_SNIFF_CHARS], prefer_tab=tabbed)
        raw.seek(skip)
        stream = io.TextIOWrapper(raw, encoding=enc, errors="replace", newline="")
        lines = _Lines(stream, limits.max_text_chars)
        reader = csv.reader(lines, delimiter=delimiter)
        rows: list[Row] = []
        problems: list[str] = []
        start = 1
        try:
            for cells in reader:
                number, start = start, reader.line_num + 1
                while cells and not cells[-1]:
                    cells.pop()
                if not cells:
                    continue
                if len(rows) >= limits.max_rows:
                    problems.append(f"row limit reached: kept the first {limits.max_rows} rows")
                    break
                rows.append(Row("", number, cells))
        except csv.Error as exc:
            problems.append(f"unreadable CSV from line {start} on ({exc}); rows before it kept")
        except UnicodeDecodeError as exc:  # errors="replace" makes this unlikely; never crash on it
            problems.append(f"text could not be decoded as {enc} from line {start} on: {exc}")
    if lines.truncated:
        problems.append(f"text limit reached: page text keeps the first {limits.max_text_chars} characters")
    if lines.replaced:
        problems.append(f"{lines.replaced} characters could not be decoded as {enc} and were replaced")
    metadata = {
        "encoding": enc,
        "bom": skip > 0,
        "delimiter": _DELIMITER_NAMES[delimiter],
        "rows": len(rows),
        "columns": max((len(r.cells) for r in rows), default=0),
    }
    return Extraction(pages=[Page(1, lines.text())], metadata=metadata, rows=rows,
                      status="partial" if problems else "ok", error="; ".join(problems) or None)


class _Lines:
    """Iterates over a text stream's lines for the CSV reader, keeping the text for the page."""

    def __init__(self, stream: io.TextIOBase, max_chars: int) -> None:
        self._stream = stream
        self._max = max_chars
        self._kept: list[str] = []
        self._chars = 0
        self.truncated = False
        self.replaced = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._stream.readline()
        if not line:
            raise StopIteration
        if "\ufffd" in line:
            self.replaced += line.count("\ufffd")
        if self._chars < self._max:
            room = self._max - self._chars
            if len(line) > room:
                self._kept.append(line[:room])
                self.truncated = True
            else:
                self._kept.append(line)
            self._chars += len(line)
        else:
            self.truncated = True
        return line

    def text(self) -> str:
        return "".join(self._kept)


def sniff_delimiter(sample: str, prefer_tab: bool = False) -> str:
    """The delimiter among , tab ; | that splits the sample's lines into the most consistent columns."""
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut off
    lines = lines[:100]
    order = ("\t", ",", ";", "|") if prefer_tab else DELIMITERS
    best, best_score = order[0] if prefer_tab else ",", (0.0, 0)
    for delimiter in order:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        width, seen = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (seen / len(counts), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
