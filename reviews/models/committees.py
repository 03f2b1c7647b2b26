from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.enums import CommitteeKind


class Committee(models.Model):
    """A body of reviewers for one wave: the Comité technique, the Cercle de qualité, …"""

    wave = models.ForeignKey(
        "label.Wave", verbose_name=_("vague"), on_delete=models.CASCADE, related_name="committees"
    )
    kind = models.CharField(_("type"), max_length=20, choices=CommitteeKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membres"),
        blank=True,
        related_name="committees",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("comité")
        verbose_name_plural = _("comités")
        ordering = ["wave", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "name"], name="committee_unique_name_per_wave")
        ]

    def __str__(self):
        return self.name


class ReviewerProfile(models.Model):
    """What a reviewer declares to avoid conflicts of interest: organisation and mandates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluateur"),
        on_delete=models.CASCADE,
        related_name="reviewer_profile",
    )
    organisation = models.CharField(
        _("organisation d'appartenance"),
        max_length=200,
        blank=True,
        help_text=_(
            "Structure qui vous emploie ou que vous représentez. Les dossiers qu'elle porte "
            "ne vous seront pas attribués."
        ),
    )
    mandate_communes = models.ManyToManyField(
        "label.Commune",
        verbose_name=_("communes où vous détenez un mandat électif"),
        blank=True,
        related_name="+",
        help_text=_("Les projets situés dans ces communes ne vous seront pas attribués."),
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("profil d'évaluateur")
        verbose_name_plural = _("profils d'évaluateurs")

    def __str__(self):
        return str(self.user)
