"""Reviewers and the jury read the whole dossier: every answer, the financing plan (criterion
B2 scores it) with amounts written the French way, and every attachment the applicant gave."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import AttachmentKind
from label.enums import Role
from tests.conftest import login
from tests.factories import AttachmentFactory, UserFactory
from tests.factories.reviews import AssignmentFactory

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"
NBSP = "\u00a0"


def _text(response):
    return unescape(response.content.decode())


def test_reviewer_reads_the_financing_plan_every_answer_and_attachment(
    client, reviewer, file_in_review
):
    AttachmentFactory(
        application=file_in_review, kind=AttachmentKind.SUPPORT_LETTER, original_name="lettre.pdf"
    )
    assignment = AssignmentFactory(
        application=file_in_review, reviewer=reviewer, confidentiality_accepted_at=timezone.now()
    )
    login(client, reviewer)

    page = _text(client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})))

    assert "Plan de financement" in page
    assert "Région Hauts-de-France" in page
    assert f"12{NNBSP}000,00{NBSP}€" in page
    assert f"20{NNBSP}000,00{NBSP}€" in page
    assert "Mise en réseau et visibilité." in page
    assert "lettre.pdf" in page
    for attachment in file_in_review.attachments.all():
        assert reverse("reviews:attachment", args=[assignment.pk, attachment.pk]) in page


def test_jury_reads_the_financing_plan_and_expected_support(client, deliberation, roles):
    staff = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])
    login(client, staff)

    page = _text(client.get(reverse("reviews:jury_file", args=[deliberation[0].pk])))

    assert "Plan de financement" in page
    assert "Région Hauts-de-France" in page
    assert f"12{NNBSP}000,00{NBSP}€" in page
    assert "Mise en réseau et visibilité." in page
