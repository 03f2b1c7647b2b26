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


def _hide_from_reviewers(wave, key):
    """Staff untick « reviewers » on one question of the wave's form (a new version)."""
    from callforms.declaration import form_for
    from callforms.models import CallForm, Question

    form_for(wave)
    Question.objects.filter(section__form__wave=wave, key=key).update(visible_to_reviewers=False)
    call_form = CallForm.objects.get(wave=wave)
    call_form.version += 1
    call_form.save()


def test_reviewer_reads_only_the_answers_the_form_shows_reviewers(client, reviewer, file_in_review):
    _hide_from_reviewers(file_in_review.wave, "expected_support")
    assignment = AssignmentFactory(
        application=file_in_review, reviewer=reviewer, confidentiality_accepted_at=timezone.now()
    )
    login(client, reviewer)

    page = _text(client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})))

    assert "Accompagnement attendu du label" not in page
    assert "Mise en réseau et visibilité." not in page
    assert "Stratégie de diffusion" in page


def test_review_form_shows_beside_a_criterion_the_answers_tied_to_it(
    client, reviewer, file_in_review
):
    from reviews.models import Criterion
    from tests.factories.reviews import grid_for

    grid_for(file_in_review.wave)
    assignment = AssignmentFactory(
        application=file_in_review, reviewer=reviewer, confidentiality_accepted_at=timezone.now()
    )
    login(client, reviewer)

    html = client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).content.decode()

    # The default form ties the financing plan to B2 and the « B. Faisabilité » text to B1–B3.
    assert Criterion.objects.filter(wave=file_in_review.wave, code="B2").exists()
    b2 = html.split("B2. ", 1)[1].split("</fieldset>", 1)[0]
    assert "liées au critère B2" in unescape(b2)
    assert "Région Hauts-de-France" in b2
    assert "Terrain mis à disposition par la commune." in b2
