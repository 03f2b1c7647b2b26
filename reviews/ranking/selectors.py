"""The ranking of a wave's reviewed files, as plain data.

It reads a fixed number of queries whatever the number of applications, reviewers or reviews:
rows are fetched in bulk and put together in Python.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from applications.enums import ApplicationState
from applications.models import Application
from reviews.enums import RANKED_STATES, ReviewState
from reviews.models import Assignment, Score
from reviews.scoring import arithmetic
from reviews.scoring.selectors import criterion_rows_for_wave


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
RANKING_VERSION_KEY = "reviews:ranking:version"
# A kept ranking is dropped at once by a new version; this bounds keys nobody reads again.
RANKING_CACHE_SECONDS = 24 * 60 * 60


def ranking_touch():
    """Mark every kept ranking as stale (a review, score, assignment or file changed).

    Bumped now and again when the transaction commits: a page computed in between, from
    the data before the commit, is kept under a version nobody asks for any more.
    """

    def bump():
        cache.set(RANKING_VERSION_KEY, time.time_ns(), None)

    bump()
    transaction.on_commit(bump, robust=True)


def ranking_version():
    """The current version of the rankings, for cache keys (one cache read)."""
    version = cache.get(RANKING_VERSION_KEY)
    if version is None:
        cache.add(RANKING_VERSION_KEY, time.time_ns(), None)
        version = cache.get(RANKING_VERSION_KEY, 0)
    return version


def ranking_for_wave_kept(wave, *, sort="normalised"):
    """The ranking of a wave, computed once per change of what it reads and then kept.

    Keyed by the ranking version (bumped by any save or deletion of an application under
    review, assignment, review, score, criterion or wave: reviews/ranking/receivers.py), the
    wave, the sort and the language (the state labels are translated). A kept ranking costs
    no query.
    """
    sort = sort if sort in RANKING_SORTS else "normalised"
    wave_id = getattr(wave, "pk", wave)
    key = f"reviews:ranking:{ranking_version()}:{wave_id}:{sort}:{get_language()}"
    ranking = cache.get(key)
    if ranking is None:
        ranking = ranking_for_wave(wave_id, sort=sort)
        cache.set(key, ranking, RANKING_CACHE_SECONDS)
    return ranking


def ranking_for_wave(wave, *, sort="normalised"):
    """The ranking of a wave's reviewed files, as plain data (four queries, any size).

    Each row: reviews submitted out of assigned, mean, median and standard deviation of the
    totals (0–100) with the disagreement flag, the mean of the per-reviewer normalised
    totals, and the mean score of each criterion. Sorted best first by the normalised mean
    (or the raw mean), files without reviews last. See reviews/scoring/arithmetic.py for the
    method.
    """
    sort = sort if sort in RANKING_SORTS else "normalised"
    wave_id = getattr(wave, "pk", wave)
    criteria = criterion_rows_for_wave(wave_id)
    specs = [
        arithmetic.CriterionSpec(
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

    totals = {review_id: arithmetic.review_total(values[review_id], specs) for review_id in values}
    normalised = arithmetic.normalised_totals(
        (review_id, review_owner[review_id][1], total) for review_id, total in totals.items()
    )
    per_application = defaultdict(list)
    for review_id, (application_id, _reviewer_id) in review_owner.items():
        per_application[application_id].append(review_id)

    all_totals = [total for total in totals.values() if total is not None]
    wave_summary = arithmetic.summarise(all_totals)
    state_labels = {value: str(label) for value, label in ApplicationState.choices}
    rows = []
    for application in applications:
        review_ids = sorted(per_application.get(application["id"], []))
        summary = arithmetic.summarise(totals[review_id] for review_id in review_ids)
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
                normalised_mean=arithmetic.mean_or_none(
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
    ranks = arithmetic.competition_ranks((row.application_id, key_value(row)) for row in rows)
    rows = [_with_rank(row, ranks[row.application_id]) for row in rows]
    return Ranking(
        wave_id=wave_id,
        criteria=tuple(criteria),
        rows=tuple(rows),
        wave_mean=wave_summary.mean,
        wave_sd=arithmetic.population_sd(all_totals),
        disagreement_threshold=arithmetic.DISAGREEMENT_SD,
        sort=sort,
    )


def _with_rank(row, rank):
    return replace(row, rank=rank)
