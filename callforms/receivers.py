"""What callforms does when the floor signals an event (label/signals.py)."""

from django.dispatch import receiver

from callforms.services import form_copy, form_create_default
from label.models import Wave
from label.signals import wave_created


@receiver(wave_created, sender=Wave, dispatch_uid="callforms.wave_form")
def wave_form(sender, wave, copy_from=None, **kwargs):
    """Give a new wave its form: a copy of `copy_from`'s (same keys), else today's dossier."""
    if copy_from is not None:
        form_copy(wave, copy_from)
    else:
        form_create_default(wave)
