"""The receipt PDF read back as text: nothing of its template leaks, and it is tagged."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications import workflow
from tests.conftest import login
from tests.factories import ApplicationFactory, WaveFactory
from tests.label.pdf_checks import assert_no_template_leak, assert_tagged, pdf_text

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.django_db
def test_receipt_pdf_text_has_no_template_syntax_and_is_tagged(client, applicant):
    wave = WaveFactory(
        number=12,
        opens_at=datetime(2026, 3, 11, 9, 0, tzinfo=PARIS),
        closes_at=datetime(2026, 5, 31, 23, 59, tzinfo=PARIS),
    )
    application = ApplicationFactory(
        complete=True, owner=applicant, wave=wave, title="Jardins de la fosse 9"
    )
    with time_machine.travel(datetime(2026, 5, 2, 14, 30, tzinfo=PARIS), tick=False):
        filed = workflow.application_submit(application=application, by=applicant)

    response = login(client, applicant).get(
        reverse("applications:receipt", kwargs={"pk": filed.pk})
    )

    _reader, text = pdf_text(response.content)
    assert_no_template_leak(text)
    assert "EL12-0001" in text
    assert "Jardins de la fosse 9" in text
    assert "2 mai 2026 à 14:30" in text
    # The answers to the wave's form, by section, the financing plan with its total.
    assert "Contribution aux critères" in text
    assert "Gouvernance partagée avec les habitants." in text
    assert "Région Hauts-de-France" in text
    assert "000,00" in text
    assert_tagged(response.content, title="Récépissé de dépôt EL12-0001")
