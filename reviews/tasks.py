"""Celery tasks of the reviews app: thin wrappers that call one service."""

from celery import shared_task

from reviews.assignment import services


@shared_task(name="reviews.remind_reviewers", ignore_result=True)
def task_remind_reviewers():
    """Mail reviewers whose review is pending, 3 days before the due date and on it (hourly)."""
    return services.review_reminders_send()
