"""What the reviews app does when the floor signals an event (label/signals.py)."""

from django.dispatch import receiver

from callforms.registry import register_criteria_provider
from label.models import Wave
from label.signals import wave_created

# Imported with the receivers (ReviewsConfig.ready()) so that the reviews' lines of the staff
# to-do and its bulk action of the staff table are registered at start-up.
from reviews import bulk, todo  # noqa: F401 -- register on import
from reviews.jury.composition import jury_composition_copy
from reviews.models import Committee, Criterion
from reviews.models.criteria import default_grid_create


@receiver(wave_created, sender=Wave, dispatch_uid="reviews.wave_default_grid")
def wave_default_grid(sender, wave, copy_from=None, **kwargs):
    """Give a new wave its criteria grid and committees, which staff may then edit.

    A wave started from another (« Nouvelle vague à partir de la précédente ») gets a copy of
    that wave's grid, of its committees with their members and of its jury composition;
    otherwise the default grid of DESIGN.md §2, no committee and no jury. A source wave
    without criteria still yields the default.
    """
    if copy_from is not None:
        wave_copy_grid(wave=wave, source=copy_from)
        wave_copy_committees(wave=wave, source=copy_from)
        jury_composition_copy(wave=wave, source=copy_from)
    default_grid_create(Criterion, wave)


# Fields of a criterion that the copy keeps; the wave and the primary key are the new wave's.
CRITERION_COPIED_FIELDS = (
    "group",
    "code",
    "label",
    "help_text",
    "weight",
    "scale_max",
    "required",
    "counts_in_ranking",
    "position",
)


def wave_copy_grid(*, wave, source):
    """Copy the criteria grid of ``source`` into ``wave`` (which has none yet); returns them."""
    if Criterion.objects.filter(wave=wave).exists():
        return []
    return Criterion.objects.bulk_create(
        Criterion(wave=wave, **{name: getattr(criterion, name) for name in CRITERION_COPIED_FIELDS})
        for criterion in Criterion.objects.filter(wave=source).order_by("position", "code")
    )


def wave_copy_committees(*, wave, source):
    """Copy the committees of ``source`` into ``wave``, each with the same members."""
    copies = []
    for committee in Committee.objects.filter(wave=source).prefetch_related("members"):
        copy = Committee.objects.create(wave=wave, kind=committee.kind, name=committee.name)
        copy.members.set(committee.members.all())
        copies.append(copy)
    return copies


def wave_criteria(wave):
    """The (code, label) criteria of the wave's grid, offered to the form's builder (issue 12):
    a question may be tied to the criteria its answer informs."""
    return list(
        Criterion.objects.filter(wave=wave)
        .order_by("position", "code")
        .values_list("code", "label")
    )


register_criteria_provider(wave_criteria)
