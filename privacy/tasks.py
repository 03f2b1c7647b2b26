"""Celery tasks of the privacy app: the retention of personal data.

The task was named ``label.apply_retention`` before the privacy app existed; the old name
stays registered for one release so that a message queued by the previous release still runs.
"""

from celery import shared_task

from privacy import retention


@shared_task(name="privacy.apply_retention", ignore_result=True)
def task_apply_retention():
    """Apply the retention periods of personal data (daily, from the beat)."""
    run = retention.retention_run(trigger="beat")
    return run.pk if run is not None else None


@shared_task(name="label.apply_retention", ignore_result=True)
def legacy_apply_retention():
    """Run the retention queued under its name of the previous release."""
    return task_apply_retention()
