"""Thin Celery tasks of the follow-up: each calls one domain function."""

from celery import shared_task

from followup.reports import reports_remind


@shared_task(name="followup.remind_reports")
def task_remind_reports():
    """Send the month and week reminders of the yearly progress reports (once each)."""
    return reports_remind()
