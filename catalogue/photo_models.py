"""Photos of labelled projects proposed by their holders (imported by catalogue/models.py)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

# A refused photo is a person's upload, perhaps with faces, that will never be published: its
# file is kept long enough for the holder to read the reason and propose another (with the
# refused one still in view), then deleted. A replaced photo was published with consent but is
# no longer shown: its file goes after the same period. The rows stay, without the file, as
# the record of the decision and its reason (catalogue.photos.photo_files_purge). The period
# is the setting RETENTION_PHOTO_FILE_DAYS (told on /donnees-personnelles/).
#
# A project whose label is withdrawn leaves the catalogue: its published photo (and a proposal
# still pending) is no longer shown anywhere public, yet the label may be given back on appeal,
# photo included. Its file and rendered sizes are kept for the same period after the project
# left the catalogue (``entry_unpublished_at``), then deleted unless the project is back.


def photo_file_keep_days():
    """How many days a refused or replaced photo's file is kept (RETENTION_PHOTO_FILE_DAYS)."""
    return settings.RETENTION_PHOTO_FILE_DAYS


class PhotoStatus(models.TextChoices):
    PENDING = "pending", _("en attente de validation")
    APPROVED = "approved", _("publiée")
    REJECTED = "rejected", _("refusée")
    # A published photo that a later approval took the place of: kept for the record.
    REPLACED = "replaced", _("remplacée par une photo plus récente")
    # Published or pending when its project left the catalogue, and deleted after the period.
    WITHDRAWN = "withdrawn", _("supprimée après le retrait du projet du catalogue")


def project_photo_upload_to(instance, filename):
    """A random name in private storage: the proposal is served only through checked views."""
    return f"private/catalogue-photos/{secrets.token_hex(16)}.jpg"


class ProjectPhoto(models.Model):
    """A photo of a labelled project proposed by its holder, published once staff approve it.

    ``file`` is the upload re-encoded as a JPEG (EXIF data dropped); the public sizes are
    rendered from it on approval into the entry's ``picture`` (catalogue/pictures.py).
    """

    entry = models.ForeignKey(
        "catalogue.CatalogueEntry",
        verbose_name=_("projet"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    file = models.ImageField(
        _("photo"),
        upload_to=project_photo_upload_to,
        max_length=200,
    )
    width = models.PositiveIntegerField(_("largeur"), default=0, editable=False)
    height = models.PositiveIntegerField(_("hauteur"), default=0, editable=False)
    alt = models.CharField(_("texte alternatif"), max_length=250)
    credit = models.CharField(_("crédit"), max_length=200)
    consent_at = models.DateTimeField(_("consentement à la publication donné le"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    status = models.CharField(
        _("état"), max_length=10, choices=PhotoStatus.choices, default=PhotoStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examinée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    rejection_reason = models.TextField(_("motif du refus"), max_length=1000, blank=True)
    # Set on the published and pending photos when their project leaves the catalogue (its
    # label withdrawn), cleared if it is published again: the start of their file's last period.
    entry_unpublished_at = models.DateTimeField(
        _("projet retiré du catalogue le"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("photo proposée")
        verbose_name_plural = _("photos proposées")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One published photo per project: an approval replaces the previous one.
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status="approved"),
                name="catalogue_one_approved_photo",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="catalogue_photo_status")]

    def __str__(self):
        return f"{self.entry_id} {self.get_status_display()}"

    @property
    def file_kept_until(self):
        """When a refused photo's file is due for deletion; None for the other states (see
        photos.photo_list_files_expired for the photos of a project off the catalogue)."""
        if self.status != PhotoStatus.REJECTED or self.reviewed_at is None:
            return None
        return self.reviewed_at + timedelta(days=photo_file_keep_days())


@receiver(post_delete, sender=ProjectPhoto)
def _photo_deleted(sender, instance, **kwargs):
    """A deleted proposal (replaced, or gone with its project) leaves no private file behind."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
