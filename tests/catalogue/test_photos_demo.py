"""The demo's project photos: drawn by Pillow, three approved and one pending, idempotent."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from catalogue.models import CatalogueEntry, PhotoStatus, ProjectPhoto
from catalogue.selectors import entry_photo
from demo.photos import SCENES, scene_jpeg

pytestmark = pytest.mark.django_db


def test_demo_scenes_are_drawn_the_same_every_time():
    for name in SCENES:
        first, second = scene_jpeg(name).read(), scene_jpeg(name).read()
        assert first == second
        with Image.open(scene_jpeg(name)) as scene:
            assert scene.size == (1600, 1000)


def test_seed_demo_publishes_three_photos_and_leaves_one_pending(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    approved = ProjectPhoto.objects.filter(status=PhotoStatus.APPROVED)
    assert approved.count() == 3
    pending = ProjectPhoto.objects.get(status=PhotoStatus.PENDING)
    assert pending.entry.name == "Ressourcerie du Lensois"
    assert pending.submitted_by.email == "candidat@example.org"
    with_picture = CatalogueEntry.objects.exclude(picture={})
    assert with_picture.count() == 3
    for entry in with_picture:
        photo = entry_photo(entry)
        assert photo.credit.startswith("© ") and photo.alt
        assert default_storage.exists(entry.picture["variants"]["card"]["webp"])

    call_command("seed_demo", stdout=StringIO())

    assert ProjectPhoto.objects.count() == 4
    assert CatalogueEntry.objects.exclude(picture={}).count() == 3
