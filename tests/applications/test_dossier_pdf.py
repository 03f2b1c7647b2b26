"""The applicant's full dossier as a PDF: who may download it, and what it says."""

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from applications import workflow
from applications.enums import AttachmentKind
from tests.conftest import login
from tests.factories import ApplicationFactory, AttachmentFactory, UserFactory, WaveFactory
from tests.label.pdf_checks import assert_no_template_leak, assert_tagged, pdf_text

PARIS = ZoneInfo("Europe/Paris")
NNBSP = "\u202f"


@pytest.fixture
def filed(applicant):
    wave = WaveFactory(
        number=12,
        year=2027,
        edition_name="Label Euralens 2027",
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


def _url(application):
    return reverse("applications:dossier_pdf", kwargs={"pk": application.pk})


@pytest.mark.django_db
def test_dossier_pdf_holds_every_answer_the_plan_and_each_attachments_sha256(
    client, applicant, filed
):
    response = login(client, applicant).get(_url(filed))

    assert response["Content-Type"] == "application/pdf"
    assert "dossier-EL12-0001.pdf" in response["Content-Disposition"]
    reader, text = pdf_text(response.content)
    assert_no_template_leak(text)
    assert "EL12-0001" in text
    assert "Label Euralens 2027" in text
    assert "Jardins de la fosse 9" in text
    assert "Association Terre d'Artois" in text
    assert "2 mai 2026 à 14:30" in text
    assert "Mise en réseau et visibilité." in text
    assert "Région Hauts-de-France" in text
    assert f"12{NNBSP}000,00" in text or "12 000,00" in text
    assert "lettre-mairie.pdf" in text
    flat = text.replace(" ", "")
    assert "ab" * 32 in flat
    plan = filed.attachments.get(kind=AttachmentKind.FINANCING_PLAN)
    assert plan.sha256 in flat
    assert_tagged(response.content, title="Dossier de candidature EL12-0001")
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)  # A4 portrait


@pytest.mark.django_db
def test_dossier_pdf_computes_a_missing_sha256_from_the_stored_file(client, applicant, filed):
    attachment = AttachmentFactory(application=filed, original_name="devis.pdf", sha256="")
    attachment.file.save("devis.pdf", ContentFile(b"%PDF devis"), save=True)

    _reader, text = pdf_text(login(client, applicant).get(_url(filed)).content)

    assert hashlib.sha256(b"%PDF devis").hexdigest() in text.replace(" ", "")


@pytest.mark.django_db
def test_dossier_pdf_is_open_to_staff(client, instruction_user, filed):
    response = login(client, instruction_user).get(_url(filed))

    _reader, text = pdf_text(response.content)
    assert "Jardins de la fosse 9" in text


@pytest.mark.django_db
def test_dossier_pdf_of_someone_elses_file_answers_404(client, filed, roles):
    response = login(client, UserFactory()).get(_url(filed))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Jardins de la fosse 9" not in response.content


@pytest.mark.django_db
def test_dossier_pdf_of_a_draft_answers_404(client, applicant):
    draft = ApplicationFactory(complete=True, owner=applicant)

    response = login(client, applicant).get(_url(draft))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_application_page_offers_the_dossier_pdf_beside_the_receipt(client, applicant, filed):
    page = (
        login(client, applicant)
        .get(reverse("applications:detail", kwargs={"pk": filed.pk}))
        .content.decode()
    )

    assert reverse("applications:receipt", kwargs={"pk": filed.pk}) in page
    assert _url(filed) in page
