"""Reads of the reviews app; each owns its select_related / prefetch_related.

The lists of staff pages and the ranking read a fixed number of queries whatever the number
of applications, reviewers or reviews: rows are fetched in bulk and put together in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application
from label.enums import Role
from label.models import Criterion, User
from reviews import scoring
from reviews.conflicts import FileFacts, ReviewerFacts, conflict_reasons
from reviews.enums import RANKED_STATES, ReviewState
from reviews.models import Assignment, Committee, Review, ReviewerProfile, Score

# --- Grid ------------------------------------------------------------------------------------


def criterion_list_for_wave(wave):
    """The criteria of a wave's grid, in the order reviewers meet them."""
    return list(Criterion.objects.filter(wave=wave).order_by("position", "code"))


def criteria_grid_is_locked(wave):
    """Is the grid of this wave frozen? Yes once any review of the wave has been submitted."""
    return Review.objects.filter(
        assignment__application__wave=wave, submitted_at__isnull=False
    ).exists()


# --- Reviewers, committees, conflicts ----------------------------------------------------------


def committee_list_for_wave(wave):
    """The committees of a wave with their members."""
    return list(
        Committee.objects.filter(wave=wave).prefetch_related(
            Prefetch("members", queryset=User.objects.order_by("full_name", "email"))
        )
    )


def reviewer_candidates():
    """Active accounts with the reviewer role: who may sit on a committee."""
    return User.objects.filter(is_active=True, groups__name=Role.REVIEWER).order_by(
        "full_name", "email"
    )


def reviewer_list_for_wave(wave, committee=None):
    """Active reviewers sitting on a committee of the wave (or on the given committee)."""
    committees = Committee.objects.filter(wave=wave)
    if committee is not None:
        committees = committees.filter(pk=committee.pk)
    return list(reviewer_candidates().filter(committees__in=committees).distinct().order_by("pk"))


def reviewer_committee_map(wave):
    """{reviewer pk: the first committee of the wave they sit on}, for new assignments."""
    through = Committee.members.through
    first = {}
    rows = through.objects.filter(committee__wave=wave).order_by("committee_id")
    for reviewer_id, committee_id in rows.values_list("user_id", "committee_id"):
        first.setdefault(reviewer_id, committee_id)
    return first


def reviewer_profile_get(user):
    """The reviewer's declarations, or an unsaved empty profile."""
    profile = ReviewerProfile.objects.filter(user=user).first()
    return profile or ReviewerProfile(user=user, organisation=user.organisation)


def reviewer_facts(reviewers):
    """{reviewer pk: ReviewerFacts} for conflict checks (two queries)."""
    reviewers = list(reviewers)
    profiles = {
        profile.user_id: profile
        for profile in ReviewerProfile.objects.filter(user__in=reviewers).prefetch_related(
            "mandate_communes"
        )
    }
    facts = {}
    for reviewer in reviewers:
        profile = profiles.get(reviewer.pk)
        organisations = tuple(
            name for name in (reviewer.organisation, profile and profile.organisation) if name
        )
        mandates = (
            {commune.pk: commune.name for commune in profile.mandate_communes.all()}
            if profile
            else {}
        )
        facts[reviewer.pk] = ReviewerFacts(organisations=organisations, mandate_communes=mandates)
    return facts


def file_facts(applications):
    """{application pk: FileFacts}; uses prefetched communes when the caller has them."""
    return {
        application.pk: FileFacts(
            holder_name=application.holder_name,
            communes={commune.pk: commune.name for commune in application.communes.all()},
        )
        for application in applications
    }


def conflict_map(applications, reviewers):
    """{(application pk, reviewer pk): [reasons]} for every pair that may not be assigned.

    Covers the holder's organisation and mandate communes (before any assignment) and the
    conflicts reviewers declared on an assignment. Applications should come with their
    communes prefetched.
    """
    applications = list(applications)
    reviewers = list(reviewers)
    files = file_facts(applications)
    people = reviewer_facts(reviewers)
    conflicts = {}
    for application_pk, facts in files.items():
        for reviewer_pk, reviewer in people.items():
            reasons = conflict_reasons(facts, reviewer)
            if reasons:
                conflicts[(application_pk, reviewer_pk)] = reasons
    declared = Assignment.objects.filter(
        application__in=applications, conflict_declared_at__isnull=False
    ).values_list("application_id", "reviewer_id", "conflict_reason")
    for application_pk, reviewer_pk, reason in declared:
        conflicts.setdefault((application_pk, reviewer_pk), []).append(_declared_reason(reason))
    return conflicts


def _declared_reason(reason):
    return _("conflit déclaré : %(reason)s") % {"reason": reason}


def reviewer_loads(wave):
    """{reviewer pk: number of live assignments in the wave}."""
    return dict(
        Assignment.objects.active()
        .filter(application__wave=wave)
        .values_list("reviewer_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("reviewer_id", "count")
    )


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


def assignment_get_for_review(pk):
    """One assignment with everything its review page shows."""
    return (
        Assignment.objects.select_related("application", "application__wave", "reviewer")
        .prefetch_related("application__communes", "application__attachments")
        .filter(pk=pk)
        .first()
    )


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
                total=scoring.review_total(
                    {pk: score.value for pk, score in by_criterion.items()}, specs
                ),
                scores=[(criterion, by_criterion.get(criterion.pk)) for criterion in criteria],
            )
        )
    return result


def criterion_spec(criterion):
    return scoring.CriterionSpec(
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


# --- Staff pages ---------------------------------------------------------------------------


def assignment_board_for_wave(wave):
    """The files under instruction of a wave with their assignments and excluded reviewers.

    Returns (rows, reviewers): each row has the application, its assignments (with review)
    and the committee members who may not review it, with why. A fixed number of queries.
    """
    applications = list(
        Application.objects.filter(wave=wave, state=ApplicationState.IN_REVIEW)
        .prefetch_related(
            "communes",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("reviewer", "review").order_by(
                    "conflict_declared_at", "pk"
                ),
            ),
        )
        .order_by("reference", "pk")
    )
    reviewers = reviewer_list_for_wave(wave)
    conflicts = conflict_map(applications, reviewers)
    names = {reviewer.pk: reviewer for reviewer in reviewers}
    rows = []
    for application in applications:
        assigned = {assignment.reviewer_id for assignment in application.assignments.all()}
        excluded = [
            (names[reviewer_pk], reasons)
            for (application_pk, reviewer_pk), reasons in sorted(conflicts.items())
            if application_pk == application.pk
            and reviewer_pk in names
            and reviewer_pk not in assigned
        ]
        rows.append(
            {
                "application": application,
                "assignments": list(application.assignments.all()),
                "live_count": sum(1 for a in application.assignments.all() if not a.has_conflict),
                "excluded": excluded,
            }
        )
    return rows, reviewers


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
        "summary": scoring.summarise(totals),
        "pending": pending,
        "disagreement_threshold": scoring.DISAGREEMENT_SD,
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


# --- Ranking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingRow:
    application_id: int
    reference: str
    title: str
    holder_name: str
    state: str
    state_label: str
    assigned: int
    reviews: int
    mean: float | None
    median: float | None
    sd: float | None
    disagreement: bool
    normalised_mean: float | None
    criterion_means: tuple  # aligned with Ranking.criteria
    rank: int | None = None


@dataclass(frozen=True)
class Ranking:
    wave_id: int
    criteria: tuple  # ({"id", "code", "label", "weight", "scale_max", "counts_in_ranking"})
    rows: tuple
    wave_mean: float | None
    wave_sd: float | None
    disagreement_threshold: float
    sort: str


RANKING_SORTS = ("normalised", "mean")


def ranking_for_wave(wave, *, sort="normalised"):
    """The ranking of a wave's reviewed files, as plain data (four queries, any size).

    Each row: reviews submitted out of assigned, mean, median and standard deviation of the
    totals (0–100) with the disagreement flag, the mean of the per-reviewer normalised
    totals, and the mean score of each criterion. Sorted best first by the normalised mean
    (or the raw mean), files without reviews last. See reviews/scoring.py for the method.
    """
    sort = sort if sort in RANKING_SORTS else "normalised"
    wave_id = getattr(wave, "pk", wave)
    criteria = list(
        Criterion.objects.filter(wave_id=wave_id)
        .order_by("position", "code")
        .values("id", "code", "label", "weight", "scale_max", "counts_in_ranking")
    )
    specs = [
        scoring.CriterionSpec(
            id=c["id"],
            weight=c["weight"],
            scale_max=c["scale_max"],
            counts_in_ranking=c["counts_in_ranking"],
        )
        for c in criteria
    ]
    applications = list(
        Application.objects.filter(wave_id=wave_id, state__in=RANKED_STATES)
        .order_by("reference", "pk")
        .values("id", "reference", "title", "holder_name", "state")
    )
    assigned = defaultdict(int)
    for (application_id,) in (
        Assignment.objects.active()
        .filter(application__wave_id=wave_id)
        .order_by()
        .values_list("application_id")
    ):
        assigned[application_id] += 1

    values = defaultdict(dict)  # review pk → {criterion pk: value}
    review_owner = {}  # review pk → (application pk, reviewer pk)
    scores = Score.objects.filter(
        review__state=ReviewState.SUBMITTED,
        review__assignment__conflict_declared_at__isnull=True,
        review__assignment__application__wave_id=wave_id,
    ).values_list(
        "review_id",
        "review__assignment__application_id",
        "review__assignment__reviewer_id",
        "criterion_id",
        "value",
    )
    # No ORDER BY: Score's default ordering would join the criteria and sort every row.
    sums = defaultdict(float)  # (application pk, criterion pk) → sum of scores
    counts = defaultdict(int)
    for review_id, application_id, reviewer_id, criterion_id, value in scores.order_by():
        values[review_id][criterion_id] = value
        review_owner[review_id] = (application_id, reviewer_id)
        if value is not None:
            sums[application_id, criterion_id] += value
            counts[application_id, criterion_id] += 1

    totals = {review_id: scoring.review_total(values[review_id], specs) for review_id in values}
    normalised = scoring.normalised_totals(
        (review_id, review_owner[review_id][1], total) for review_id, total in totals.items()
    )
    per_application = defaultdict(list)
    for review_id, (application_id, _reviewer_id) in review_owner.items():
        per_application[application_id].append(review_id)

    all_totals = [total for total in totals.values() if total is not None]
    wave_summary = scoring.summarise(all_totals)
    state_labels = {value: str(label) for value, label in ApplicationState.choices}
    rows = []
    for application in applications:
        review_ids = sorted(per_application.get(application["id"], []))
        summary = scoring.summarise(totals[review_id] for review_id in review_ids)
        criterion_means = tuple(
            sums[key] / counts[key] if counts.get(key := (application["id"], c["id"])) else None
            for c in criteria
        )
        rows.append(
            RankingRow(
                application_id=application["id"],
                reference=application["reference"] or "",
                title=application["title"],
                holder_name=application["holder_name"],
                state=application["state"],
                state_label=state_labels.get(application["state"], application["state"]),
                assigned=assigned.get(application["id"], 0),
                reviews=summary.count,
                mean=summary.mean,
                median=summary.median,
                sd=summary.sd,
                disagreement=summary.disagreement,
                normalised_mean=scoring.mean_or_none(
                    normalised.get(review_id) for review_id in review_ids
                ),
                criterion_means=criterion_means,
            )
        )

    def key_value(row):
        value = row.normalised_mean if sort == "normalised" else row.mean
        return None if value is None else round(value, 2)

    rows.sort(
        key=lambda row: (
            key_value(row) is None,
            -(key_value(row) or 0),
            -(round(row.mean, 2) if row.mean is not None else 0),
            row.reference,
            row.application_id,
        )
    )
    ranks = scoring.competition_ranks((row.application_id, key_value(row)) for row in rows)
    rows = [_with_rank(row, ranks[row.application_id]) for row in rows]
    return Ranking(
        wave_id=wave_id,
        criteria=tuple(criteria),
        rows=tuple(rows),
        wave_mean=wave_summary.mean,
        wave_sd=scoring.population_sd(all_totals),
        disagreement_threshold=scoring.DISAGREEMENT_SD,
        sort=sort,
    )


def _with_rank(row, rank):
    return replace(row, rank=rank)
