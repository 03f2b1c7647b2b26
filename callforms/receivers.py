"""What callforms does when the floor signals an event (label/signals.py)."""

from django.db import transaction
from django.db.models.signals import post_save
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


@receiver(post_save, sender=Wave, dispatch_uid="callforms.wave_form_on_save")
def wave_saved(sender, instance, created, raw=False, **kwargs):
    """Any new wave (the admin's, a script's) has its form once its row is committed.

    Without it the form would be created by the wave's first reader, perhaps inside an
    applicant's long transaction, holding the form's row until it ends. After the commit,
    so that « Nouvelle vague à partir de la précédente » (wave_created, in the same
    transaction) has copied the previous form first: the default then finds a form and does
    nothing.
    """
    if created and not raw:
        transaction.on_commit(lambda: form_create_default(instance))
