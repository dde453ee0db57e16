"""The generated documents: metadata and phrases as the truth file says; scan-only phrases only in scans."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import docx
import pypdfium2 as pdfium
from striprtf.striprtf import rtf_to_text

from .readers import read_logical

HORIZON = dt.datetime(2018, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def _pdf_date(value: str) -> dt.datetime:
    v = value.removeprefix("D:")
    when = dt.datetime.strptime(v[:14], "%Y%m%d%H%M%S")
    if v[14:15] == "Z" or not v[14:]:
        return when.replace(tzinfo=dt.UTC)
    sign = 1 if v[14] == "+" else -1
    return when.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=int(v[15:17]), minutes=int(v[18:20]))))


def test_documents_metadata_and_phrases(gen):
    result, truth, _ = gen
    planted = {a["path"]: a for a in truth["anomalies"] if "field" in a or a["kind"] == "modified_before_created"}
    formats = Counter()
    for d in truth["documents"]:
        data = read_logical(result.cache, d["path"])
        kind = planted.get(d["path"], {}).get("kind")
        formats[d["format"]] += 1
        if d["format"] == "docx":
            cp = docx.Document(io.BytesIO(data)).core_properties
            assert cp.author == d["author"]
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
            assert (cp.modified > HORIZON) == (kind == "date_after_horizon")
            assert (cp.modified < cp.created) == (kind == "modified_before_created")
            assert cp.created <= HORIZON
            assert dt.datetime.fromisoformat(d["modified"]) == cp.modified
        elif d["format"] in ("pdf", "pdf-scan"):
            pdf = pdfium.PdfDocument(data)
            meta = pdf.get_metadata_dict()
            created = _pdf_date(meta["CreationDate"])
            assert created == dt.datetime.fromisoformat(d["created"])
            assert (created > HORIZON) == (kind == "date_after_horizon")
            assert len(pdf) == d["pages"]
            text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
            assert bool(text.strip()) == d["text_layer"]
        elif d["format"] == "txt":
            text = data.decode("gb18030")
        else:
            raw = data.decode("ascii")  # RTF keeps CJK as \\uN escapes
            assert "{\\author " in raw
            text = rtf_to_text(raw)
        assert dt.datetime.fromisoformat(d["modified"]) <= HORIZON or kind == "date_after_horizon"
        if d["text_layer"]:
            text = text.replace("\r\n", "").replace("\n", "")
            assert d["doc_number"] in text
            assert all(p in text for p in d["phrases"]), d["path"]
        if kind == "reviewer_author":
            assert d["author"] == planted[d["path"]]["value"]
    assert {"docx", "pdf", "pdf-scan", "txt", "rtf"} <= set(formats)
    kinds = Counter(a["kind"] for a in planted.values())
    assert kinds["reviewer_author"] and kinds["date_after_horizon"] >= 2 and kinds["modified_before_created"]


def test_scan_only_phrases_live_only_in_scans(gen):
    result, truth, _ = gen
    scans = [d for d in truth["documents"] if d["format"] == "pdf-scan"]
    assert scans and all(not d["text_layer"] for d in scans)
    used = {p for d in scans for p in d["phrases"] if p in truth["phrases"]["scan_only"]}
    assert used
    for d in truth["documents"]:
        if d["format"] != "pdf-scan":
            assert not used & set(d["phrases"])
    for path in result.cache.rglob("*.txt"):
        text = path.read_bytes().decode("gb18030", errors="replace")
        assert not any(p in text for p in used), path
