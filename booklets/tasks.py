"""Celery task of the booklets: a thin wrapper that takes an id and calls one service."""

from celery import shared_task

from booklets import services


@shared_task(name=services.GENERATE_BOOKLET_TASK, ignore_result=True)
def task_generate_booklet(booklet_id):
    """Generate one queued version of a wave's cahier (idempotent: a version runs once)."""
    services.booklet_generate(booklet_id=booklet_id)
