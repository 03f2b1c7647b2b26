"""Exports a dead worker left « en cours »: declared lost past EXPORT_LOST_AFTER by their page,
their JSON state and the beat task, then run again; a late worker; the file's row count."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from applications import export_jobs
from applications.export_jobs import EXPORT_LOST_AFTER, export_jobs_expire_lost
from applications.models import ExportJob, ExportStatus
from applications.tasks import task_expire_lost_exports
from config.celery import app as celery_app
from tests.applications.test_instruction_dashboard import staff_application
from tests.conftest import login

LOST_REASON = "le service de tâches a sans doute été redémarré"


def job_url(name, job):
    return reverse(f"applications:{name}", kwargs={"pk": job.pk})


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


def running_job(wave, *, silent_for):
    """An export a worker took, whose progress last moved `silent_for` ago."""
    job = ExportJob.objects.create(wave=wave, parameters={"format": ["csv"]})
    last = timezone.now() - silent_for
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, progress=40, started_at=last, heartbeat_at=last
    )
    return job


def test_a_silent_running_export_is_failed_when_its_page_is_read(staff_client, open_wave):
    job = running_job(open_wave, silent_for=EXPORT_LOST_AFTER + timedelta(minutes=1))

    page = staff_client.get(job_url("instruction_job", job)).content.decode()

    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, "lost")
    assert job.finished_at is not None
    assert LOST_REASON in page and ">Relancer</button>" in page
    assert "<strong data-export-status-label>Échec</strong>" in page


def test_a_silent_running_export_is_failed_when_its_state_is_polled(staff_client, open_wave):
    job = running_job(open_wave, silent_for=timedelta(minutes=5))

    # The page stays open while the worker is dead: the poll after the bound says so.
    with time_machine.travel(timezone.now() + EXPORT_LOST_AFTER, tick=False):
        state = staff_client.get(job_url("instruction_job_state", job)).json()

    assert state["status"] == "failed" and state["status_label"] == "Échec"
    assert LOST_REASON in state["error_message"]
    assert state["download_url"] == "" and state["row_count_label"] == ""
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED


def test_a_running_export_whose_progress_moves_is_left_alone(staff_client, open_wave):
    # Taken long ago, but its last step is recent: slow, not lost.
    job = running_job(open_wave, silent_for=EXPORT_LOST_AFTER - timedelta(minutes=1))
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=1))

    state = staff_client.get(job_url("instruction_job_state", job)).json()
    task_expire_lost_exports.delay()

    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == (ExportStatus.RUNNING, 40, "")
    assert state["status"] == "running" and state["error_message"] == ""


def test_the_beat_task_fails_lost_exports_queued_or_running_and_nothing_else(open_wave):
    old = timezone.now() - EXPORT_LOST_AFTER - timedelta(minutes=1)
    lost_running = running_job(open_wave, silent_for=EXPORT_LOST_AFTER + timedelta(minutes=1))
    never_taken = ExportJob.objects.create(wave=open_wave, parameters={})
    ExportJob.objects.filter(pk=never_taken.pk).update(created_at=old)
    fresh = ExportJob.objects.create(wave=open_wave, parameters={})
    done = ExportJob.objects.create(wave=open_wave, parameters={})
    ExportJob.objects.filter(pk=done.pk).update(
        status=ExportStatus.DONE, progress=100, created_at=old, heartbeat_at=old
    )

    task_expire_lost_exports.delay()

    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert statuses == {
        lost_running.pk: ExportStatus.FAILED,
        never_taken.pk: ExportStatus.FAILED,
        fresh.pk: ExportStatus.QUEUED,
        done.pk: ExportStatus.DONE,
    }
    assert set(ExportJob.objects.filter(error="lost").values_list("pk", flat=True)) == {
        lost_running.pk,
        never_taken.pk,
    }


def test_the_sweep_is_in_the_beat_schedule_beside_the_purge():
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert schedule["expire-lost-exports"]["task"] == "applications.expire_lost_exports"
    assert schedule["expire-lost-exports"]["schedule"] < EXPORT_LOST_AFTER.total_seconds()
    assert "applications.expire_lost_exports" in celery_app.tasks


def test_a_lost_export_is_run_again_by_relancer(staff_client, open_wave):
    staff_application(open_wave, number=1)
    staff_application(open_wave, number=2)
    job = running_job(open_wave, silent_for=timedelta(hours=1))
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    staff_client.get(job_url("instruction_job", job))

    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = staff_client.post(job_url("instruction_job_retry", job))

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error, job.started_at) == (ExportStatus.QUEUED, "", None)
    # Queued again an hour after it was asked for: not lost at once on the next read.
    staff_client.get(job_url("instruction_job_state", job))
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED

    for callback in callbacks:
        callback()

    job.refresh_from_db()
    assert (job.status, job.progress, job.row_count) == (ExportStatus.DONE, 100, 2)
    page = staff_client.get(job_url("instruction_job", job)).content.decode()
    assert "Le fichier compte 2 candidatures." in page


def _lost_during_render(monkeypatch, then=None):
    """Make the worker stall in the middle of the file: the job is declared lost, then `then`
    (if given) happens, then the worker goes on. Returns what the row held meanwhile."""
    real_render = export_jobs.export_render
    seen = {}

    def stalled(applications, columns, export_format, progress=None):
        export_jobs_expire_lost(now=timezone.now() + EXPORT_LOST_AFTER + timedelta(seconds=1))
        if then is not None:
            then()
        result = real_render(applications, columns, export_format, progress)
        seen["row"] = ExportJob.objects.values("status", "progress", "error").get()
        return result

    monkeypatch.setattr(export_jobs, "export_render", stalled)
    return seen


def test_a_late_worker_that_finishes_makes_the_lost_export_done(open_wave, monkeypatch):
    staff_application(open_wave, number=1)
    job = ExportJob.objects.create(wave=open_wave, parameters={"format": ["csv"]})
    seen = _lost_during_render(monkeypatch)

    export_jobs.export_job_run(job.pk)

    # While it was lost, the late worker's progress did not move the failed job's bar...
    assert seen["row"] == {"status": ExportStatus.FAILED, "progress": 1, "error": "lost"}
    # ...but its file is complete: the export is done after all.
    job.refresh_from_db()
    assert (job.status, job.error, job.progress, job.row_count) == (ExportStatus.DONE, "", 100, 1)
    with job.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == job.sha256


def test_a_late_worker_leaves_a_lost_export_queued_again_to_its_new_run(open_wave, monkeypatch):
    staff_application(open_wave, number=1)
    job = ExportJob.objects.create(wave=open_wave, parameters={"format": ["csv"]})
    storage = job.file.storage

    def retried():
        with TestCase.captureOnCommitCallbacks(execute=False):
            assert export_jobs.export_job_retry(job)

    _lost_during_render(monkeypatch, then=retried)

    export_jobs.export_job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.progress, job.started_at) == (ExportStatus.QUEUED, 0, None)
    assert not job.file and job.row_count is None
    # The late run's file is not left behind in storage.
    assert not storage.exists("exports") or storage.listdir("exports")[1] == []

    monkeypatch.undo()
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.row_count) == (ExportStatus.DONE, 1)


def test_a_late_worker_that_fails_keeps_the_lost_reason(open_wave, monkeypatch):
    job = ExportJob.objects.create(wave=open_wave, parameters={"format": ["csv"]})

    def stalled_then_broken(*args, **kwargs):
        export_jobs_expire_lost(now=timezone.now() + EXPORT_LOST_AFTER + timedelta(seconds=1))
        raise RuntimeError("killed")

    monkeypatch.setattr(export_jobs, "export_render", stalled_then_broken)

    export_jobs.export_job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, "lost")
