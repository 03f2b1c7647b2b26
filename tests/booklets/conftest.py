"""An announced wave with labelled projects in the catalogue: what a cahier is made of."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import Application
from catalogue.models import CatalogueEntry
from label.enums import Award
from label.models import Wave
from tests.factories import WaveFactory
from tests.factories.catalogue import CatalogueEntryFactory
from tests.factories.certificates import labelled_application
from tests.factories.jury import decision_for

ATOUTS = "Une gouvernance partagée avec les habitants et un modèle économique solide."


def announce(wave, *, days_ago=2):
    """Mark a wave's results as announced (the call closed before)."""
    now = timezone.now()
    Wave.objects.filter(pk=wave.pk).update(
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=days_ago + 30),
        results_announced_at=now - timedelta(days=days_ago),
    )
    wave.refresh_from_db()
    return wave


def jpeg(width=900, height=600, colour=(40, 120, 90)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def announced_wave(db):
    wave = WaveFactory(number=10, year=2026, edition_name="Label Euralens 2026")
    wave.ceremony_on = date(2026, 3, 29)
    wave.ceremony_place = "Louvre-Lens"
    wave.save(update_fields=["ceremony_on", "ceremony_place"])
    return announce(wave)


@pytest.fixture
def wave_projects(announced_wave):
    """Three labelled projects of the wave: one from a portal application with the jury's
    atouts, one with a photo, one over a whole agglomeration; plus one of another wave and
    one unpublished, which the cahier must leave out."""
    application = labelled_application(wave=announced_wave, title="Ressourcerie du Lensois")
    Application.objects.filter(pk=application.pk).update(award=Award.LABEL)
    decision = decision_for(application, atouts=ATOUTS)
    decision.announced_at = timezone.now()
    decision.save(update_fields=["announced_at"])
    from_portal = CatalogueEntryFactory(
        name="Ressourcerie du Lensois",
        holder="Association Terre d'Artois",
        wave_number=10,
        communes=["62498"],
        themes=["nature", "ess"],
        source_application=application,
        summary="Une ressourcerie qui donne une seconde vie aux objets du Lensois.",
    )
    with_photo = CatalogueEntryFactory(
        name="Vélo-école de Liévin",
        wave_number=10,
        award=Award.ESPOIRS,
        communes=["62510"],
        themes=["mobilites"],
    )
    # An upload, as the staff form gives it: rendered to the catalogue's sizes on save.
    with_photo.image = SimpleUploadedFile("velo.jpg", jpeg(), content_type="image/jpeg")
    with_photo.image_alt = "Des enfants à vélo dans une cour d'école"
    with_photo.save()
    whole_agglomeration = CatalogueEntryFactory(
        name="Espace Mobilité de l'Artois", wave_number=10, themes=["mobilites", "inclusion"]
    )
    CatalogueEntryFactory(name="Projet d'une autre vague", wave_number=9, communes=["62498"])
    CatalogueEntryFactory(name="Projet non publié", wave_number=10, is_published=False)
    return [from_portal, with_photo, whole_agglomeration]


@pytest.fixture
def photo_entry(wave_projects):
    return CatalogueEntry.objects.get(name="Vélo-école de Liévin")
