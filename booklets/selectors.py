"""Reads of the booklets: a wave's versions, the published cahiers, the projects a cahier shows."""

from booklets.models import Booklet, BookletSettings, BookletStatus
from catalogue.selectors import CatalogueFilters, catalogue_entry_list


def booklet_settings_get(wave):
    """The wave's cahier settings, or unsaved empty ones (reading never writes)."""
    return BookletSettings.objects.filter(wave=wave).first() or BookletSettings(wave=wave)


def booklet_list_for_wave(wave):
    """Every version of a wave's cahier, newest first (the staff page's list)."""
    return Booklet.objects.filter(wave=wave).select_related("created_by").order_by("-version")


def booklet_get_for_wave(wave, version):
    """One version of a wave's cahier, or None."""
    return Booklet.objects.filter(wave=wave, version=version).select_related("wave").first()


def booklet_list_published():
    """The published cahier of each edition, newest wave first (the public list)."""
    return (
        Booklet.objects.filter(published_at__isnull=False, status=BookletStatus.DONE)
        .select_related("wave")
        .order_by("-wave__number", "-version")
    )


def booklet_get_published(wave_number):
    """The published cahier of a wave, by the wave's number, or None."""
    return booklet_list_published().filter(wave__number=wave_number).first()


def booklet_project_list(wave):
    """The wave's labelled projects as the public reads them: its published catalogue entries
    (Label Euralens and Label Espoirs), by name, with their source application and its jury
    decision (the « atouts »)."""
    return catalogue_entry_list(CatalogueFilters(wave=wave.number, sort="name")).select_related(
        "source_application__jury_decision"
    )
