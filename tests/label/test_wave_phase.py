"""One rule for a wave's phase (issue 11, defect 2): results are announced only after the call
has closed, and every page reads the phase from Wave.phase / Wave.objects.current()."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Application
from label.dates import paris_datetime_display
from label.enums import Role, WavePhase
from label.models import Wave
from reviews.enums import JuryOutcome
from reviews.jury import workflow
from reviews.models import JuryDecision
from tests.conftest import login
from tests.factories import ApplicationFactory, UserFactory
from tests.factories.jury import decision_for, file_in_deliberation
from tests.factories.label import close_call
from tests.factories.reviews import grid_for

pytestmark = pytest.mark.django_db


def _text(response):
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


@pytest.fixture
def staff(roles):
    return UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])


@pytest.fixture
def march_wave(open_wave):
    """The reported case: a wave whose call still runs for 90 days, one file decided."""
    open_wave.closes_at = timezone.now() + timedelta(days=90)
    open_wave.save(update_fields=["closes_at"])
    grid_for(open_wave)
    application = file_in_deliberation(open_wave, reviews=[{"value": 5}])
    decision_for(application, outcome=JuryOutcome.LABEL)
    return open_wave


def test_announce_refused_while_the_call_is_open(march_wave, staff):
    with pytest.raises(workflow.AnnouncementTooEarly):
        workflow.wave_announce(wave=march_wave, by=staff)

    march_wave.refresh_from_db()
    assert march_wave.results_announced_at is None
    assert march_wave.phase == WavePhase.OPEN
    assert Application.objects.get(wave=march_wave).state == ApplicationState.DELIBERATION
    assert JuryDecision.objects.get(application__wave=march_wave).announced_at is None


def test_announce_page_says_why_and_offers_no_button_while_open(client, march_wave, staff):
    login(client, staff)
    url = reverse("reviews:announce", kwargs={"wave_pk": march_wave.pk})

    page = _text(client.get(url))
    posted = client.post(url, {"confirm": "on"})

    assert "n'est pas encore clos" in page
    assert paris_datetime_display(march_wave.closes_at) in page
    assert "Annoncer les résultats</button>" not in page
    assert "clôture de l'appel" in _text(posted)
    march_wave.refresh_from_db()
    assert march_wave.results_announced_at is None


def test_announce_allowed_once_the_call_has_closed(march_wave, staff):
    close_call(march_wave)

    result = workflow.wave_announce(wave=march_wave, by=staff)

    march_wave.refresh_from_db()
    assert len(result.applications) == 1
    assert march_wave.phase == WavePhase.ANNOUNCED
    assert Application.objects.get(wave=march_wave).state == ApplicationState.LABELLED


@pytest.fixture
def announced_early(open_wave):
    """A wave announced a week ago while its call runs to March (data from before the rule)."""
    open_wave.closes_at = timezone.now() + timedelta(days=90)
    open_wave.results_announced_at = timezone.now() - timedelta(days=7)
    open_wave.save(update_fields=["closes_at", "results_announced_at"])
    return open_wave


def test_announced_wave_is_not_open_anywhere(client, announced_early, applicant):
    draft = ApplicationFactory(wave=announced_early, owner=applicant, complete=True)
    login(client, applicant)

    home = _text(client.get(reverse("label:home")))
    call = _text(client.get(reverse("applications:call")))
    space = _text(client.get(reverse("applications:applicant_home")))
    submit = _text(client.get(reverse("applications:submit", kwargs={"pk": draft.pk})))

    assert Wave.objects.current() is None
    assert announced_early.phase == WavePhase.ANNOUNCED
    for page in (home, call, space):
        assert "Il reste" not in page
        assert "L'appel à candidatures est ouvert" not in page
    future = paris_datetime_display(announced_early.closes_at)
    past = paris_datetime_display(announced_early.results_announced_at)
    assert f"clos depuis le {future}" not in submit
    assert f"clos depuis le {past}" in submit
    assert f"clos depuis le {past}" in space


def test_open_wave_never_says_closed_since_and_closed_wave_never_open(client, open_wave, applicant):
    draft = ApplicationFactory(wave=open_wave, owner=applicant, complete=True)
    login(client, applicant)

    submit_open = _text(client.get(reverse("applications:submit", kwargs={"pk": draft.pk})))
    close_call(open_wave)
    submit_closed = _text(client.get(reverse("applications:submit", kwargs={"pk": draft.pk})))
    home_closed = _text(client.get(reverse("label:home")))

    assert "clos depuis" not in submit_open
    assert f"clos depuis le {paris_datetime_display(open_wave.closes_at)}" in submit_closed
    assert "L'appel à candidatures est ouvert" not in home_closed
