"""Broken and hostile files: what an ingest must survive and report, never crash on.

An empty file, a truncated JPEG, a truncated XLSX, a text file and a DOCX both
named .pdf, a zip whose member tries to escape the extraction folder, and a
small compression bomb. Each is listed in truth.json with what it really is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .docplan import DocJob, entry
from .documents import DocMeta, docx_bytes, txt_bytes
from .figure import Shot, render
from .output import CacheWriter
from .people import Person
from .photos import exif_time
from .rand import rng_for
from .sheets import table_bytes
from .tables import TableFile
from .texts import compose

BOMB_MIB = 32


def write(seed: int, writer: CacheWriter, persons: list[Person], tables: list[TableFile],
          signer: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Write the broken files; returns (broken entries, document entries for the readable ones)."""
    rng = rng_for(seed, "broken")
    broken: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []

    def add(kind: str, path: str, content: str, note: str, **extra: Any) -> None:
        broken.append({"kind": kind, "path": path, "content_kind": content, "note": note, **extra})

    when = dt.datetime(2018, 6, 12, 10, 5)
    path = writer.write("表格/疏附县/在押人员名单_备份.xlsx", b"", when)
    add("empty", path, "empty", "zero bytes with a spreadsheet name")

    p = next((q for q in persons if q.photographed), persons[0])
    t = dt.datetime(2018, 5, 3, 11, 20, 7)
    data = render(Shot(seed, p.id_number, 9, "Canon", "Canon EOS 6D", exif_time(t), exif_time(t)))
    path = writer.write(f"照片/{p.county.name}/补拍/{p.id_number}_{t:%Y%m%d%H%M%S}.jpg", data[: len(data) * 2 // 5], t)
    add("truncated_jpeg", path, "jpeg", "the first 40% of a JPEG: the picture cannot be fully decoded",
        id_number=p.id_number)

    source = next((f for f in tables if f.format == "xlsx"), None)
    if source is not None:
        data = table_bytes(source)
        path = writer.write("表格/特克斯县/在押人员名单_损坏.xlsx", data[: len(data) * 3 // 5], when)
        add("truncated_xlsx", path, "zip", "the first 60% of an XLSX: the zip's central directory is missing")

    doc = compose(rng, "notice", 9001, "疏附县", "疏附县看守所", signer, dt.date(2018, 4, 9))
    meta = DocMeta(signer, signer, dt.datetime(2018, 4, 9, 10, 0), dt.datetime(2018, 4, 9, 15, 30), 2)
    path = writer.write(f"文件/通知/20180409_{doc.title}.pdf", txt_bytes(doc), meta.modified)
    add("text_named_pdf", path, "text", "GB18030 plain text with a .pdf name")
    docs.append(entry(DocJob(path, None, "txt", doc, meta, "broken-txt"), None))

    doc = compose(rng, "protocol", 9002, "特克斯县", "特克斯县看守所", signer, dt.date(2018, 2, 26))
    meta = DocMeta(signer, signer, dt.datetime(2018, 2, 26, 9, 40), dt.datetime(2018, 2, 27, 17, 10), 5)
    path = writer.write(f"文件/规章制度/20180226_{doc.title}.pdf", docx_bytes(doc, meta), meta.modified)
    add("docx_named_pdf", path, "docx", "a Word document renamed to .pdf")
    docs.append(entry(DocJob(path, None, "docx", doc, meta, "broken-docx"), None))

    with writer.zip("其他/资料.zip", when) as z:
        z.add("../../../tmp/unsealed-zip-slip.txt", "越界路径测试\r\n".encode("gb18030"), when)
        z.add("说明.txt", "正常文件\r\n".encode("gb18030"), when)
    add("zip_slip", z.rel, "zip", "a member named ../../../tmp/unsealed-zip-slip.txt tries to leave the folder",
        member="../../../tmp/unsealed-zip-slip.txt")

    with writer.zip("其他/日志备份.zip", when) as z:
        z.add_stream("system.log", BOMB_MIB, b"\0" * 1024**2, when)
    add("zip_bomb", z.rel, "zip", f"one member of {BOMB_MIB} MiB of zeros compressed about 1000:1",
        member="system.log", unpacked_bytes=BOMB_MIB * 1024**2)
    return broken, docs
