"""Exports written in the background: the job, its page and JSON state, download, retry, purge."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from applications import export_jobs
from applications.models import ExportJob, ExportStatus
from callforms.declaration import form_for
from label.enums import Role
from label.models import AuditAction, AuditEvent
from tests.applications.test_instruction_dashboard import staff_application
from tests.conftest import login
from tests.factories import UserFactory

URL = reverse("applications:instruction_export")


def job_url(name, job):
    return reverse(f"applications:{name}", kwargs={"pk": job.pk})


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


@pytest.fixture
def done_job(open_wave, instruction_user):
    staff_application(open_wave, number=1, title="Ressourcerie")
    job = ExportJob.objects.create(
        wave=open_wave, requested_by=instruction_user, parameters={"format": ["csv"]}
    )
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    return job


def test_the_old_url_records_a_queued_job_and_redirects_to_its_page(staff_client, open_wave):
    staff_application(open_wave, number=1)

    response = staff_client.post(URL, {"format": "xlsx", "columns": ["reference"], "q": "x"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url("instruction_job", job)
    # Not committed inside the test's transaction: the task is not queued yet.
    assert (job.status, job.progress, job.format) == (ExportStatus.QUEUED, 0, "xlsx")
    assert job.parameters == {"format": ["xlsx"], "columns": ["reference"], "q": ["x"]}
    assert job.wave == open_wave and job.requested_by is not None


def test_the_job_goes_from_queued_to_done_with_columns_in_form_order(
    staff_client, open_wave, instruction_user
):
    for number in range(1, 4):
        staff_application(open_wave, number=number)

    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        staff_client.post(URL, {"format": "csv", "columns": ["reference", "answers"]})

    assert len(callbacks) == 1
    job = ExportJob.objects.get()
    assert (job.status, job.progress, job.row_count) == (ExportStatus.DONE, 100, 3)
    assert job.finished_at is not None and len(job.sha256) == 64
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".csv")
    with job.file.open("rb") as handle:
        raw = handle.read()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    questions = [q for q in form_for(open_wave).questions() if not q.is_builtin]
    assert rows[0] == ["Référence"] + [
        f"{q.label} (fichiers)" if q.is_file else q.label for q in questions
    ]
    assert len(rows) == 4


def test_the_page_shows_an_accessible_progress_bar_and_a_no_js_refresh(staff_client, open_wave):
    job = ExportJob.objects.create(wave=open_wave, parameters={})

    page = staff_client.get(job_url("instruction_job", job)).content.decode()

    assert '<progress id="export-progress"' in page
    assert 'aria-valuenow="0"' in page and '<label for="export-progress"' in page
    assert 'role="status"' in page
    assert f'href="{job_url("instruction_job", job)}">Actualiser</a>' in page
    assert "js/export-progress.js" in page and "<script>" not in page
    assert 'http-equiv="refresh"' not in page
    assert job_url("instruction_export_download", job) not in page


def test_a_done_job_offers_the_download_and_its_json_state(staff_client, done_job):
    page = staff_client.get(job_url("instruction_job", done_job)).content.decode()
    state = staff_client.get(job_url("instruction_job_state", done_job)).json()

    assert f'href="{job_url("instruction_export_download", done_job)}">Télécharger</a>' in page
    assert "<span data-export-rows>Le fichier compte 1 candidature.</span>" in page
    assert state == {
        "status": "done",
        "status_label": "Terminé",
        "progress": 100,
        "row_count": 1,
        "row_count_label": "Le fichier compte 1 candidature.",
        "error_message": "",
        "download_url": job_url("instruction_export_download", done_job),
    }


def test_any_verified_instruction_member_downloads_and_every_download_is_audited(
    client, done_job, roles
):
    # Not the staff member who asked: any instruction member past the second factor.
    colleague = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])
    login(client, colleague)

    response = client.get(job_url("instruction_export_download", done_job))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="candidatures-EL11-' in response["Content-Disposition"]
    assert b"Ressourcerie" in b"".join(response.streaming_content)
    (event,) = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert event.actor == colleague
    assert event.name == "applications:instruction_export_download"


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer", "jury_member"])
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("instruction_job", "get"),
        ("instruction_job_state", "get"),
        ("instruction_export_download", "get"),
        ("instruction_job_retry", "post"),
    ],
)
def test_other_roles_are_refused(client, request, done_job, who, name, method):
    if who != "anonymous":
        login(client, request.getfixturevalue(who))

    response = getattr(client, method)(job_url(name, done_job))

    if who == "anonymous":
        assert response.status_code == 302 and "/connexion" in response["Location"]
    else:
        assert response.status_code == 403
    assert b"Ressourcerie" not in response.content


@pytest.mark.parametrize(
    "name", ["instruction_job", "instruction_job_state", "instruction_export_download"]
)
def test_password_only_staff_is_refused(client, instruction_user, done_job, name):
    login(client, instruction_user, otp_verified=False)

    response = client.get(job_url(name, done_job))

    assert response.status_code in {302, 403}
    assert response.status_code != 200


def test_password_only_staff_cannot_ask_for_an_export(client, instruction_user, open_wave):
    login(client, instruction_user, otp_verified=False)

    response = client.post(URL, {"format": "csv"})

    assert response.status_code != 200 and not ExportJob.objects.exists()


def test_a_failed_job_says_so_and_is_run_again(staff_client, open_wave, monkeypatch):
    staff_application(open_wave, number=1)
    job = ExportJob.objects.create(wave=open_wave, parameters={})

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_jobs, "export_render", boom)
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    page = staff_client.get(job_url("instruction_job", job)).content.decode()

    assert job.status == ExportStatus.FAILED
    assert "pas pu être préparé" in page and ">Relancer</button>" in page

    monkeypatch.undo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = staff_client.post(job_url("instruction_job_retry", job))

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.progress, job.row_count) == (ExportStatus.DONE, 100, 1)


def test_a_job_is_run_once_even_if_delivered_twice(done_job):
    sha256 = done_job.sha256

    assert export_jobs.export_job_run(done_job.pk) is None
    done_job.refresh_from_db()
    assert done_job.sha256 == sha256


def test_exports_older_than_a_week_are_deleted_with_their_file(done_job, open_wave):
    storage, name = done_job.file.storage, done_job.file.name
    ExportJob.objects.filter(pk=done_job.pk).update(created_at=timezone.now() - timedelta(days=8))
    recent = ExportJob.objects.create(wave=open_wave, parameters={})

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert export_jobs.export_jobs_purge() == 1

    assert list(ExportJob.objects.all()) == [recent]
    assert not storage.exists(name)


def test_asking_for_an_export_purges_the_old_ones(staff_client, done_job):
    ExportJob.objects.filter(pk=done_job.pk).update(created_at=timezone.now() - timedelta(days=8))

    staff_client.post(URL)

    assert not ExportJob.objects.filter(pk=done_job.pk).exists()


def test_a_get_only_shows_what_will_be_exported_and_records_nothing(staff_client, open_wave):
    """A link (the bulk action's, or a forged one) starts no work: the POST does."""
    first = staff_application(open_wave, number=1)

    response = staff_client.get(URL, {"wave": open_wave.number, "ids": [first.pk]})

    assert response.status_code == 200 and not ExportJob.objects.exists()
    page = response.content.decode()
    assert "Le dossier coché sera exporté au format CSV" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'<input type="hidden" name="ids" value="{first.pk}">' in page
