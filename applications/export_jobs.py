"""Exports of the staff table written in the background (ExportJob), by a Celery task.

The staff member's request records a job with the query string of the dashboard's export
form (or of the bulk action « Exporter la sélection »); the task `applications.run_export`
(applications/tasks.py, found by name) calls `export_job_run`, which rebuilds the same
table, writes the file with applications/exports.py (columns, formats, neutralised formulas)
into private storage, and stores its progress as it goes. Jobs and files older than
EXPORT_KEEP_DAYS are deleted whenever an export is asked for, and by the
`applications.purge_exports` task if beat schedules it. A job whose worker died (killed,
out of memory, redeployed) stops moving: past EXPORT_LOST_AFTER it is marked failed, so that
its page offers « Relancer » (export_jobs_expire_lost, run whenever a job's page or state is
read and by the `applications.expire_lost_exports` task).

Apart from applications/exports.py because it reads the dashboard's filter form, which
itself imports the export's columns and formats.
"""

import hashlib
import logging
from datetime import timedelta

from celery import current_app
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from applications import selectors
from applications.exports import EXPORT_FORMATS, export_columns, export_columns_for, export_render
from applications.forms_instruction import StaffApplicationFilterForm
from applications.models import ExportJob, ExportStatus
from applications.models.exports import EXPORT_ERROR_LOST

logger = logging.getLogger(__name__)


RUN_EXPORT_TASK = "applications.run_export"
PURGE_EXPORTS_TASK = "applications.purge_exports"
# An export's file is kept this long, then deleted with its job (export_jobs_purge).
EXPORT_KEEP_DAYS = 7
# A queued or running export whose progress has not moved for this long is lost. A running
# export reports after loading the table and after every tenth of its rows, which takes
# seconds even for a whole wave; a queued one waits only behind the other jobs of the
# worker. A quarter of an hour leaves a wide margin and still spares the staff member a long
# wait before « Relancer ».
EXPORT_LOST_AFTER = timedelta(minutes=15)
# The query string of the export: the dashboard's form and the bulk action « Exporter la
# sélection » send these names (the table's filters are added from the filter form).
_EXPORT_PARAMETERS = ("wave", "format", "columns", "ids", "q", "sort")


def export_parameters(query):
    """The export's parameters from a QueryDict (lists of strings), unknown names dropped."""
    names = (*_EXPORT_PARAMETERS, *StaffApplicationFilterForm.FILTER_NAMES)
    return {name: query.getlist(name) for name in names if query.getlist(name)}


def _export_queryset(wave, parameters):
    ids = [value for value in parameters.get("ids", []) if str(value).isdigit()]
    if ids:
        # The bulk action « Exporter la sélection »: the ticked files only.
        return selectors.application_list_selected_for_staff(wave, ids)
    query = QueryDict(mutable=True)
    for name, values in parameters.items():
        query.setlist(name, [str(value) for value in values])
    filters = StaffApplicationFilterForm(query).filters()
    return selectors.application_list_for_staff(wave, filters)


def export_job_create(*, wave, parameters, by):
    """Record an export to write (queued) and hand it to the task queue once committed.

    Like the table's filters, an unknown format or column is ignored, not an error. Files
    older than EXPORT_KEEP_DAYS are deleted here too, so nothing depends on beat running.
    """
    export_jobs_purge()
    export_format = (parameters.get("format") or ["csv"])[0]
    if export_format not in EXPORT_FORMATS:
        export_format = "csv"
    job = ExportJob.objects.create(
        requested_by=by if by is not None and by.pk else None,
        wave=wave,
        parameters=parameters,
        format=export_format,
    )
    transaction.on_commit(lambda: export_job_schedule(job_id=job.pk))
    return job


def export_job_schedule(*, job_id):
    """Queue the task that writes an export; a broker failure marks the job failed (retry)."""
    try:
        # Found by its name in Celery's registry (applications/tasks.py registers it), so
        # that this module never imports the tasks that call it.
        current_app.tasks[RUN_EXPORT_TASK].delay(job_id)
    except Exception:
        logger.warning("Could not queue export %s.", job_id, exc_info=True)
        ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
            status=ExportStatus.FAILED, error="queue", finished_at=timezone.now()
        )


def export_job_retry(job):
    """Queue a failed export again, with the same parameters; returns whether it was queued.

    The job forgets its last run (started_at): a worker of that run that wakes up late
    writes nothing over the new one.
    """
    updated = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.FAILED).update(
        status=ExportStatus.QUEUED,
        progress=0,
        error="",
        started_at=None,
        heartbeat_at=timezone.now(),
        finished_at=None,
    )
    if updated:
        transaction.on_commit(lambda: export_job_schedule(job_id=job.pk))
    return bool(updated)


def export_job_run(job_id):
    """Write the file of a queued export (the task's body); progress is stored as it goes.

    Takes the job only if it is still queued (a message delivered twice writes once). Any
    error marks the job failed, so the page offers « Relancer » instead of waiting forever.
    Every write of the run is tied to its start (started_at): if the job was declared lost
    meanwhile, the run moves no bar and records no error; a file it does finish makes the
    lost job done (the file is complete), unless the job was queued again since, in which
    case the file is deleted and the new run is left alone.
    """
    started_at = timezone.now()
    taken = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=1, started_at=started_at, heartbeat_at=started_at
    )
    if not taken:
        return None
    job = ExportJob.objects.select_related("wave").get(pk=job_id)
    this_run = ExportJob.objects.filter(pk=job_id, started_at=started_at)

    def progress(done, total):
        # Loading is counted as the first 10 %, the rows as the next 89 %; 100 means stored.
        percent = 10 + (89 * done // total if total else 89)
        this_run.filter(status=ExportStatus.RUNNING).update(
            progress=percent, heartbeat_at=timezone.now()
        )

    try:
        parameters = job.parameters or {}
        columns = export_columns_for(parameters.get("columns")) or export_columns()
        applications = _export_queryset(job.wave, parameters)
        rows = []

        def count(done, total):
            rows[:] = [total]
            progress(done, total)

        content, _type, extension = export_render(applications, columns, job.format, count)
        storage = job.file.storage
        name = storage.save(
            job.file.field.generate_filename(job, f"export.{extension}"), ContentFile(content)
        )
    except Exception:
        logger.exception("Export %s failed.", job_id)
        this_run.filter(status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error="error", finished_at=timezone.now()
        )
        return job_id
    now = timezone.now()
    finished = this_run.filter(status__in=(ExportStatus.RUNNING, ExportStatus.FAILED)).update(
        file=name,
        sha256=hashlib.sha256(content).hexdigest(),
        row_count=rows[0] if rows else 0,
        status=ExportStatus.DONE,
        progress=100,
        error="",
        heartbeat_at=now,
        finished_at=now,
    )
    if not finished:
        logger.warning("Export %s was queued again while this run wrote it; file dropped.", job_id)
        storage.delete(name)
    return job_id


def export_jobs_expire_lost(now=None):
    """Mark failed the exports a dead worker left queued or running; returns how many.

    A job lost this way says so on its page and offers « Relancer ». Run whenever an
    export's page or state is read, and by the `applications.expire_lost_exports` task, so
    that nothing depends on beat running.
    """
    now = now or timezone.now()
    cutoff = now - EXPORT_LOST_AFTER
    # Until its first heartbeat (queued since it was asked for), a job counts from then.
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    return (
        ExportJob.objects.filter(status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING))
        .filter(silent)
        .update(status=ExportStatus.FAILED, error=EXPORT_ERROR_LOST, finished_at=now)
    )


def export_job_file_name(job):
    """The name the downloaded file gets: candidatures-EL11-2026-12-04.csv."""
    stamp = timezone.localdate(job.created_at).isoformat()
    return f"candidatures-{job.wave.short_code}-{stamp}.{EXPORT_FORMATS[job.format][2]}"


def export_jobs_purge(now=None):
    """Delete the exports (jobs and files) older than EXPORT_KEEP_DAYS; returns how many."""
    limit = (now or timezone.now()) - timedelta(days=EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(created_at__lt=limit))
    for job in old:
        if job.file:
            # The row goes first: a file left by a failed delete is only an orphan, never
            # a download that points at nothing.
            storage, name = job.file.storage, job.file.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
