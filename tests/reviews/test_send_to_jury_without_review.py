"""« Transmettre au jury » says so when the file has no submitted review at all.

The guard of send_to_jury (DESIGN.md §3: every assigned review submitted, or the missing ones
waived) lets a file with no assignment through: nothing is pending. It stays, but the form
on the staff page warns before the click that the jury will get no expert's opinion.
"""

import html

import pytest
from django.urls import reverse

from applications.enums import ApplicationState
from tests.conftest import login
from tests.factories import AssignmentFactory
from tests.factories.reviews import review_with_scores

pytestmark = pytest.mark.django_db

NO_REVIEW = "Ce dossier n'a reçu aucune évaluation : il arrivera au jury sans avis d'expert."
ALL_IN = "Toutes les évaluations attendues sont remises."


def _send_to_jury_form(client, application):
    """The « Transmettre au jury » part of the staff page, unescaped."""
    page = client.get(reverse("applications:instruction_detail", kwargs={"pk": application.pk}))
    body = html.unescape(page.content.decode())
    start = body.index('id="transmettre-au-jury"')
    return body[start : body.index("</form>", start)]


def test_send_to_jury_form_warns_when_the_file_has_no_assignment(
    client, instruction_user, file_in_review
):
    login(client, instruction_user)

    form = _send_to_jury_form(client, file_in_review)

    assert NO_REVIEW in form
    # Nothing is expected, but « all expected reviews are in » would hide that none is.
    assert ALL_IN not in form
    assert 'aria-describedby="id_jury_no_review"' in form


def test_send_to_jury_form_warns_when_no_assigned_review_is_submitted(
    client, instruction_user, file_in_review
):
    AssignmentFactory(application=file_in_review)
    review_with_scores(AssignmentFactory(application=file_in_review), 3, submitted=False)
    login(client, instruction_user)

    form = _send_to_jury_form(client, file_in_review)

    assert "2 évaluations attendues ne sont pas remises." in form
    assert NO_REVIEW in form


def test_send_to_jury_form_does_not_count_a_conflicted_reviewers_review(
    client, instruction_user, file_in_review
):
    # A reviewer who declared a conflict after submitting: the jury never reads that review.
    review_with_scores(AssignmentFactory(application=file_in_review, conflicted=True), 4)
    login(client, instruction_user)

    form = _send_to_jury_form(client, file_in_review)

    assert NO_REVIEW in form


def test_send_to_jury_form_has_no_warning_once_a_review_is_submitted(
    client, instruction_user, file_in_review
):
    review_with_scores(AssignmentFactory(application=file_in_review), 4)
    AssignmentFactory(application=file_in_review)
    login(client, instruction_user)

    form = _send_to_jury_form(client, file_in_review)

    assert "1 évaluation attendue n'est pas remise." in form
    assert NO_REVIEW not in form
    assert "id_jury_no_review" not in form


def test_send_to_jury_form_all_reviews_in_has_no_warning(client, instruction_user, file_in_review):
    review_with_scores(AssignmentFactory(application=file_in_review), 4)
    login(client, instruction_user)

    form = _send_to_jury_form(client, file_in_review)

    assert ALL_IN in form
    assert NO_REVIEW not in form


def test_a_file_without_any_review_still_goes_to_the_jury_when_confirmed(
    client, instruction_user, file_in_review
):
    # The warning is the safeguard; the guard of the design is unchanged.
    login(client, instruction_user)

    client.post(reverse("reviews:send_to_jury", kwargs={"pk": file_in_review.pk}), {"note": ""})

    file_in_review.refresh_from_db()
    assert file_in_review.state == ApplicationState.DELIBERATION
    assert file_in_review.missing_reviews_waived is False
