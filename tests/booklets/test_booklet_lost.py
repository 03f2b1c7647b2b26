"""Cahier versions a dead worker left « en cours »: declared lost past BOOKLET_LOST_AFTER by the
staff page, the version's state and the beat task; a new generation then; a late worker."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from booklets import services
from booklets.models import Booklet, BookletStatus
from booklets.services import BOOKLET_LOST_AFTER, booklet_generate, booklet_request
from booklets.tasks import task_expire_lost_booklets
from config.celery import app as celery_app
from tests.booklets.conftest import announce
from tests.conftest import login
from tests.factories import WaveFactory

pytestmark = pytest.mark.django_db

LOST_REASON = "le service de tâches a sans doute été redémarré"


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


def running_version(wave, *, silent_for, started_for=None):
    """A version a worker took, whose progress last moved `silent_for` ago."""
    booklet = booklet_request(wave=wave, by=None)
    now = timezone.now()
    Booklet.objects.filter(pk=booklet.pk).update(
        status=BookletStatus.RUNNING,
        progress=40,
        message="Projet 2 sur 5 préparé.",
        started_at=now - (started_for or silent_for),
        heartbeat_at=now - silent_for,
    )
    return booklet


def test_a_silent_version_is_failed_when_the_staff_page_is_read(staff_client, announced_wave):
    booklet = running_version(announced_wave, silent_for=BOOKLET_LOST_AFTER + timedelta(minutes=1))

    page = staff_client.get(reverse("booklets:staff", args=[10])).content.decode()

    booklet.refresh_from_db()
    assert booklet.status == BookletStatus.FAILED and LOST_REASON in booklet.message
    assert booklet.finished_at is not None
    # Said in the list of versions, no progress bar left, and the button is free again.
    assert LOST_REASON in page and 'id="booklet-progress-bar"' not in page
    assert "Une version est en cours de génération" not in page
    assert 'aria-describedby="generate-help"' not in page


def test_a_silent_version_is_failed_when_its_state_is_polled(staff_client, announced_wave):
    running_version(announced_wave, silent_for=timedelta(minutes=5))

    # The page stays open while the worker is dead: the poll after the bound says so, and
    # « done » makes static/js/booklets.js reload the page, which shows why.
    with time_machine.travel(timezone.now() + BOOKLET_LOST_AFTER, tick=False):
        state = staff_client.get(reverse("booklets:status", args=[10, 1])).json()

    assert state["status"] == "failed" and state["done"] is True
    assert LOST_REASON in state["message"]
    assert Booklet.objects.get().status == BookletStatus.FAILED


def test_a_version_whose_progress_moves_is_left_alone(staff_client, announced_wave):
    # Started long ago (slow projects), but its last step is recent: slow, not lost.
    booklet = running_version(
        announced_wave,
        silent_for=BOOKLET_LOST_AFTER - timedelta(minutes=1),
        started_for=timedelta(hours=2),
    )

    staff_client.get(reverse("booklets:staff", args=[10]))
    state = staff_client.get(reverse("booklets:status", args=[10, 1])).json()
    task_expire_lost_booklets.delay()

    booklet.refresh_from_db()
    assert (booklet.status, booklet.progress) == (BookletStatus.RUNNING, 40)
    assert state["status"] == "running" and state["done"] is False


def test_the_beat_task_fails_lost_versions_of_every_wave_and_nothing_else(announced_wave):
    other_wave = announce(WaveFactory(number=9, year=2025))
    lost_running = running_version(announced_wave, silent_for=timedelta(hours=1))
    never_taken = booklet_request(wave=other_wave, by=None)
    Booklet.objects.filter(pk=never_taken.pk).update(created_at=timezone.now() - timedelta(hours=1))
    third_wave = announce(WaveFactory(number=8, year=2024))
    fresh = booklet_request(wave=third_wave, by=None)

    task_expire_lost_booklets.delay()

    statuses = dict(Booklet.objects.values_list("pk", "status"))
    assert statuses == {
        lost_running.pk: BookletStatus.FAILED,
        never_taken.pk: BookletStatus.FAILED,
        fresh.pk: BookletStatus.QUEUED,
    }


def test_the_sweep_is_in_the_beat_schedule():
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert schedule["expire-lost-booklets"]["task"] == "booklets.expire_lost_booklets"
    assert schedule["expire-lost-booklets"]["schedule"] < BOOKLET_LOST_AFTER.total_seconds()
    assert "booklets.expire_lost_booklets" in celery_app.tasks


def test_after_a_lost_version_the_cahier_is_generated_again(
    staff_client, announced_wave, wave_projects, django_capture_on_commit_callbacks
):
    lost = running_version(announced_wave, silent_for=timedelta(hours=1))
    staff_client.get(reverse("booklets:staff", args=[10]))

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("booklets:generate", args=[10]))

    lost.refresh_from_db()
    assert lost.status == BookletStatus.FAILED
    again = Booklet.objects.get(version=2)
    assert again.status == BookletStatus.DONE and again.file


def _lost_during_render(monkeypatch, broken=False):
    """Make the worker stall in the middle of the document: the version is declared lost,
    then the worker goes on (and fails, if `broken`). Returns what the row held meanwhile."""
    real_render = services.booklet_render_pdf
    seen = {}

    def stalled(booklet, *, on_project=None):
        services.booklets_expire_lost(
            now=timezone.now() + BOOKLET_LOST_AFTER + timedelta(seconds=1)
        )
        if broken:
            raise RuntimeError("killed")
        content = real_render(booklet, on_project=on_project)
        seen["row"] = Booklet.objects.values("status", "progress").get(pk=booklet.pk)
        return content

    monkeypatch.setattr(services, "booklet_render_pdf", stalled)
    return seen


def test_a_late_worker_that_finishes_makes_the_lost_version_ready(
    announced_wave, wave_projects, monkeypatch
):
    booklet = booklet_request(wave=announced_wave, by=None)
    seen = _lost_during_render(monkeypatch)

    booklet_generate(booklet_id=booklet.pk)

    # While it was lost, the late worker's project pages did not move the failed bar...
    assert seen["row"] == {"status": BookletStatus.FAILED, "progress": 0}
    # ...but its file is complete: the version is ready after all.
    booklet.refresh_from_db()
    assert booklet.status == BookletStatus.DONE and booklet.file
    assert booklet.message == "Le cahier est prêt."


def test_a_late_worker_that_fails_keeps_the_lost_reason(announced_wave, monkeypatch):
    booklet = booklet_request(wave=announced_wave, by=None)
    _lost_during_render(monkeypatch, broken=True)

    booklet_generate(booklet_id=booklet.pk)

    booklet.refresh_from_db()
    assert booklet.status == BookletStatus.FAILED and LOST_REASON in booklet.message
