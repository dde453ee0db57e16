"""Write a composed document as DOCX, text PDF, TXT (GB18030) or RTF, with fixed metadata."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from .output import CHINA, fixed_zip
from .texts import DocText

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"


@dataclass
class DocMeta:
    """The metadata a document's file records about itself."""

    author: str
    last_modified_by: str
    created: dt.datetime  # naive, China time
    modified: dt.datetime
    revision: int
    application: str = "Microsoft Office Word"


def docx_bytes(doc: DocText, meta: DocMeta) -> bytes:
    """A Word document with the title, paragraphs, optional table and the given core properties."""
    import docx  # python-docx; imported here to keep `import unsealed.synth` light
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    # python-docx's template carries a Word 2010 "stylesWithEffects" part and a thumbnail that
    # recent Word files lack; dropping them makes files smaller and generation 30% faster.
    for rels in (d.part.rels, d.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                rels.pop(rid)
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(doc.title).bold = True
    d.add_paragraph(doc.number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in doc.paragraphs:
        d.add_paragraph(text)
    if doc.table:
        table = d.add_table(rows=len(doc.table), cols=len(doc.table[0]))
        for r, row in enumerate(doc.table):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    cp = d.core_properties
    cp.author = meta.author
    cp.last_modified_by = meta.last_modified_by
    cp.title = doc.title
    cp.created = meta.created.replace(tzinfo=CHINA).astimezone(dt.UTC).replace(tzinfo=None)
    cp.modified = meta.modified.replace(tzinfo=CHINA).astimezone(dt.UTC).replace(tzinfo=None)
    cp.revision = meta.revision
    cp.comments = ""
    cp.subject = ""
    cp.keywords = ""
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:  # python-docx's template says "Macintosh Word"
        app = z.read("docProps/app.xml").decode("utf-8")
    app = re.sub(r"<Application>.*?</Application>", f"<Application>{escape(meta.application)}</Application>", app)
    return fixed_zip(buf.getvalue(), meta.modified, {"docProps/app.xml": app.encode("utf-8")})


@cache
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_PATH, subfontIndex=0))
    return FONT_NAME


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def set_pdf_time(canvas, when: dt.datetime) -> None:
    """Date a reportlab canvas's PDF at ``when`` (China time). reportlab writes one timestamp for
    CreationDate and ModDate; in invariant mode it is 2000-01-01, so it is replaced here."""
    from reportlab.lib.utils import TimeStamp

    stamp = TimeStamp(invariant=1)
    stamp.YMDhms, stamp.dhh, stamp.dmm = tuple(when.timetuple())[:6], 8, 0
    canvas._doc._timeStamp = stamp


def pdf_bytes(doc: DocText, meta: DocMeta) -> tuple[bytes, int]:
    """A text PDF (reportlab, embedded WenQuanYi subset) whose info dates say ``meta.created``; and its page count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    set_pdf_time(c, meta.created)
    c.setTitle(doc.title)
    c.setAuthor(meta.author)
    c.setCreator(meta.application)
    c.setSubject("")
    width, height = A4
    y = height - 72
    lines: list[tuple[str, int]] = [(doc.title, 16), (doc.number, 11)]
    for para in doc.paragraphs:
        lines += [(chunk, 12) for chunk in _wrap(para, 36)]
    for row in doc.table or []:
        lines.append(("    ".join(row), 12))
    pages = 1
    for text, size in lines:
        if y < 72:
            c.showPage()
            y, pages = height - 72, pages + 1
        c.setFont(font, size)
        if size == 16:
            c.drawCentredString(width / 2, y, text)
        else:
            c.drawString(64, y, text)
        y -= size * 1.8
    c.showPage()
    c.save()
    return buf.getvalue(), pages


def txt_bytes(doc: DocText) -> bytes:
    """Plain text in GB18030 with Windows line ends, as Notepad on a Chinese system saves it."""
    lines = [doc.title, doc.number, "", *doc.paragraphs]
    for row in doc.table or []:
        lines.append("\t".join(row))
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def _rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:  # RTF \uN takes a signed 16-bit code; all our characters are in the BMP
            code = ord(ch)
            out.append(f"\\u{code - 65536 if code > 32767 else code}?")
    return "".join(out)


def _rtf_time(tag: str, t: dt.datetime) -> str:
    return f"{{\\{tag}\\yr{t.year}\\mo{t.month}\\dy{t.day}\\hr{t.hour}\\min{t.minute}}}"


def rtf_bytes(doc: DocText, meta: DocMeta) -> bytes:
    """A minimal RTF file with an info group (author, dates).

    Written by hand: no maintained Python library writes RTF, and the format
    needed here is a dozen control words.
    """
    parts = [
        "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}",
        "{\\info{\\title " + _rtf_escape(doc.title) + "}{\\author " + _rtf_escape(meta.author) + "}"
        + _rtf_time("creatim", meta.created) + _rtf_time("revtim", meta.modified) + "}",
        "\\f0\\fs24\\qc\\b " + _rtf_escape(doc.title) + "\\b0\\par",
        _rtf_escape(doc.number) + "\\par\\ql",
    ]
    parts += [_rtf_escape(p) + "\\par" for p in doc.paragraphs]
    parts.append("}")
    return "\r\n".join(parts).encode("ascii")
