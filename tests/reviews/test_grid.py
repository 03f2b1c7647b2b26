"""The criteria grid: default for every new wave, edited by staff until the first review."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from label.models import User, Wave
from label.services import wave_create
from reviews.models import Committee, Criterion
from reviews.models.criteria import DEFAULT_GRID
from reviews.scoring import services
from tests.conftest import login
from tests.factories import AssignmentFactory
from tests.factories.reviews import review_with_scores

pytestmark = pytest.mark.django_db


def _formset_data(criteria, **changes):
    """POST data of the grid formset for the given criteria, with per-code field changes."""
    data = {
        "criteres-TOTAL_FORMS": str(len(criteria) + 1),
        "criteres-INITIAL_FORMS": str(len(criteria)),
        "criteres-MIN_NUM_FORMS": "0",
        "criteres-MAX_NUM_FORMS": "1000",
    }
    for index, criterion in enumerate(criteria):
        row = {
            "id": criterion.pk,
            "position": criterion.position,
            "group": criterion.group,
            "code": criterion.code,
            "label": criterion.label,
            "help_text": criterion.help_text,
            "weight": criterion.weight,
            "scale_max": criterion.scale_max,
        }
        if criterion.required:
            row["required"] = "on"
        if criterion.counts_in_ranking:
            row["counts_in_ranking"] = "on"
        row.update(changes.get(criterion.code, {}))
        for name, value in row.items():
            if value is not None:
                data[f"criteres-{index}-{name}"] = value
    # The empty extra form, as the browser sends it: its initial values, unchanged.
    extra = len(criteria)
    data.update(
        {
            f"criteres-{extra}-position": "0",
            f"criteres-{extra}-weight": "1",
            f"criteres-{extra}-scale_max": "5",
            f"criteres-{extra}-required": "on",
            f"criteres-{extra}-counts_in_ranking": "on",
        }
    )
    return data


def test_new_wave_gets_the_default_grid():
    now = timezone.now()
    wave = wave_create(
        data={
            "number": 12,
            "year": 2027,
            "title": "Label Euralens — 12e vague",
            "opens_at": now + timedelta(days=300),
            "closes_at": now + timedelta(days=390),
        }
    )

    criteria = list(wave.criteria.order_by("position"))
    assert [c.code for c in criteria] == [row[1] for row in DEFAULT_GRID]
    assert [c.group for c in criteria].count("A") == 5
    assert [c.group for c in criteria].count("B") == 3
    assert {c.scale_max for c in criteria} == {5}
    assert all(c.required and c.counts_in_ranking for c in criteria)


def test_seed_demo_gives_wave_11_its_grid_and_the_expert_a_committee():
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())

    wave = Wave.objects.get(number=11)
    assert wave.criteria.count() == len(DEFAULT_GRID)
    committee = Committee.objects.get(wave=wave)
    # The demo expert sits on it (beside the demo's second reviewer, issue 11's living demo).
    assert User.objects.get(email="expert@example.org") in committee.members.all()


def test_staff_edit_add_and_remove_criteria(client, instruction_user, wave, criteria):
    login(client, instruction_user)
    data = _formset_data(
        criteria,
        A1={"weight": 4, "label": "Bien-être, santé et cohésion sociale"},
        D1={"DELETE": "on"},
    )
    new = len(criteria)
    del data[f"criteres-{new}-required"], data[f"criteres-{new}-counts_in_ranking"]
    data.update(
        {
            f"criteres-{new}-position": 20,
            f"criteres-{new}-group": "C",
            f"criteres-{new}-code": "C2",
            f"criteres-{new}-label": "Stratégie de communication",
            f"criteres-{new}-weight": 1,
            f"criteres-{new}-scale_max": 3,
        }
    )

    response = client.post(reverse("reviews:criteria_grid", kwargs={"wave_pk": wave.pk}), data)

    assert response.status_code == 302
    codes = set(Criterion.objects.filter(wave=wave).values_list("code", flat=True))
    assert "D1" not in codes and "C2" in codes
    a1 = Criterion.objects.get(wave=wave, code="A1")
    assert (a1.weight, a1.label) == (4, "Bien-être, santé et cohésion sociale")
    c2 = Criterion.objects.get(wave=wave, code="C2")
    assert (c2.scale_max, c2.required, c2.counts_in_ranking) == (3, False, False)


def test_grid_refuses_duplicate_codes_and_bad_scales(client, instruction_user, wave, criteria):
    login(client, instruction_user)
    data = _formset_data(criteria, A2={"code": "A1"}, B1={"scale_max": 0})

    response = client.post(reverse("reviews:criteria_grid", kwargs={"wave_pk": wave.pk}), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Ce code est déjà utilisé par un autre critère." in body
    assert Criterion.objects.get(wave=wave, code="B1").scale_max == 5
    assert Criterion.objects.filter(wave=wave, code="A2").exists()


def test_grid_locks_at_the_first_submitted_review_and_says_why(
    client, instruction_user, wave, criteria, file_in_review
):
    review_with_scores(AssignmentFactory(application=file_in_review), 3)
    login(client, instruction_user)
    url = reverse("reviews:criteria_grid", kwargs={"wave_pk": wave.pk})

    page = client.get(url).content.decode()
    response = client.post(url, _formset_data(criteria, A1={"weight": 9}))

    assert "Cette grille est verrouillée" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert response.status_code == 200
    assert "La grille est verrouillée" in response.content.decode()
    assert Criterion.objects.get(wave=wave, code="A1").weight == 3


def test_grid_stays_locked_after_a_review_is_reopened(
    instruction_user, wave, criteria, file_in_review
):
    from reviews.scoring import workflow

    review = review_with_scores(AssignmentFactory(application=file_in_review), 3)
    workflow.review_reopen(review=review, by=instruction_user, reason="Corriger B2.")

    with pytest.raises(ValidationError, match="verrouillée"):
        services.criteria_grid_update(
            wave=wave, by=instruction_user, rows=[{"id": criteria[0].pk, "weight": 9}]
        )


def test_grid_of_another_wave_is_not_locked_by_this_one(instruction_user, wave, file_in_review):
    from tests.factories.reviews import grid_for

    review_with_scores(AssignmentFactory(application=file_in_review), 3)
    other = Wave.objects.create(
        number=12,
        year=2027,
        title="12e vague",
        opens_at=timezone.now() + timedelta(days=300),
        closes_at=timezone.now() + timedelta(days=390),
    )
    first = grid_for(other)[0]

    services.criteria_grid_update(
        wave=other, by=instruction_user, rows=[{"id": first.pk, "weight": 7}]
    )

    first.refresh_from_db()
    assert first.weight == 7


def test_grid_must_keep_one_criterion(instruction_user, wave, criteria):
    with pytest.raises(ValidationError, match="au moins un critère"):
        services.criteria_grid_update(
            wave=wave, by=instruction_user, rows=[], deleted=[c.pk for c in criteria]
        )

    assert Criterion.objects.filter(wave=wave).count() == len(criteria)
