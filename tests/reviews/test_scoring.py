"""The arithmetic of scores: totals on 0–100, summaries, disagreement, normalisation, ranks."""

import pytest

from reviews.scoring import arithmetic
from reviews.scoring.arithmetic import CriterionSpec

GRID = [
    CriterionSpec(id=1, weight=3, scale_max=5),
    CriterionSpec(id=2, weight=1, scale_max=5),
    CriterionSpec(id=3, weight=2, scale_max=10, counts_in_ranking=False),
]


def test_review_total_is_the_weighted_share_of_the_scale():
    # (3 × 5/5 + 1 × 0/5) / 4 = 0.75
    assert arithmetic.review_total({1: 5, 2: 0, 3: 10}, GRID) == pytest.approx(75.0)


def test_review_total_ignores_criteria_outside_the_ranking():
    assert arithmetic.review_total({1: 5, 2: 5, 3: 0}, GRID) == pytest.approx(100.0)


def test_review_total_leaves_an_unscored_optional_criterion_out_of_the_weighting():
    assert arithmetic.review_total({1: 4, 2: None}, GRID) == pytest.approx(80.0)


def test_review_total_of_an_empty_review_is_none():
    assert arithmetic.review_total({}, GRID) is None
    assert arithmetic.review_total({3: 5}, GRID) is None


def test_summarise_gives_count_mean_median_and_sample_sd():
    summary = arithmetic.summarise([40.0, 60.0, 80.0, None])

    assert summary.count == 3
    assert summary.mean == pytest.approx(60.0)
    assert summary.median == pytest.approx(60.0)
    assert summary.sd == pytest.approx(20.0)
    assert summary.disagreement is True


def test_summarise_flags_disagreement_only_above_the_threshold():
    assert arithmetic.summarise([50.0, 60.0]).disagreement is False  # sd ≈ 7.1
    assert arithmetic.summarise([50.0, 80.0]).disagreement is True  # sd ≈ 21.2


def test_summarise_of_one_or_no_total():
    one = arithmetic.summarise([70.0])
    assert (one.count, one.mean, one.median) == (1, 70.0, 70.0)
    assert (one.sd, one.disagreement) == (None, False)
    none = arithmetic.summarise([])
    assert (none.count, none.mean, none.sd) == (0, None, None)


def test_normalised_totals_correct_a_harsh_and_a_lenient_reviewer():
    # The harsh reviewer "h" and the lenient "l" rank files A and B the same way.
    reviews = [
        ("hA", "h", 40.0),
        ("hB", "h", 20.0),
        ("lA", "l", 90.0),
        ("lB", "l", 70.0),
    ]

    normalised = arithmetic.normalised_totals(reviews)

    # Wave mean 55, population sd √725 ≈ 26.93; each reviewer's z is ±1.
    assert normalised["hA"] == pytest.approx(normalised["lA"])
    assert normalised["hB"] == pytest.approx(normalised["lB"])
    assert normalised["hA"] == pytest.approx(55 + 725**0.5)
    assert normalised["hB"] == pytest.approx(55 - 725**0.5)


def test_normalised_totals_keep_a_single_review_and_centre_a_flat_reviewer():
    reviews = [("a", "solo", 33.0), ("b", "flat", 60.0), ("c", "flat", 60.0), ("d", "x", 90.0)]

    normalised = arithmetic.normalised_totals(reviews)

    assert normalised["a"] == 33.0
    assert normalised["b"] == normalised["c"] == pytest.approx((33 + 60 + 60 + 90) / 4)


def test_competition_ranks_share_ties_and_skip():
    ranks = arithmetic.competition_ranks([("a", 90), ("b", 80), ("c", 80), ("d", 70), ("e", None)])

    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}
