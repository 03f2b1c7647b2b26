from django.db import models
from django.utils.translation import gettext_lazy as _

from label.enums import Epci


class Commune(models.Model):
    """One of the 150 communes of the Pôle Métropolitain de l'Artois."""

    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    epci = models.CharField(_("agglomération"), max_length=10, choices=Epci.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return self.name
