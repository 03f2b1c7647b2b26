"""Celery tasks of the applications app: thin wrappers that call one service."""

from celery import shared_task

from applications import export_jobs, services


@shared_task(name="applications.remind_draft_owners", ignore_result=True)
def task_remind_draft_owners():
    """Mail owners of unsubmitted drafts 7 days and 1 day before the wave closes (hourly)."""
    return services.draft_reminders_send()


@shared_task(name="applications.run_export", ignore_result=True)
def task_run_export(job_id):
    """Write the file of one export asked for on the staff dashboard (export_jobs.py)."""
    return export_jobs.export_job_run(job_id)


@shared_task(name="applications.purge_exports", ignore_result=True)
def task_purge_exports():
    """Delete the exports older than a week (also done whenever an export is asked for)."""
    return export_jobs.export_jobs_purge()


@shared_task(name="applications.expire_lost_exports", ignore_result=True)
def task_expire_lost_exports():
    """Mark failed the exports a dead worker left « en cours » (also done on their page)."""
    return export_jobs.export_jobs_expire_lost()
