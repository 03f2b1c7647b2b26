"""Upload checks: the type from the content, sizes, names, and the clamd antivirus hook.

The builders of minimal real files at the top are shared with test_attachments.py.
"""

import io
import os
import socket
import struct
import tempfile
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from applications import scanning
from applications.uploads import (
    ACCEPTED_TYPES,
    check_upload,
    detect_type,
    display_name,
    sha256_of,
)
from tests.factories.applications import MINIMAL_PDF

# --- Minimal real files ------------------------------------------------------------------------


def build_pdf():
    return MINIMAL_PDF


def build_png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (11, 93, 91)).save(buffer, format="PNG")
    return buffer.getvalue()


def build_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (211, 84, 0)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _zip(entries, *, first_stored=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first_stored:
            name, data = first_stored
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def build_docx(*, macros=False):
    entries = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document><w:body><w:p/></w:body></w:document>",
    }
    if macros:
        entries["word/vbaProject.bin"] = b"\x00" * 16
    return _zip(entries)


def build_xlsx():
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Région Hauts-de-France"
    workbook.save(buffer)
    return buffer.getvalue()


def _odf(mimetype):
    return _zip(
        {
            "content.xml": "<office:document-content/>",
            "META-INF/manifest.xml": "<manifest:manifest/>",
        },
        first_stored=("mimetype", mimetype),
    )


def build_odt():
    return _odf(ACCEPTED_TYPES["odt"])


def build_ods():
    return _odf(ACCEPTED_TYPES["ods"])


def build_exe():
    """The start of a Windows program (MZ header, PE offset), whatever it is named."""
    header = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64))
    return bytes(header) + b"PE\x00\x00" + b"\x00" * 200


def build_elf():
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 120


BUILDERS = {
    "pdf": build_pdf,
    "png": build_png,
    "jpg": build_jpeg,
    "docx": build_docx,
    "xlsx": build_xlsx,
    "odt": build_odt,
    "ods": build_ods,
}


def upload_of(content, name="document.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Type from the content -----------------------------------------------------------------------


@pytest.mark.parametrize("extension", sorted(BUILDERS))
def test_detect_type_recognises_each_accepted_format(extension):
    content = BUILDERS[extension]()

    assert detect_type(io.BytesIO(content)) == extension


@pytest.mark.parametrize("extension", sorted(BUILDERS))
def test_check_upload_ignores_the_name_and_the_declared_type(extension):
    content = BUILDERS[extension]()

    checked = check_upload(upload_of(content, name="scan", content_type="text/plain"))

    assert checked.extension == extension
    assert checked.content_type == ACCEPTED_TYPES[extension]
    assert checked.size == len(content)
    assert checked.display_name == f"scan.{extension}"


@pytest.mark.parametrize("builder", [build_exe, build_elf])
def test_check_upload_refuses_an_executable_renamed_pdf(builder):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(builder(), name="budget.pdf"))

    assert refused.value.code == "executable"
    assert "programme exécutable" in refused.value.messages[0]


def test_check_upload_refuses_plain_text_named_pdf():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(b"#!/bin/sh\nrm -rf /\n", name="plan.pdf"))

    assert refused.value.code == "file_type"
    assert "PDF, PNG, JPEG, ODT, DOCX, ODS, XLSX" in refused.value.messages[0]


def test_check_upload_refuses_a_plain_zip_named_docx():
    content = _zip({"readme.txt": "bonjour", "photo.jpg": "x"})

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content, name="dossier.docx"))

    assert refused.value.code == "file_type"


def test_check_upload_refuses_an_ooxml_that_is_neither_word_nor_excel():
    content = _zip({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"})

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content, name="presentation.pptx"))

    assert refused.value.code == "file_type"


def test_check_upload_refuses_an_odf_of_another_kind():
    content = _odf("application/vnd.oasis.opendocument.presentation")

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content, name="diapos.odp"))

    assert refused.value.code == "file_type"


def test_check_upload_refuses_a_document_with_macros():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(build_docx(macros=True), name="lettre.docx"))

    assert refused.value.code == "macros"


def test_check_upload_refuses_a_truncated_zip():
    content = build_docx()[:40]

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content, name="lettre.docx"))

    assert refused.value.code == "file_type"


def test_check_upload_refuses_an_empty_file():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(b"", name="vide.pdf"))

    assert refused.value.code == "empty"


# --- Sizes ----------------------------------------------------------------------------------------


def test_check_upload_refuses_a_file_over_the_limit(settings):
    settings.ATTACHMENT_MAX_SIZE = 100
    content = MINIMAL_PDF + b"%" * 200

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content))

    assert refused.value.code == "file_size"
    assert "par fichier" in refused.value.messages[0]


def test_check_upload_accepts_a_file_at_the_limit(settings):
    settings.ATTACHMENT_MAX_SIZE = len(MINIMAL_PDF)

    assert check_upload(upload_of(MINIMAL_PDF)).size == len(MINIMAL_PDF)


def test_check_upload_refuses_a_file_beyond_the_application_total(settings):
    settings.APPLICATION_ATTACHMENTS_MAX_TOTAL = len(MINIMAL_PDF) + 10

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(MINIMAL_PDF), already_stored=11)

    assert refused.value.code == "total_size"
    assert "place restante" in refused.value.messages[0]


# --- Names and hash -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "extension", "expected"),
    [
        ("Plan de financement.pdf", "pdf", "Plan de financement.pdf"),
        ("photo.JPEG", "jpg", "photo.JPEG"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\camille\\budget.xlsx", "xlsx", "budget.xlsx"),
        ("rapport.exe", "pdf", "rapport.exe.pdf"),
        ("bad\x00name\n.pdf", "pdf", "badname.pdf"),
        ("", "png", "document.png"),
        ("a" * 400 + ".pdf", "pdf", "a" * 146 + ".pdf"),
    ],
)
def test_display_name_is_safe_and_ends_with_the_real_type(original, extension, expected):
    assert display_name(original, extension) == expected


def test_sha256_of_matches_hashlib_and_rewinds():
    import hashlib

    handle = io.BytesIO(MINIMAL_PDF)

    assert sha256_of(handle) == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert handle.tell() == 0


# --- Antivirus hook -------------------------------------------------------------------------------

EICAR_MARK = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


class FakeClamd:
    """A clamd that speaks INSTREAM on a local socket and records what it received."""

    def __init__(self, family, address, *, reply=None):
        self.received = []
        self.commands = []
        self.reply = reply
        self.server = socket.socket(family, socket.SOCK_STREAM)
        self.server.bind(address)
        self.server.listen(1)
        self.address = self.server.getsockname()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exactly(self, connection, size):
        data = b""
        while len(data) < size:
            chunk = connection.recv(size - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _serve(self):
        connection, _address = self.server.accept()
        with connection:
            self.commands.append(self._read_exactly(connection, len(b"zINSTREAM\0")))
            body = b""
            while True:
                (length,) = struct.unpack("!L", self._read_exactly(connection, 4))
                if length == 0:
                    break
                body += self._read_exactly(connection, length)
            self.received.append(body)
            if self.reply is not None:
                connection.sendall(self.reply)
            elif EICAR_MARK in body:
                connection.sendall(b"stream: Eicar-Test-Signature FOUND\0")
            else:
                connection.sendall(b"stream: OK\0")

    def close(self):
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture
def clamd_unix(settings):
    directory = tempfile.mkdtemp(prefix="clamd", dir="/tmp")  # noqa: S108 -- short socket path
    path = os.path.join(directory, "clamd.sock")
    fake = FakeClamd(socket.AF_UNIX, path)
    settings.CLAMD_SOCKET = path
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 5
    yield fake
    fake.close()
    os.unlink(path)
    os.rmdir(directory)


@pytest.fixture
def clamd_tcp(settings):
    fake = FakeClamd(socket.AF_INET, ("127.0.0.1", 0))
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT = fake.address
    settings.CLAMD_TIMEOUT = 5
    yield fake
    fake.close()


def test_scan_file_without_scanner_configured_does_not_scan(settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""

    result = scanning.scan_file(io.BytesIO(MINIMAL_PDF))

    assert result.clean and not result.scanned


def test_scan_file_streams_the_whole_file_to_clamd_on_a_unix_socket(clamd_unix):
    content = MINIMAL_PDF * 5000  # several INSTREAM chunks
    handle = io.BytesIO(content)

    result = scanning.scan_file(handle)

    assert result.clean and result.scanned
    assert clamd_unix.commands == [b"zINSTREAM\0"]
    assert clamd_unix.received == [content]
    assert handle.tell() == 0


def test_scan_file_reports_the_signature_over_tcp(clamd_tcp):
    result = scanning.scan_file(io.BytesIO(MINIMAL_PDF + EICAR_MARK))

    assert not result.clean
    assert result.signature == "Eicar-Test-Signature"


def test_check_upload_refuses_a_file_clamd_finds_infected(clamd_unix):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(MINIMAL_PDF + EICAR_MARK))

    assert refused.value.code == "infected"
    assert clamd_unix.received == [MINIMAL_PDF + EICAR_MARK]


def test_check_upload_passes_a_clean_file_through_clamd(clamd_unix):
    checked = check_upload(upload_of(MINIMAL_PDF))

    assert checked.extension == "pdf"
    assert clamd_unix.received == [MINIMAL_PDF]


def test_check_upload_refuses_when_the_configured_scanner_is_down(settings):
    settings.CLAMD_SOCKET = "/tmp/no-such-clamd.sock"  # noqa: S108 -- a path that does not exist
    settings.CLAMD_TIMEOUT = 1

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(MINIMAL_PDF))

    assert refused.value.code == "scanner_unavailable"


def test_scan_file_without_verdict_is_unavailable(settings):
    fake = FakeClamd(
        socket.AF_INET, ("127.0.0.1", 0), reply=b"INSTREAM size limit exceeded. ERROR\0"
    )
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT = fake.address
    try:
        with pytest.raises(scanning.ScannerUnavailable):
            scanning.scan_file(io.BytesIO(MINIMAL_PDF))
    finally:
        fake.close()
