"""Reviews: drafts, submission (complete, within the scale), the lock, reopening by staff."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from label.models import OutboxMail
from reviews.enums import Opinion, ReviewState
from reviews.models import Review, Score
from reviews.scoring import workflow
from tests.conftest import login
from tests.factories import AssignmentFactory
from tests.factories.reviews import review_with_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(file_in_review, reviewer, committee):
    return AssignmentFactory(application=file_in_review, reviewer=reviewer, accepted=True)


def _all_scores(criteria, value=4, comment=""):
    return {c.pk: {"value": value, "comment": comment} for c in criteria}


def _post_data(criteria, *, action, value="4", opinion=Opinion.FAVORABLE, **extra):
    data = {"action": action, "opinion": opinion, "shared_comment": "", "private_comment": ""}
    for criterion in criteria:
        data[f"score_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = ""
    data.update(extra)
    return data


def test_save_draft_keeps_partial_scores(assignment, reviewer, criteria):
    scores = {criteria[0].pk: {"value": 3, "comment": "Bon ancrage local."}}

    review = workflow.review_save_draft(assignment=assignment, by=reviewer, scores=scores)

    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT
    score = Score.objects.get(review=review)
    assert (score.criterion, score.value, score.comment) == (criteria[0], 3, "Bon ancrage local.")


def test_submit_locks_the_review(assignment, reviewer, criteria):
    review = workflow.review_submit(
        assignment=assignment,
        by=reviewer,
        scores=_all_scores(criteria),
        opinion=Opinion.FAVORABLE,
        shared_comment="Projet exemplaire.",
        private_comment="Porteur fragile financièrement.",
    )

    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    assert review.submitted_at is not None
    assert review.scores.count() == len(criteria)
    with pytest.raises(ValidationError, match="remise : elle ne peut plus être modifiée"):
        workflow.review_save_draft(assignment=assignment, by=reviewer, scores={})


def test_submit_refuses_a_missing_required_criterion_naming_it(assignment, reviewer, criteria):
    scores = _all_scores(criteria)
    scores[criteria[2].pk]["value"] = None

    with pytest.raises(ValidationError, match=f"non notés : {criteria[2].code}"):
        workflow.review_submit(
            assignment=assignment, by=reviewer, scores=scores, opinion=Opinion.FAVORABLE
        )

    assert not Review.objects.filter(state=ReviewState.SUBMITTED).exists()


def test_submit_accepts_an_unscored_optional_criterion(assignment, reviewer, criteria):
    optional = criteria[-1]
    optional.required = False
    optional.save()
    scores = _all_scores(criteria)
    scores[optional.pk]["value"] = None

    review = workflow.review_submit(
        assignment=assignment, by=reviewer, scores=scores, opinion=Opinion.UNFAVORABLE
    )

    assert review.state == ReviewState.SUBMITTED


def test_submit_requires_the_overall_opinion(assignment, reviewer, criteria):
    with pytest.raises(ValidationError, match="avis global"):
        workflow.review_submit(
            assignment=assignment, by=reviewer, scores=_all_scores(criteria), opinion=""
        )


@pytest.mark.parametrize("value", [6, -1, "beaucoup"])
def test_scores_outside_the_scale_are_refused(assignment, reviewer, criteria, value):
    scores = {criteria[0].pk: {"value": value, "comment": ""}}

    with pytest.raises(ValidationError, match="entre 0 et 5"):
        workflow.review_save_draft(assignment=assignment, by=reviewer, scores=scores)

    assert not Score.objects.exists()


def test_someone_else_cannot_write_the_review(
    assignment, make_reviewer, instruction_user, criteria
):
    for intruder in (make_reviewer(), instruction_user):
        with pytest.raises(PermissionDenied):
            workflow.review_save_draft(
                assignment=assignment, by=intruder, scores=_all_scores(criteria)
            )

    assert not Review.objects.exists()


def test_review_page_submits_and_reports_out_of_scale_values(
    client, assignment, reviewer, criteria
):
    login(client, reviewer)
    url = reverse("reviews:review", kwargs={"pk": assignment.pk})

    refused = client.post(url, _post_data(criteria, action="submit", value="9"))

    assert refused.status_code == 400
    assert "La note doit être comprise entre 0 et 5." in refused.content.decode()
    assert not Review.objects.exists()

    accepted = client.post(url, _post_data(criteria, action="submit"))

    assert accepted.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.state == ReviewState.SUBMITTED
    assert set(review.scores.values_list("value", flat=True)) == {4}


def test_review_page_ties_missing_required_scores_to_their_fields(
    client, assignment, reviewer, criteria
):
    login(client, reviewer)
    data = _post_data(criteria, action="submit")
    data[f"score_{criteria[0].pk}"] = ""

    response = client.post(reverse("reviews:review", kwargs={"pk": assignment.pk}), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert f'href="#id_score_{criteria[0].pk}"' in body
    assert "Ce critère est obligatoire pour remettre l&#x27;évaluation." in body
    assert not Review.objects.filter(state=ReviewState.SUBMITTED).exists()


def test_review_page_saves_a_draft_without_opinion(client, assignment, reviewer, criteria):
    login(client, reviewer)

    response = client.post(
        reverse("reviews:review", kwargs={"pk": assignment.pk}),
        _post_data(criteria, action="draft", value="", opinion=""),
    )

    assert response.status_code == 302
    assert Review.objects.get(assignment=assignment).state == ReviewState.DRAFT


def test_editing_a_submitted_review_by_hand_made_post_is_refused(
    client, assignment, reviewer, criteria
):
    review = review_with_scores(assignment, 2)
    login(client, reviewer)

    response = client.post(
        reverse("reviews:review", kwargs={"pk": assignment.pk}),
        _post_data(criteria, action="draft", value="5"),
    )

    assert response.status_code == 400
    assert "elle ne peut plus être modifiée" in response.content.decode()
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    assert set(review.scores.values_list("value", flat=True)) == {2}


def test_staff_reopen_a_submitted_review_with_a_reason(
    client, assignment, reviewer, instruction_user, criteria
):
    review = review_with_scores(assignment, 3)
    login(client, instruction_user)

    response = client.post(
        reverse("reviews:review_reopen", kwargs={"pk": review.pk}),
        {"reason": "Merci de commenter le critère B2."},
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT
    assert (review.reopened_by, review.reopen_reason) == (
        instruction_user,
        "Merci de commenter le critère B2.",
    )
    mail = OutboxMail.objects.get(recipient=reviewer)
    assert "Merci de commenter le critère B2." in mail.body_text
    # The reviewer may now correct and submit again.
    workflow.review_submit(
        assignment=assignment, by=reviewer, scores=_all_scores(criteria), opinion="favorable"
    )


def test_reopen_requires_a_reason_and_staff(assignment, reviewer, instruction_user):
    review = review_with_scores(assignment, 3)

    with pytest.raises(ValidationError):
        workflow.review_reopen(review=review, by=instruction_user, reason=" ")
    with pytest.raises(PermissionDenied):
        workflow.review_reopen(review=review, by=reviewer, reason="Je veux corriger.")

    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED


def test_other_reviews_are_visible_only_after_submitting_ones_own(
    client, assignment, reviewer, make_reviewer, criteria, file_in_review
):
    colleague = AssignmentFactory(application=file_in_review, reviewer=make_reviewer())
    review_with_scores(
        colleague, 1, shared_comment="Avis du collègue", private_comment="Secret du collègue"
    )
    login(client, reviewer)
    url = reverse("reviews:review", kwargs={"pk": assignment.pk})

    before = client.get(url).content.decode()

    assert "Avis du collègue" not in before
    review_with_scores(assignment, 4)
    after = client.get(url).content.decode()
    assert "Avis du collègue" in after
    assert "Secret du collègue" not in after
    assert colleague.reviewer.full_name not in after


def test_reviewer_home_shows_progress_and_due_dates(client, reviewer, wave, committee):
    from tests.factories.reviews import application_in_state

    assignments = [
        AssignmentFactory(application=application_in_state(wave=wave), reviewer=reviewer)
        for _ in range(7)
    ]
    for assignment in assignments[:3]:
        review_with_scores(assignment, 3)
    hidden = AssignmentFactory(
        application=application_in_state(wave=wave), reviewer=reviewer, conflicted=True
    )
    login(client, reviewer)

    body = client.get(reverse("reviews:reviewer_home")).content.decode()

    assert "3 / 7 évaluations remises" in body
    assert hidden.application.reference not in body
