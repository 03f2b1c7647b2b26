"""Reads of the criteria grid, the reviews and their scores, and the reviewer's area; each
owns its select_related / prefetch_related."""

from dataclasses import dataclass, field

from applications.enums import ApplicationState
from label.models import User
from reviews.enums import ReviewState
from reviews.models import Assignment, Criterion, Review
from reviews.scoring import arithmetic

# --- Grid ------------------------------------------------------------------------------------


# The grid's model (Criterion) is read in this module only, and written in
# reviews/scoring/services.py and reviews/scoring/forms.py.


def criterion_queryset_for_wave(wave):
    """The criteria of a wave's grid, in the order reviewers meet them, as a queryset."""
    return Criterion.objects.filter(wave=wave).order_by("position", "code")


def criterion_list_for_wave(wave):
    """The criteria of a wave's grid, in the order reviewers meet them."""
    return list(criterion_queryset_for_wave(wave))


def criterion_rows_for_wave(wave):
    """The criteria of a wave's grid as plain dicts, in grid order (one query, for the ranking)."""
    return list(
        criterion_queryset_for_wave(wave).values(
            "id", "code", "label", "weight", "scale_max", "counts_in_ranking"
        )
    )


def criteria_grid_is_locked(wave):
    """Is the grid of this wave frozen? Yes once any review of the wave has been submitted."""
    return Review.objects.filter(
        assignment__application__wave=wave, submitted_at__isnull=False
    ).exists()


# --- The reviewer's area ---------------------------------------------------------------------


def assignment_list_for_reviewer(user):
    """The reviewer's live assignments (no declared conflict), soonest due first."""
    return list(
        Assignment.objects.active()
        .filter(reviewer=user)
        .select_related("application", "application__wave", "review", "committee")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class Progress:
    submitted: int
    total: int


def reviewer_progress(assignments):
    """How many of these assignments have a submitted review."""
    submitted = sum(
        1
        for assignment in assignments
        if getattr(_review_or_none(assignment), "state", None) == ReviewState.SUBMITTED
    )
    return Progress(submitted=submitted, total=len(assignments))


def _review_or_none(assignment):
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


def score_map(review):
    """{criterion pk: Score} of a review (empty when there is no review yet)."""
    if review is None or review.pk is None:
        return {}
    return {score.criterion_id: score for score in review.scores.all()}


@dataclass
class ReviewView:
    """A submitted review as the pages show it: its total and its scores by criterion."""

    review: Review
    reviewer: User
    total: float | None
    scores: list = field(default_factory=list)  # [(criterion, Score or None)] in grid order


def submitted_reviews_for_application(application, criteria=None):
    """The submitted reviews of live assignments of a file, with their totals (two queries)."""
    criteria = criteria if criteria is not None else criterion_list_for_wave(application.wave_id)
    specs = [criterion_spec(criterion) for criterion in criteria]
    reviews = (
        Review.objects.filter(
            assignment__application=application,
            assignment__conflict_declared_at__isnull=True,
            state=ReviewState.SUBMITTED,
        )
        .select_related("assignment__reviewer")
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    result = []
    for review in reviews:
        by_criterion = {score.criterion_id: score for score in review.scores.all()}
        result.append(
            ReviewView(
                review=review,
                reviewer=review.assignment.reviewer,
                total=arithmetic.review_total(
                    {pk: score.value for pk, score in by_criterion.items()}, specs
                ),
                scores=[(criterion, by_criterion.get(criterion.pk)) for criterion in criteria],
            )
        )
    return result


def criterion_spec(criterion):
    """The scoring arithmetic's view of a criterion (its id, weight, scale and ranking flag)."""
    return arithmetic.CriterionSpec(
        id=criterion.pk,
        weight=criterion.weight,
        scale_max=criterion.scale_max,
        counts_in_ranking=criterion.counts_in_ranking,
    )


def pending_reviews_count(application):
    """Live assignments of a file whose review is not submitted yet."""
    return (
        Assignment.objects.active()
        .filter(application=application)
        .exclude(review__state=ReviewState.SUBMITTED)
        .count()
    )


def application_review_panel(application):
    """What the staff page of one application shows of its instruction by reviewers."""
    assignments = list(
        Assignment.objects.filter(application=application)
        .select_related("reviewer", "review", "committee")
        .order_by("conflict_declared_at", "due_on", "pk")
    )
    criteria = criterion_list_for_wave(application.wave_id)
    reviews = submitted_reviews_for_application(application, criteria)
    totals = [view.total for view in reviews]
    pending = sum(
        1
        for assignment in assignments
        if not assignment.has_conflict
        and getattr(_review_or_none(assignment), "state", None) != ReviewState.SUBMITTED
    )
    return {
        "assignments": assignments,
        "reviews": reviews,
        "criteria": criteria,
        "summary": arithmetic.summarise(totals),
        "pending": pending,
        "disagreement_threshold": arithmetic.DISAGREEMENT_SD,
    }


def shared_comments_for_applicant(application):
    """The comments reviewers agreed to share, once the decision is announced; no names."""
    if application.state not in {
        ApplicationState.LABELLED,
        ApplicationState.DEFERRED,
        ApplicationState.REFUSED,
    }:
        return []
    return [
        comment
        for comment in Review.objects.filter(
            assignment__application=application,
            assignment__conflict_declared_at__isnull=True,
            state=ReviewState.SUBMITTED,
        )
        .exclude(shared_comment="")
        .order_by("submitted_at", "pk")
        .values_list("shared_comment", flat=True)
    ]
