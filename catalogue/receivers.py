"""What the catalogue does when a project is labelled or loses its label (reviews/signals.py)."""

from django.dispatch import receiver

from applications.models import Application
from catalogue.photos import photo_withdrawals_note
from catalogue.services import (
    catalogue_entry_publish_from_application,
    catalogue_entry_unpublish_for_application,
)
from reviews.signals import label_revoked, project_labelled


@receiver(project_labelled, sender=Application, dispatch_uid="catalogue.publish_on_label")
def catalogue_publish_on_label(sender, application, **kwargs):
    """Publish the catalogue entry of a project announced labelled; photos due for deletion
    since an earlier withdrawal of its label are kept again."""
    catalogue_entry_publish_from_application(application)
    photo_withdrawals_note(application=application)


@receiver(label_revoked, sender=Application, dispatch_uid="catalogue.unpublish_on_revoke")
def catalogue_unpublish_on_revoke(sender, application, **kwargs):
    """Take a project whose label was withdrawn off the catalogue; its photos are deleted
    RETENTION_PHOTO_FILE_DAYS later unless it comes back (catalogue.photos)."""
    catalogue_entry_unpublish_for_application(application)
    photo_withdrawals_note(application=application)
