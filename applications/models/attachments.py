import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.answers import file_label


def attachment_upload_to(instance, filename):
    """A random name, never the uploaded one: nothing guessable, nothing to traverse."""
    extension = instance.extension or "bin"
    return f"private/attachments/{secrets.token_hex(16)}.{extension}"


class Attachment(models.Model):
    """A document attached to an application, stored privately and served through a view."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="attachments"
    )
    # The key of the file question of the wave's form this document answers ("other" for a
    # document sent with a message).
    kind = models.CharField(_("type de pièce"), max_length=50)
    file = models.FileField(_("fichier"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["kind", "created_at"]

    def __str__(self):
        return self.original_name

    def get_kind_display(self):
        """The label of the file question of the wave's form this document answers."""
        return file_label(self.application, self.kind)
