"""The PDF receipt (récépissé) of a filed dossier, and the PDF helper's local-only fetcher."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader
from weasyprint.urls import URLFetchingError

from applications import workflow
from applications.enums import AttachmentKind
from label.pdf import LocalStaticFetcher, render_pdf
from tests.conftest import login
from tests.factories import ApplicationFactory, AttachmentFactory, UserFactory, WaveFactory

PARIS = ZoneInfo("Europe/Paris")


def font_descriptor(font):
    """The descriptor of a PDF font (under its descendant for a composite font)."""
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


def _pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def filed(applicant):
    wave = WaveFactory(
        number=12,
        opens_at=datetime(2026, 3, 11, 9, 0, tzinfo=PARIS),
        closes_at=datetime(2026, 5, 31, 23, 59, tzinfo=PARIS),
    )
    application = ApplicationFactory(
        complete=True, owner=applicant, wave=wave, title="Jardins de la fosse 9"
    )
    AttachmentFactory(
        application=application,
        kind=AttachmentKind.SUPPORT_LETTER,
        original_name="lettre-mairie.pdf",
        sha256="ab" * 32,
    )
    with time_machine.travel(datetime(2026, 5, 2, 14, 30, tzinfo=PARIS), tick=False):
        return workflow.application_submit(application=application, by=applicant)


@pytest.mark.django_db
def test_receipt_pdf_holds_reference_title_holder_date_and_hashes(client, applicant, filed):
    response = login(client, applicant).get(
        reverse("applications:receipt", kwargs={"pk": filed.pk})
    )

    assert response["Content-Type"] == "application/pdf"
    assert "recepisse-EL12-0001.pdf" in response["Content-Disposition"]
    reader, text = _pdf_text(response.content)
    assert "EL12-0001" in text
    assert "Jardins de la fosse 9" in text
    assert "Association Terre d'Artois" in text
    assert "2 mai 2026 à 14:30" in text
    assert "lettre-mairie.pdf" in text
    flat = text.replace("\n", "")
    assert "ab" * 32 in flat
    plan = filed.attachments.get(kind=AttachmentKind.FINANCING_PLAN)
    assert plan.sha256 in flat
    assert reader.metadata.title == "Récépissé de dépôt EL12-0001"
    assert str(reader.trailer["/Root"]["/Lang"]) == "fr"
    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    assert fonts
    assert all("DejaVu" in str(font["/BaseFont"]) for font in fonts)
    assert all(
        {"/FontFile", "/FontFile2", "/FontFile3"} & set(font_descriptor(font)) for font in fonts
    )


@pytest.mark.django_db
def test_receipt_is_also_open_to_the_instruction_team(client, instruction_user, filed):
    response = login(client, instruction_user).get(
        reverse("applications:receipt", kwargs={"pk": filed.pk})
    )

    _reader, text = _pdf_text(response.content)
    assert "EL12-0001" in text


@pytest.mark.django_db
def test_receipt_of_someone_elses_file_answers_404(client, filed, roles):
    stranger = UserFactory()

    response = login(client, stranger).get(reverse("applications:receipt", kwargs={"pk": filed.pk}))

    assert response.status_code == 404
    assert b"EL12-0001" not in response.content


@pytest.mark.django_db
def test_receipt_of_an_unfiled_draft_answers_404(client, applicant):
    draft = ApplicationFactory(complete=True, owner=applicant)

    response = login(client, applicant).get(
        reverse("applications:receipt", kwargs={"pk": draft.pk})
    )

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_receipt_leaves_out_documents_sent_with_messages(client, applicant, filed):
    from applications.services import message_post

    attachment = AttachmentFactory(application=filed, original_name="devis-message.pdf")
    message_post(application=filed, author=applicant, body="Un devis.", attachment=attachment)

    response = login(client, applicant).get(
        reverse("applications:receipt", kwargs={"pk": filed.pk})
    )

    _reader, text = _pdf_text(response.content)
    assert "lettre-mairie.pdf" in text
    assert "devis-message.pdf" not in text


# --- The PDF helper ----------------------------------------------------------------------------


def test_fetcher_refuses_network_urls():
    fetcher = LocalStaticFetcher()

    for url in ("http://example.org/logo.png", "https://example.org/x.css", "ftp://h/x"):
        with pytest.raises(URLFetchingError):
            fetcher.fetch(url)


def test_fetcher_refuses_files_outside_the_static_folders(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("ne pas lire")
    fetcher = LocalStaticFetcher()

    for url in (secret.as_uri(), "file:///etc/passwd", "file:///static/../../etc/passwd"):
        with pytest.raises(URLFetchingError):
            fetcher.fetch(url)


def test_fetcher_reads_a_static_file_by_its_static_url(settings):
    fetcher = LocalStaticFetcher()

    response = fetcher.fetch("file:///static/css/portal.css")

    assert b"--portal-primary" in response.read()
    assert response.content_type == "text/css"


def test_render_pdf_sets_title_and_language_and_ignores_remote_images(tmp_path, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path],
        }
    ]
    (tmp_path / "probe.html").write_text(
        '<html lang="{{ pdf_language }}"><head><title>{{ pdf_title }}</title></head>'
        '<body><p>Bonjour {{ name }}</p><img src="http://127.0.0.1:9/tracker.png"></body></html>'
    )
    requested = []

    class Spy(LocalStaticFetcher):
        def fetch(self, url, headers=None):
            requested.append(url)
            return super().fetch(url, headers)

    import label.pdf

    original = label.pdf.LocalStaticFetcher
    label.pdf.LocalStaticFetcher = Spy
    try:
        content = render_pdf(
            template_name="probe.html", context={"name": "Artois"}, title="Essai", language="en"
        )
    finally:
        label.pdf.LocalStaticFetcher = original

    reader, text = _pdf_text(content)
    assert "Bonjour Artois" in text
    assert reader.metadata.title == "Essai"
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"
    assert requested == ["http://127.0.0.1:9/tracker.png"]
    assert content.startswith(b"%PDF")
