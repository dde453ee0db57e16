"""Mailboxes (MBOX): split into their messages as a stream, since mailboxes run to gigabytes.

Each message is written out as ``0001.eml``... and goes through the e-mail extractor again
as its own item; the mailbox's own page is a listing of date, sender and subject. The split
is written here rather than with ``mailbox.mbox``, which opens the evidence file read-write.
"""

from __future__ import annotations

from email.parser import BytesHeaderParser
from pathlib import Path

from unsealed.extract.base import Child, Context, Extraction, Page
from unsealed.extract.email import POLICY, headers

MAX_HEADER_BYTES = 256 * 1024  # header kept per message for the listing
LINE_CHUNK = 1024 * 1024  # longest line read at once


def split_mailbox(path: Path, ctx: Context) -> Extraction:
    """Split a mailbox into its messages, streaming line by line."""
    children: list[Child] = []
    listing: list[str] = []
    problems: list[str] = []
    out = None
    header = bytearray()
    in_header = False
    blank_pending = b""
    previous_blank = True
    at_line_start = True

    def finish() -> None:
        if out is None:
            return
        out.close()
        meta = _listing_meta(bytes(header))
        children[-1].modified = meta.get("date")
        listing.append("\t".join([children[-1].name, meta.get("date") or meta.get("date_raw", ""),
                                  meta.get("from", ""), meta.get("subject", "")]))

    with open(path, "rb") as fh:
        while True:
            line = fh.readline(LINE_CHUNK)
            if not line:
                break
            starts = at_line_start
            at_line_start = line.endswith(b"\n")
            if starts and previous_blank and line.startswith(b"From "):
                finish()
                if len(children) >= ctx.limits.max_members:
                    problems.append(f"message limit reached: kept the first {ctx.limits.max_members} messages")
                    out = None
                    break
                number = len(children) + 1
                target = ctx.workdir / f"message-{number:06d}.eml"
                out = open(target, "wb")  # noqa: SIM115 - closed in finish()
                children.append(Child(name=f"{number:04d}.eml", path=target))
                header.clear()
                in_header, blank_pending, previous_blank = True, b"", False
                continue
            blank = starts and line.strip() == b""
            if out is None:
                previous_blank = blank
                continue
            if in_header:
                if blank or len(header) > MAX_HEADER_BYTES:
                    in_header = False
                else:
                    header.extend(line)
            if blank:
                out.write(blank_pending)  # only the last blank line before a "From " belongs to the mbox
                blank_pending = line
            else:
                out.write(blank_pending)
                blank_pending = b""
                out.write(line)
            previous_blank = blank
    finish()
    if not children:
        problems.append("no message found: the file does not start with an mbox 'From ' line")
    metadata = {"messages": len(children)}
    return Extraction(pages=[Page(1, "\n".join(listing))], metadata=metadata, children=children,
                      status="partial" if problems else "ok", error="; ".join(problems) or None)


def _listing_meta(header: bytes) -> dict[str, str]:
    try:
        msg = BytesHeaderParser(policy=POLICY).parsebytes(header)
        return headers(msg)
    except Exception:  # noqa: BLE001 - the listing is a convenience; the message itself is kept
        return {}

