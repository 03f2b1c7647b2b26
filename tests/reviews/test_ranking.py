"""Aggregation and ranking: totals, summaries, normalisation, per-criterion means; query guards."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.enums import ApplicationState
from reviews.models import Criterion
from reviews.ranking.selectors import ranking_for_wave
from tests.conftest import login
from tests.factories import AssignmentFactory
from tests.factories.reviews import application_in_state, build_reviewed_wave, review_with_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_grid(wave):
    """A two-criterion grid (weights 3 and 1, scale 0–5) plus one that does not count."""
    Criterion.objects.filter(wave=wave).delete()
    return [
        Criterion.objects.create(wave=wave, group="A", code="A1", label="T", weight=3, position=1),
        Criterion.objects.create(wave=wave, group="B", code="B1", label="F", weight=1, position=2),
        Criterion.objects.create(
            wave=wave,
            group="D",
            code="D1",
            label="I",
            weight=1,
            position=3,
            counts_in_ranking=False,
            required=False,
        ),
    ]


def test_ranking_aggregates_each_file(wave, small_grid, make_reviewer):
    a1, b1, d1 = small_grid
    harsh, lenient, third = make_reviewer(), make_reviewer(), make_reviewer()
    first = application_in_state(wave=wave)
    second = application_in_state(wave=wave)
    unreviewed = application_in_state(wave=wave)
    application_in_state(ApplicationState.WITHDRAWN, wave=wave)
    # first: 100 and 50 → mean 75; second: 25 and 35 (lenient scores higher everywhere)
    review_with_scores(
        AssignmentFactory(application=first, reviewer=lenient), {a1: 5, b1: 5, d1: 0}
    )
    review_with_scores(AssignmentFactory(application=first, reviewer=harsh), {a1: 2, b1: 4})
    review_with_scores(AssignmentFactory(application=second, reviewer=lenient), {a1: 2, b1: 1})
    review_with_scores(AssignmentFactory(application=second, reviewer=harsh), {a1: 1, b1: 2, d1: 5})
    AssignmentFactory(application=second, reviewer=third)  # pending
    review_with_scores(
        AssignmentFactory(application=unreviewed, reviewer=third, conflicted=True), {a1: 5, b1: 5}
    )

    ranking = ranking_for_wave(wave)

    rows = {row.application_id: row for row in ranking.rows}
    assert set(rows) == {first.pk, second.pk, unreviewed.pk}
    top = rows[first.pk]
    assert (top.reviews, top.assigned) == (2, 2)
    assert top.mean == pytest.approx(75.0)
    assert top.median == pytest.approx(75.0)
    assert top.sd == pytest.approx(35.355, abs=0.001)
    assert top.disagreement is True
    assert top.criterion_means == (pytest.approx(3.5), pytest.approx(4.5), pytest.approx(0.0))
    low = rows[second.pk]
    assert (low.reviews, low.assigned) == (2, 3)
    assert low.mean == pytest.approx((35.0 + 25.0) / 2)
    assert low.disagreement is False
    assert low.criterion_means[2] == pytest.approx(5.0)
    # A conflicted reviewer's review never counts; an unreviewed file ranks last, unranked.
    assert rows[unreviewed.pk].reviews == 0
    assert rows[unreviewed.pk].mean is None
    assert [row.application_id for row in ranking.rows] == [first.pk, second.pk, unreviewed.pk]
    assert [row.rank for row in ranking.rows] == [1, 2, None]


def test_normalisation_reorders_files_scored_by_reviewers_of_different_leniency(
    wave, small_grid, make_reviewer
):
    a1, b1, _d1 = small_grid
    lenient, harsh = make_reviewer(), make_reviewer()
    by_lenient = [application_in_state(wave=wave) for _ in range(2)]
    by_harsh = [application_in_state(wave=wave) for _ in range(2)]
    # The lenient reviewer's worse file still gets more raw points than the harsh one's best.
    for file, value in zip(by_lenient, (5, 4), strict=True):
        review_with_scores(
            AssignmentFactory(application=file, reviewer=lenient), {a1: value, b1: value}
        )
    for file, value in zip(by_harsh, (3, 1), strict=True):
        review_with_scores(
            AssignmentFactory(application=file, reviewer=harsh), {a1: value, b1: value}
        )

    raw = ranking_for_wave(wave, sort="mean")
    normalised = ranking_for_wave(wave, sort="normalised")

    assert [row.application_id for row in raw.rows][:2] == [by_lenient[0].pk, by_lenient[1].pk]
    best_of_each = {row.application_id: row.rank for row in normalised.rows}
    assert best_of_each[by_lenient[0].pk] == best_of_each[by_harsh[0].pk] == 1
    assert best_of_each[by_lenient[1].pk] == best_of_each[by_harsh[1].pk] == 3


def test_ranking_page_shows_both_means_and_the_disagreement_flag(
    client, instruction_user, wave, small_grid, make_reviewer
):
    a1, b1, _d1 = small_grid
    file = application_in_state(wave=wave)
    review_with_scores(AssignmentFactory(application=file), {a1: 5, b1: 5})
    review_with_scores(AssignmentFactory(application=file), {a1: 0, b1: 0})
    login(client, instruction_user)

    body = client.get(reverse("reviews:ranking", kwargs={"wave_pk": wave.pk})).content.decode()

    assert file.reference in body
    assert "Moyenne normalisée" in body and "Moyenne brute" in body
    assert "50,0" in body
    assert "désaccord" in body


def _ranking_queries(client, wave):
    url = reverse("reviews:ranking", kwargs={"wave_pk": wave.pk})
    client.get(url)  # the first request of a session does one-off work (session, login)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


@pytest.mark.parametrize("files", [3, 50])
def test_ranking_query_count_does_not_grow_with_the_wave(client, instruction_user, wave, files):
    login(client, instruction_user)
    baseline, _response = _ranking_queries(client, wave)
    build_reviewed_wave(wave, applications=files, reviews_per_application=5)

    count, response = _ranking_queries(client, wave)

    assert len(response.context["ranking"].rows) == files
    assert all(row.reviews == 5 for row in response.context["ranking"].rows)
    # The same queries as for an empty wave: session, user, roles, then four reads.
    assert count == baseline


def test_ranking_selector_reads_four_queries(wave, django_assert_num_queries):
    build_reviewed_wave(wave, applications=50, reviews_per_application=5)

    with django_assert_num_queries(4):
        ranking = ranking_for_wave(wave)

    assert len(ranking.rows) == 50


def test_ranking_is_plain_data(wave):
    import dataclasses
    import json

    build_reviewed_wave(wave, applications=3, reviews_per_application=2)

    ranking = ranking_for_wave(wave)

    json.dumps(dataclasses.asdict(ranking))  # nothing lazy, no model instance


def _queries(client, url):
    client.get(url)  # the first request of a session does one-off work (session, login)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("files", [3, 50])
def test_assignment_board_query_count_does_not_grow(client, instruction_user, wave, files):
    from reviews.models import Assignment, Committee

    login(client, instruction_user)
    url = reverse("reviews:assignments", kwargs={"wave_pk": wave.pk})
    build_reviewed_wave(wave, applications=1, reviews_per_application=5)
    committee = Committee.objects.create(wave=wave, kind="quality", name="Cercle")
    committee.members.set({a.reviewer for a in Assignment.objects.all()})
    baseline = _queries(client, url)
    build_reviewed_wave(wave, applications=files, reviews_per_application=5)
    committee.members.set({a.reviewer for a in Assignment.objects.all()})

    assert _queries(client, url) == baseline


@pytest.mark.parametrize("files", [3, 50])
def test_reviewer_home_query_count_does_not_grow(client, wave, files):
    from reviews.models import Assignment

    build_reviewed_wave(wave, applications=1, reviews_per_application=1, reviewers=1)
    reviewer = Assignment.objects.get().reviewer
    login(client, reviewer)
    url = reverse("reviews:reviewer_home")
    baseline = _queries(client, url)
    files_of = build_reviewed_wave(wave, applications=files, reviews_per_application=1, reviewers=1)
    Assignment.objects.filter(application__in=files_of).update(reviewer=reviewer)

    assert _queries(client, url) == baseline
