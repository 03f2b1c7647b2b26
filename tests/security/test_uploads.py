"""Hostile uploads and hostile inputs: disguised, oversized, scripted or badly named files,
very long texts. Each is refused with nothing stored, or stored harmlessly."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.enums import ApplicationState as S
from applications.models import Application, Attachment, Message
from callforms.declaration import form_for
from label.models import User
from tests.conftest import login
from tests.factories.applications import MINIMAL_PDF
from tests.privacy.test_privacy import application_in
from tests.security.conftest import fingerprint

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def _docx_with_macros():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _wave_form(open_wave):
    """The wave's form exists before the tests take their fingerprint (a real wave gets it
    when it is created; a factory's gets it on its first read)."""
    form_for(open_wave)


@pytest.fixture
def draft(applicant, open_wave):
    return application_in(S.DRAFT, owner=applicant, wave=open_wave)


@pytest.fixture
def owner_client(client, applicant):
    return login(client, applicant)


def upload(client, application, name, content, kind="other"):
    url = reverse("applications:dossier", kwargs={"pk": application.pk, "section": "pieces"})
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("devis.pdf", EXECUTABLE),
        ("photo.jpg", ELF),
        ("plan.pdf", HTML),
        ("plan.html", HTML),
        ("logo.png", SVG),
        ("logo.svg", SVG),
        ("budget.docx", _docx_with_macros()),
        ("vide.pdf", b""),
        ("texte.pdf", b"Juste du texte qui se dit PDF."),
    ],
    ids=[
        "exe-as-pdf",
        "elf-as-jpg",
        "html-as-pdf",
        "html",
        "svg-as-png",
        "svg",
        "macros",
        "empty",
        "text",
    ],
)
def test_disguised_or_dangerous_files_are_refused(owner_client, draft, name, content):
    before = fingerprint()

    response = upload(owner_client, draft, name, content)

    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"]
    assert fingerprint() == before


def test_an_oversized_file_is_refused(owner_client, draft, settings):
    settings.ATTACHMENT_MAX_SIZE = 4096
    before = fingerprint()

    response = upload(owner_client, draft, "gros.pdf", MINIMAL_PDF + b"%" * 5000)

    assert "limite" in " ".join(response.context["upload_form"].errors["file"])
    assert fingerprint() == before


def test_the_total_allowance_of_a_file_is_enforced(owner_client, draft, settings):
    settings.APPLICATION_ATTACHMENTS_MAX_TOTAL = len(MINIMAL_PDF) + 100
    before = Attachment.objects.filter(application=draft).count()

    upload(owner_client, draft, "deuxieme.pdf", MINIMAL_PDF)

    assert Attachment.objects.filter(application=draft).count() == before


@pytest.mark.parametrize(
    "hostile_name",
    [
        "../../../../etc/passwd.pdf",
        "..\\..\\windows\\system32\\plan.pdf",
        "/var/www/plan.pdf",
        'plan"; filename="virus.exe.pdf',
        "plan\r\nX-Injected: oui.pdf",
        "plan\x00.exe.pdf",
        "p" * 1000 + ".pdf",
    ],
    ids=["traversal", "windows-traversal", "absolute", "quotes", "crlf", "nul", "very-long"],
)
def test_hostile_file_names_are_cleaned_and_never_used_to_store(
    owner_client, draft, settings, hostile_name
):
    response = upload(owner_client, draft, hostile_name, MINIMAL_PDF)

    attachment = Attachment.objects.filter(application=draft).order_by("-pk").first()
    stored = Path(attachment.file.path).resolve()
    assert response.status_code == 302
    assert attachment.original_name.endswith(".pdf")
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    assert not any(char in attachment.original_name for char in "\r\n\x00")
    assert len(attachment.original_name) <= 150
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "private" / "attachments")
    assert stored.name != attachment.original_name
    download = owner_client.get(
        reverse(
            "applications:attachment_download",
            kwargs={"pk": draft.pk, "attachment_pk": attachment.pk},
        )
    )
    disposition = download["Content-Disposition"]
    # Read to the end: the test client then closes the file as a WSGI server would.
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    assert "\r" not in disposition and "\n" not in disposition
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_message_attachment_goes_through_the_same_checks(owner_client, applicant, open_wave):
    filed = application_in(S.SUBMITTED, owner=applicant, wave=open_wave)
    before = fingerprint()

    owner_client.post(
        reverse("applications:detail", kwargs={"pk": filed.pk}),
        {"body": "Voici la pièce", "attachment": SimpleUploadedFile("piece.pdf", EXECUTABLE)},
    )

    assert fingerprint() == before


# --- Very long inputs --------------------------------------------------------------------------


def test_a_very_long_title_is_refused_and_nothing_saved(owner_client, draft):
    url = reverse("applications:dossier", kwargs={"pk": draft.pk, "section": "projet"})

    response = owner_client.post(url, {"title": "T" * 5000, "summary": "S" * 600})

    draft_after = Application.objects.get(pk=draft.pk)
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"title", "summary"}
    assert draft_after.title == draft.title and draft_after.summary == draft.summary


def test_a_very_long_autosave_keeps_the_saved_value(owner_client, draft):
    url = reverse("applications:dossier_autosave", kwargs={"pk": draft.pk, "section": "projet"})

    response = owner_client.post(url, {"title": "T" * 100_000})

    assert "title" in response.json()["errors"]
    assert Application.objects.get(pk=draft.pk).title == draft.title


def test_a_very_long_message_is_refused(owner_client, applicant, open_wave):
    filed = application_in(S.SUBMITTED, owner=applicant, wave=open_wave)

    owner_client.post(
        reverse("applications:detail", kwargs={"pk": filed.pk}), {"body": "M" * 100_000}
    )

    assert not Message.objects.filter(application=filed).exists()


def test_very_long_sign_up_fields_are_refused(client, roles):
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "N" * 10_000,
            "email": "a" * 300 + "@example.org",
            "organisation": "O" * 10_000,
            "phone": "0" * 1000,
            "password1": "un-mot-de-passe-long-2026",
            "password2": "un-mot-de-passe-long-2026",
        },
    )

    assert response.status_code == 200
    assert not User.objects.filter(full_name__startswith="NNN").exists()


def test_a_very_long_login_is_answered_without_error(client, roles):
    from axes.models import AccessAttempt

    response = client.post(
        reverse("accounts:login"), {"username": "x" * 100_000 + "@example.org", "password": "y"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert all(len(row.username) <= 255 for row in AccessAttempt.objects.all())


def test_a_very_long_expression_of_interest_is_refused(client, db):
    from applications.models import ExpressionOfInterest

    response = client.post(
        reverse("applications:call"), {"email": "quelquun@example.org", "message": "M" * 100_000}
    )

    assert response.status_code == 200
    assert not ExpressionOfInterest.objects.exists()
