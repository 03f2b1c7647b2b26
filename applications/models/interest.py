from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpressionOfInterest(models.Model):
    """A wish to hear about the next call, left on /candidater/ while no wave is open.

    Kept for the instruction team, who write to these people when the next wave opens.
    """

    email = models.EmailField(_("adresse e-mail"))
    message = models.TextField(_("votre projet en quelques lignes"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    handled = models.BooleanField(
        _("traitée"), default=False, help_text=_("Cochée quand l'équipe a recontacté la personne.")
    )

    class Meta:
        verbose_name = _("manifestation d'intérêt")
        verbose_name_plural = _("manifestations d'intérêt")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.email
