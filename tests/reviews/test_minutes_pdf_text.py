"""The jury minutes PDF read back as text: nothing of its template leaks, and it is tagged."""

import datetime

import pytest
from django.urls import reverse

from label.enums import Role
from reviews.enums import JuryOutcome
from reviews.models import JurySession
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.jury import decision_for, jury_member
from tests.label.pdf_checks import assert_no_template_leak, assert_tagged, pdf_text

pytestmark = pytest.mark.django_db


def test_minutes_pdf_text_has_no_template_syntax_and_is_tagged(client, deliberation, wave, roles):
    strong, _middle, _weak = deliberation
    president = jury_member(full_name="Paule Présidente")
    session = JurySession.objects.create(
        wave=wave, held_on=datetime.date(2026, 10, 14), place="Louvre-Lens"
    )
    session.members_present.set([president])
    decision_for(strong, outcome=JuryOutcome.LABEL, motivation="Exemplaire.")
    staff = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])

    response = login(client, staff).get(reverse("reviews:jury_minutes", args=[wave.pk]))
    content = b"".join(response)

    _reader, text = pdf_text(content)
    assert_no_template_leak(text)
    assert "Séance du 14 octobre 2026 — Louvre-Lens" in text
    assert "Paule Présidente" in text
    assert strong.reference in text
    assert "Exemplaire." in text
    assert_tagged(content, title="Procès-verbal du jury")
