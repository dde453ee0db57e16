"""Corpus expectations unsealed knowingly does not meet, each with the reason.

Keys are "<path> :: <check>" as reported by expectations.check. Keep this list short
and honest: a gap that starts passing makes the corpus test fail until it is removed.
"""

KNOWN_GAPS: dict[str, str] = {
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/TestData.ace :: expect_ok":
        "ACE archives: no maintained Python reader",
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/TestData.arc :: expect_ok":
        "ARC archives: no maintained Python reader",
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/TestData.arj :: expect_ok":
        "ARJ archives: no maintained Python reader",
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/TestData.iso :: expect_ok":
        "ISO/UDF disk images: not unpacked yet (libarchive could)",
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/TestData.wim :: expect_ok":
        "WIM images: not unpacked yet",
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/TestDataCorrupt.tar :: type":
        "its first tar header is damaged, so the content is not recognisable as tar",
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/UdfTest.iso :: expect_ok":
        "ISO/UDF disk images: not unpacked yet (libarchive could)",
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/UdfTestWithMultiSystem.iso :: expect_ok":
        "ISO/UDF disk images: not unpacked yet (libarchive could)",
    "calamine/tests/issue_385.xls :: expect_error":
        "only write-protected: unsealed opens it with Excel's default password, better than the peer",
    "calamine/tests/too_small.xls :: expect_error":
        "a 68-byte text file named .xls: read as the text it is",
    "ingest-file/tests/fixtures/Books_be.mdb :: expect_ok":
        "Access databases: not read yet",
    "ingest-file/tests/fixtures/PAK_adm1.dbf :: expect_ok":
        "dBASE tables: not read yet",
    "ingest-file/tests/fixtures/PAK_adm1.dbf :: text":
        "dBASE tables: not read yet",
    "ingest-file/tests/fixtures/example.pdf :: text":
        "fonts without a Unicode map: text only through OCR",
    "ingest-file/tests/fixtures/fnf.msg :: type":
        "the file is an RFC 822 e-mail in text named .msg: unsealed reads it as the e-mail it is",
    "ingest-file/tests/fixtures/memo.m4a :: expect_ok":
        "audio: no speech-to-text (out of scope)",
    "ingest-file/tests/fixtures/testPST.pst :: expect_ok":
        "Outlook PST mail stores: not read yet",
    "pdfminer.six/samples/contrib/issue-1008-inline-ascii85.pdf :: text":
        "fake-bold text comes out doubled by PDFium",
    "pdfminer.six/samples/contrib/issue-791-non-unicode-cmap.pdf :: text":
        "non-Unicode CMap: PDFium maps the glyphs wrongly",
    "pdfminer.six/samples/contrib/issue_566_test_1.pdf :: text":
        "PDFium maps two glyphs of this CJK font wrongly",
    "py-pdf-sample-files/017-unreadable-meta-data/unreadablemetadata.pdf :: pages":
        "PDFium refuses the file (damaged trailer)",
    "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-microsoft-module/src/test/resources/test-documents/testEXCEL_4.xls :: expect_ok":
        "Excel 4 (BIFF4) worksheet: calamine does not read it",
    "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-microsoft-module/src/test/resources/test-documents/testEXCEL_4.xls :: text":
        "Excel 4 (BIFF4) worksheet: calamine does not read it",
    "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-miscoffice-module/src/test/resources/test-documents/testODTnotaZipFile.odt :: expect_error":
        "not a zip: unsealed reads it as the text it is",
    "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-pdf-module/src/test/resources/test-documents/testPDF_XFA_govdocs1_258578.pdf :: text":
        "XFA form: its text lives in XML the PDF text layer does not show",
    "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-text-module/src/test/resources/test-documents/test_ignore_IBM420.html :: expect_ok":
        "EBCDIC Arabic (IBM420): encoding not detected",
    "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-text-module/src/test/resources/test-documents/test_ignore_IBM420.html :: text":
        "EBCDIC Arabic (IBM420): encoding not detected",
    "tika/tika-server/tika-server-standard/src/test/resources/test-documents/testPDF_XFA_govdocs1_258578.pdf :: text":
        "XFA form: its text lives in XML the PDF text layer does not show",
    "unstructured/example-docs/eml/email-no-utf8-2014-03-17.111517.eml :: type":
        "starts with an mbox \"From \" line, so it is read as a one-message mailbox",
    "unstructured/example-docs/pdf/pdf-bad-color-space.pdf :: text":
        "PDFium drops a text block drawn in a broken colour space",
}

# files still encrypted after ingest with the right password
PASSWORD_GAPS: dict[str, str] = {
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/EncryptedWithPlainNames.rar4":
        "Debian has no RAR4 decrypter in main (unrar is non-free; unar fails on RAR4 encryption)",
    "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives/TestDataEncrypted.rar4":
        "Debian has no RAR4 decrypter in main (unrar is non-free; unar fails on RAR4 encryption)",
    "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-pkg-module/src/test/resources/test-documents/test-documents-enc.rar":
        "Debian has no RAR4 decrypter in main (unrar is non-free; unar fails on RAR4 encryption)",
}
