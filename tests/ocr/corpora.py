"""Paths of the shared real-world test files."""

from tests.corpora import CORPORA

RAPID = CORPORA / "RapidOCR" / "python" / "tests" / "test_files"
KREUZBERG = CORPORA / "kreuzberg" / "test_documents" / "images"
EXIF = CORPORA / "exif-samples" / "jpg"
