"""What the reviews app does when the floor signals an event (label/signals.py)."""

from django.dispatch import receiver

from label.models import Wave
from label.signals import wave_created

# Imported with the receivers (ReviewsConfig.ready()) so that the reviews' lines of the staff
# to-do are registered at start-up, like the export columns.
from reviews import todo  # noqa: F401 -- registers on import
from reviews.models import Criterion
from reviews.models.criteria import default_grid_create


@receiver(wave_created, sender=Wave, dispatch_uid="reviews.wave_default_grid")
def wave_default_grid(sender, wave, copy_from=None, **kwargs):
    """Give a new wave the default criteria grid of DESIGN.md §2, which staff may then edit."""
    default_grid_create(Criterion, wave)
