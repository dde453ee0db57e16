"""Paths of the shared real-world test files."""

from pathlib import Path

CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"
RAPID = CORPORA / "RapidOCR" / "python" / "tests" / "test_files"
KREUZBERG = CORPORA / "kreuzberg" / "test_documents" / "images"
EXIF = CORPORA / "exif-samples" / "jpg"
