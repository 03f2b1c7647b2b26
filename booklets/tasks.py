"""Celery tasks of the booklets: thin wrappers that take an id and call one service."""

from celery import shared_task

from booklets import services


@shared_task(name=services.GENERATE_BOOKLET_TASK, ignore_result=True)
def task_generate_booklet(booklet_id):
    """Generate one queued version of a wave's cahier (idempotent: a version runs once)."""
    services.booklet_generate(booklet_id=booklet_id)


@shared_task(name="booklets.expire_lost_booklets", ignore_result=True)
def task_expire_lost_booklets():
    """Mark failed the versions a dead worker left « en cours » (also done on their page)."""
    return services.booklets_expire_lost()
