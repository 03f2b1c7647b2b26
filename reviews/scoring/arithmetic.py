"""The arithmetic of scores, on plain values (no database): totals, summaries, normalisation.

- A review's total is the weighted mean of its scores, each taken as a share of its scale,
  on 0–100. Only criteria that count in the ranking enter it; an optional criterion left
  unscored is left out of the weighting rather than counted as zero.
- An application's summary: number of reviews, mean, median and sample standard deviation of
  the totals; a deviation above DISAGREEMENT_SD points flags strong disagreement.
- Per-reviewer normalisation corrects lenient and harsh reviewers: each reviewer's totals
  across their reviews of the wave are standardised (z = (total − their mean) / their
  population standard deviation) and mapped back onto the wave's scale (wave mean + z × wave
  standard deviation, over all the wave's reviews). A reviewer with a single review keeps the
  raw total (there is nothing to standardise against); one who gave every file the same total
  expressed no preference, and each of their reviews maps to the wave mean.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

# Standard deviation of the totals (points out of 100) above which reviewers disagree strongly.
DISAGREEMENT_SD = 15.0


# Plain float arithmetic: the statistics module computes exactly with fractions, which is
# ten times slower and changes nothing at the precision shown (one decimal out of 100).


def _mean(values):
    return math.fsum(values) / len(values)


def _median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def _sd(values, *, sample):
    mean = _mean(values)
    squares = math.fsum((value - mean) ** 2 for value in values)
    return math.sqrt(squares / (len(values) - 1 if sample else len(values)))


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    weight: int
    scale_max: int
    counts_in_ranking: bool = True


def review_total(values, criteria):
    """The total of one review on 0–100, from {criterion id: score or None}; None if empty."""
    weighted = 0.0
    weights = 0
    for criterion in criteria:
        value = values.get(criterion.id)
        if not criterion.counts_in_ranking or value is None or criterion.scale_max <= 0:
            continue
        weighted += criterion.weight * value / criterion.scale_max
        weights += criterion.weight
    if not weights:
        return None
    return 100.0 * weighted / weights


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    median: float | None
    sd: float | None
    disagreement: bool


def summarise(totals, *, threshold=DISAGREEMENT_SD):
    """Count, mean, median and sample standard deviation of some totals (None when undefined)."""
    totals = [total for total in totals if total is not None]
    if not totals:
        return Summary(count=0, mean=None, median=None, sd=None, disagreement=False)
    sd = _sd(totals, sample=True) if len(totals) > 1 else None
    return Summary(
        count=len(totals),
        mean=_mean(totals),
        median=_median(totals),
        sd=sd,
        disagreement=sd is not None and sd > threshold,
    )


def normalised_totals(reviews):
    """Each review's total corrected for its reviewer's leniency, on the wave's scale.

    `reviews` is an iterable of (review key, reviewer key, total); returns {review key:
    normalised total}. Reviews without a total are left out.
    """
    reviews = [(key, reviewer, total) for key, reviewer, total in reviews if total is not None]
    if not reviews:
        return {}
    all_totals = [total for _key, _reviewer, total in reviews]
    wave_mean = _mean(all_totals)
    wave_sd = _sd(all_totals, sample=False)
    by_reviewer = defaultdict(list)
    for key, reviewer, total in reviews:
        by_reviewer[reviewer].append((key, total))
    normalised = {}
    for own in by_reviewer.values():
        if len(own) < 2:
            for key, total in own:
                normalised[key] = total
            continue
        totals = [total for _key, total in own]
        own_mean = _mean(totals)
        own_sd = _sd(totals, sample=False)
        for key, total in own:
            z = (total - own_mean) / own_sd if own_sd > 0 else 0.0
            normalised[key] = wave_mean + z * wave_sd
    return normalised


def population_sd(values):
    """The population standard deviation of some values (None when there are none)."""
    values = [value for value in values if value is not None]
    return _sd(values, sample=False) if values else None


def mean_or_none(values):
    """The mean of some values, None left out (None when there are none)."""
    values = [value for value in values if value is not None]
    return _mean(values) if values else None


def competition_ranks(keys_and_values):
    """Ranks "1, 2, 2, 4" for (key, value) pairs sorted best first; None values get no rank."""
    ranks = {}
    previous = object()
    rank = 0
    for position, (key, value) in enumerate(keys_and_values, start=1):
        if value is None:
            ranks[key] = None
            continue
        if value != previous:
            rank = position
            previous = value
        ranks[key] = rank
    return ranks
