"""A project whose label is withdrawn: its photo leaves the public site at once, and its files
(the proposal and every rendered size) are deleted RETENTION_PHOTO_FILE_DAYS after it left the
catalogue, unless the project is published again before (an appeal)."""

from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Application
from catalogue.models import CatalogueEntry, PhotoStatus, ProjectPhoto
from catalogue.photos import photo_approve, photo_files_purge
from catalogue.pictures import PICTURE_FORMATS, PICTURE_SIZES, picture_file_names
from catalogue.tasks import task_purge_photo_files
from reviews.jury.workflow import label_revoke
from reviews.signals import project_labelled
from tests.conftest import login
from tests.factories.photos import photo_upload, proposed

pytestmark = pytest.mark.django_db

BREACH = "La convention d'accompagnement n'a pas été respectée : aucune action depuis un an."


@pytest.fixture
def published(holder, entry, instruction_user):
    """The entry with an approved holder's photo, rendered in every size."""
    photo = proposed(entry, holder, alt="Le jardin au printemps")
    photo_approve(photo=photo, by=instruction_user)
    return CatalogueEntry.objects.get(pk=entry.pk), ProjectPhoto.objects.get(pk=photo.pk)


def image_urls(entry):
    urls = []
    for size in PICTURE_SIZES:
        variant = entry.picture_variant(size)
        urls += [variant.jpeg_url, variant.webp_url]
    return urls


def answers(url):
    """The status code of a public GET, its streamed file read (which closes it)."""
    response = Client().get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def revoke(entry, by):
    label_revoke(application=entry.source_application, by=by, motivation=BREACH)


def unpublished_days_ago(entry, days):
    """Move the project's withdrawal back in time (the purge compares with the real clock)."""
    ProjectPhoto.objects.filter(entry=entry, entry_unpublished_at__isnull=False).update(
        entry_unpublished_at=timezone.now() - timedelta(days=days)
    )


def purge(capture):
    with capture(execute=True):
        task_purge_photo_files.apply()


def test_withdrawing_the_label_takes_the_photo_off_its_public_urls_at_once(
    published, instruction_user, django_capture_on_commit_callbacks
):
    entry, photo = published
    urls = image_urls(entry)
    assert len(urls) == len(PICTURE_SIZES) * len(PICTURE_FORMATS)
    assert all(answers(url) == 200 for url in urls)
    staff = login(Client(), instruction_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("reviews:revoke_label", args=[entry.source_application_id]),
            {"motivation": BREACH},
        )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.is_published
    for url in urls:
        assert answers(url) == 404, url
    assert answers(entry.get_absolute_url()) == 404
    # Nothing is deleted yet: the label may be given back on appeal.
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED and photo.entry_unpublished_at is not None
    assert default_storage.exists(photo.file.name)
    assert all(default_storage.exists(name) for name in picture_file_names(entry.picture))


def test_photos_of_a_withdrawn_project_are_deleted_after_the_period(
    holder, published, instruction_user, django_capture_on_commit_callbacks
):
    entry, photo = published
    pending = proposed(entry, holder, upload=photo_upload(colour=(200, 60, 60)))
    rendered = picture_file_names(entry.picture)
    files = [photo.file.name, pending.file.name]
    revoke(entry, instruction_user)
    unpublished_days_ago(entry, settings.RETENTION_PHOTO_FILE_DAYS + 1)

    purge(django_capture_on_commit_callbacks)

    for row in (photo, pending):
        row.refresh_from_db()
        assert row.status == PhotoStatus.WITHDRAWN and not row.file
    assert not any(default_storage.exists(name) for name in files + rendered)
    entry.refresh_from_db()
    assert entry.picture == {} and not entry.is_published
    # The record stays: who proposed it, its credit, when it was decided.
    assert photo.credit == "© Camille Martin" and photo.reviewed_at is not None
    assert ProjectPhoto.objects.filter(entry=entry, status=PhotoStatus.PENDING).count() == 0
    staff = login(Client(), instruction_user)
    review_list = unescape(staff.get(reverse("catalogue:photo_review_list")).content.decode())
    assert "supprimée après le retrait du projet du catalogue" in review_list
    assert reverse("catalogue:photo_file", args=[pending.pk]) not in review_list
    assert staff.get(reverse("catalogue:photo_file", args=[photo.pk])).status_code == 404


def test_photos_of_a_withdrawn_project_are_kept_during_the_period(
    published, instruction_user, django_capture_on_commit_callbacks, settings
):
    settings.RETENTION_PHOTO_FILE_DAYS = 10
    entry, photo = published
    rendered = picture_file_names(entry.picture)
    revoke(entry, instruction_user)
    unpublished_days_ago(entry, 9)

    purge(django_capture_on_commit_callbacks)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED and default_storage.exists(photo.file.name)
    assert all(default_storage.exists(name) for name in rendered)

    unpublished_days_ago(entry, 11)
    purge(django_capture_on_commit_callbacks)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.WITHDRAWN and not photo.file
    assert not any(default_storage.exists(name) for name in rendered)


def test_a_project_labelled_again_keeps_its_photo(
    published, instruction_user, django_capture_on_commit_callbacks
):
    entry, photo = published
    revoke(entry, instruction_user)
    application = Application.objects.get(pk=entry.source_application_id)
    # The appeal: the project is announced labelled again, which publishes its entry.
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.LABELLED)
    project_labelled.send(sender=Application, application=application, by=instruction_user)
    unpublished_days_ago(entry, 400)

    purge(django_capture_on_commit_callbacks)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED and photo.entry_unpublished_at is None
    assert default_storage.exists(photo.file.name)
    entry.refresh_from_db()
    assert entry.is_published and entry.picture["photo"] == photo.pk
    assert all(answers(url) == 200 for url in image_urls(entry))


def test_a_project_published_again_by_hand_keeps_its_photo(
    published, instruction_user, django_capture_on_commit_callbacks
):
    entry, photo = published
    revoke(entry, instruction_user)
    ProjectPhoto.objects.filter(pk=photo.pk).update(
        entry_unpublished_at=timezone.now() - timedelta(days=400)
    )
    entry.refresh_from_db()
    entry.is_published = True
    entry.save()

    purge(django_capture_on_commit_callbacks)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED and default_storage.exists(photo.file.name)
    assert all(default_storage.exists(name) for name in picture_file_names(entry.picture))


def test_an_entry_unticked_in_the_admin_has_its_photo_dated_by_the_purge_then_deleted(
    published, django_capture_on_commit_callbacks
):
    entry, photo = published
    entry.is_published = False  # « publié » unticked in the admin: no label withdrawn
    entry.save()

    purge(django_capture_on_commit_callbacks)  # the first night sees it off the catalogue

    photo.refresh_from_db()
    assert photo.entry_unpublished_at is not None
    assert photo.status == PhotoStatus.APPROVED and default_storage.exists(photo.file.name)

    name = photo.file.name
    unpublished_days_ago(entry, settings.RETENTION_PHOTO_FILE_DAYS + 1)
    purge(django_capture_on_commit_callbacks)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.WITHDRAWN and not photo.file
    assert not default_storage.exists(name)


def test_an_entry_ticked_again_in_the_admin_has_its_photo_date_cleared(
    published, django_capture_on_commit_callbacks
):
    entry, photo = published
    entry.is_published = False
    entry.save()
    purge(django_capture_on_commit_callbacks)
    entry.is_published = True
    entry.save()

    purge(django_capture_on_commit_callbacks)

    photo.refresh_from_db()
    assert photo.entry_unpublished_at is None
    assert photo.status == PhotoStatus.APPROVED and default_storage.exists(photo.file.name)


def test_a_staff_image_of_a_withdrawn_project_is_not_the_holders_photo(
    published, instruction_user, django_capture_on_commit_callbacks
):
    entry, photo = published
    entry.image = photo_upload(size=(900, 600), colour=(10, 10, 10))
    entry.save()
    entry.refresh_from_db()
    staff_picture = picture_file_names(entry.picture)
    revoke(entry, instruction_user)
    unpublished_days_ago(entry, settings.RETENTION_PHOTO_FILE_DAYS + 1)

    purge(django_capture_on_commit_callbacks)

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.WITHDRAWN and not photo.file
    entry.refresh_from_db()
    assert entry.picture["source"] == "image"
    assert all(default_storage.exists(name) for name in staff_picture)


def test_a_rolled_back_purge_deletes_nothing(
    published, instruction_user, django_capture_on_commit_callbacks
):
    entry, photo = published
    rendered = picture_file_names(entry.picture)
    revoke(entry, instruction_user)
    unpublished_days_ago(entry, settings.RETENTION_PHOTO_FILE_DAYS + 1)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assert photo_files_purge() == 1
        raise RuntimeError

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED and default_storage.exists(photo.file.name)
    entry.refresh_from_db()
    assert picture_file_names(entry.picture) == rendered
    assert all(default_storage.exists(name) for name in rendered)


def test_staff_cannot_publish_a_pending_photo_of_a_withdrawn_project(
    holder, entry, instruction_user
):
    photo = proposed(entry, holder)
    revoke(entry, instruction_user)
    staff = login(Client(), instruction_user)

    response = staff.post(reverse("catalogue:photo_approve", args=[photo.pk]), follow=True)

    assert "Ce projet n'est plus au catalogue" in unescape(response.content.decode())
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.PENDING and photo.entry_unpublished_at is not None
    entry.refresh_from_db()
    assert entry.picture == {}
