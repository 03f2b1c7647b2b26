"""Celery tasks of the applications app: thin wrappers that call one service."""

from celery import shared_task

from applications import services


@shared_task(name="applications.remind_draft_owners", ignore_result=True)
def task_remind_draft_owners():
    """Mail owners of unsubmitted drafts 7 days and 1 day before the wave closes (hourly)."""
    return services.draft_reminders_send()
