"""Retention of proposed photos: the file of a refused or replaced photo is deleted after
RETENTION_PHOTO_FILE_DAYS (30 days); its row stays with its reason; pending and published
photos are kept."""

from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalogue.models import PhotoStatus, ProjectPhoto
from catalogue.photos import photo_approve, photo_reject
from catalogue.tasks import task_purge_photo_files
from config.celery import app as celery_app
from tests.conftest import login
from tests.factories.photos import REFUSAL_REASON as REASON
from tests.factories.photos import photo_upload, proposed

pytestmark = pytest.mark.django_db


def decided_days_ago(photo, days):
    """Move a decision back in time (the purge compares with the real clock)."""
    ProjectPhoto.objects.filter(pk=photo.pk).update(
        reviewed_at=timezone.now() - timedelta(days=days)
    )


def refused(entry, holder, by, *, days_ago):
    photo = proposed(entry, holder)
    photo_reject(photo=photo, by=by, reason=REASON)
    decided_days_ago(photo, days_ago)
    return photo


def approved(entry, holder, by, *, days_ago, colour=(40, 120, 200)):
    photo = proposed(entry, holder, upload=photo_upload(colour=colour))
    photo_approve(photo=photo, by=by)
    decided_days_ago(photo, days_ago)
    return photo


def purge(capture):
    with capture(execute=True):
        task_purge_photo_files.apply()


def test_refused_photo_loses_its_file_after_the_period_and_keeps_its_reason(
    holder, entry, instruction_user, django_capture_on_commit_callbacks
):
    old = refused(entry, holder, instruction_user, days_ago=settings.RETENTION_PHOTO_FILE_DAYS + 1)
    recent = refused(
        entry, holder, instruction_user, days_ago=settings.RETENTION_PHOTO_FILE_DAYS - 1
    )
    old_name, recent_name = old.file.name, recent.file.name

    purge(django_capture_on_commit_callbacks)

    old.refresh_from_db()
    assert not old.file and not default_storage.exists(old_name)
    assert old.status == PhotoStatus.REJECTED and old.rejection_reason == REASON
    recent.refresh_from_db()
    assert recent.file.name == recent_name and default_storage.exists(recent_name)


def test_the_period_is_the_retention_setting(
    holder, entry, instruction_user, django_capture_on_commit_callbacks, settings
):
    settings.RETENTION_PHOTO_FILE_DAYS = 10
    photo = refused(entry, holder, instruction_user, days_ago=15)

    purge(django_capture_on_commit_callbacks)

    photo.refresh_from_db()
    assert not photo.file
    assert photo.file_kept_until is not None


def test_pending_and_published_photos_are_never_touched(
    holder, entry, instruction_user, django_capture_on_commit_callbacks
):
    published = approved(entry, holder, instruction_user, days_ago=400)
    entry.refresh_from_db()
    rendered = [entry.picture["variants"][size]["jpeg"] for size in ("card", "page", "social")]
    pending = proposed(entry, holder)
    ProjectPhoto.objects.filter(pk=pending.pk).update(
        submitted_at=timezone.now() - timedelta(days=400)
    )

    purge(django_capture_on_commit_callbacks)

    for photo in (published, pending):
        name = photo.file.name
        photo.refresh_from_db()
        assert photo.file.name == name and default_storage.exists(name)
    assert all(default_storage.exists(name) for name in rendered)
    assert Client().get(entry.get_absolute_url()).status_code == 200


def test_replaced_photo_loses_its_file_once_replaced_for_the_period(
    holder, entry, instruction_user, django_capture_on_commit_callbacks
):
    # Published 100 days ago, replaced 40 days ago; the second replaced 10 days ago.
    first = approved(entry, holder, instruction_user, days_ago=100)
    second = approved(entry, holder, instruction_user, days_ago=40, colour=(200, 60, 60))
    third = approved(entry, holder, instruction_user, days_ago=10, colour=(60, 200, 60))
    first_name, second_name, third_name = first.file.name, second.file.name, third.file.name

    purge(django_capture_on_commit_callbacks)

    first.refresh_from_db()
    assert first.status == PhotoStatus.REPLACED
    assert not first.file and not default_storage.exists(first_name)
    second.refresh_from_db()
    assert second.status == PhotoStatus.REPLACED
    assert second.file.name == second_name and default_storage.exists(second_name)
    third.refresh_from_db()
    assert third.status == PhotoStatus.APPROVED and default_storage.exists(third_name)


def test_holder_page_after_the_purge_keeps_the_reason_without_the_file(
    holder, entry, instruction_user, django_capture_on_commit_callbacks
):
    photo = refused(
        entry, holder, instruction_user, days_ago=settings.RETENTION_PHOTO_FILE_DAYS + 1
    )
    file_url = reverse("catalogue:photo_file", args=[photo.pk])
    client = login(Client(), holder)
    page_url = reverse("catalogue:photo_propose", args=[entry.slug])
    before = unescape(client.get(page_url).content.decode())
    assert file_url in before and "sera supprimé à partir du" in before

    purge(django_capture_on_commit_callbacks)

    page = client.get(page_url)
    body = unescape(page.content.decode())
    assert page.status_code == 200
    assert file_url not in body
    assert REASON in body
    assert "Photo supprimée" in body and "au terme de sa durée de conservation" in body
    assert client.get(file_url).status_code == 404
    staff = login(Client(), instruction_user)
    assert staff.get(file_url).status_code == 404
    assert REASON in unescape(staff.get(reverse("catalogue:photo_review_list")).content.decode())


def test_the_purge_runs_every_night_from_the_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "catalogue.purge_photo_files" in tasks
    assert "catalogue.purge_photo_files" in celery_app.tasks
