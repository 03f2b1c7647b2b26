"""Celery tasks of the catalogue app: thin wrappers that call one domain function."""

from celery import shared_task

from catalogue import photos


@shared_task(name="catalogue.purge_photo_files", ignore_result=True)
def task_purge_photo_files():
    """Delete the files of photos refused, replaced, or left by their project's withdrawal from
    the catalogue more than RETENTION_PHOTO_FILE_DAYS (30) days ago (nightly)."""
    return photos.photo_files_purge()
