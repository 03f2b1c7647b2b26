from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from label.enums import WavePhase
from label.validators import validate_signature_image


class WaveQuerySet(models.QuerySet):
    def open_at(self, moment):
        """Waves whose call for applications is open at that moment.

        The same rule as ``Wave.phase_at``: an announced wave is never open, whatever its dates.
        """
        return self.filter(opens_at__lte=moment, closes_at__gt=moment).filter(
            models.Q(results_announced_at__isnull=True) | models.Q(results_announced_at__gt=moment)
        )

    def current(self):
        """The wave open now, if any (at most one is, by validation)."""
        return self.open_at(timezone.now()).first()


class Wave(models.Model):
    """One yearly call for applications to the Label Euralens (the 11th wave opens now)."""

    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    year = models.PositiveSmallIntegerField(_("année"))
    title = models.CharField(_("titre"), max_length=200)
    edition_name = models.CharField(
        _("nom de l'édition"),
        max_length=120,
        blank=True,
        help_text=_(
            "Par exemple « Label Euralens 2027 » ; par défaut, « Label Euralens » et l'année."
        ),
    )
    opens_at = models.DateTimeField(_("ouverture de l'appel"))
    closes_at = models.DateTimeField(
        _("clôture de l'appel"),
        help_text=_("Date et heure de Paris après lesquelles aucun dossier ne peut être déposé."),
    )
    instruction_starts_on = models.DateField(_("début de l'instruction"), null=True, blank=True)
    instruction_ends_on = models.DateField(_("fin de l'instruction"), null=True, blank=True)
    ceremony_on = models.DateField(_("date de la cérémonie"), null=True, blank=True)
    ceremony_place = models.CharField(_("lieu de la cérémonie"), max_length=200, blank=True)
    introduction = models.TextField(_("texte d'introduction"), blank=True)
    eligibility_text = models.TextField(
        _("qui peut candidater"),
        blank=True,
        help_text=_("Conditions de recevabilité présentées aux candidats."),
    )
    signatory_name = models.CharField(_("signataire des certificats"), max_length=150, blank=True)
    signatory_title = models.CharField(_("qualité du signataire"), max_length=200, blank=True)
    signatory_image = models.ImageField(
        _("image de la signature"),
        # Private media: never served as a plain file, only embedded in the certificates.
        upload_to="vagues/signatures/",
        blank=True,
        validators=[validate_signature_image],
        help_text=_("PNG ou JPEG, 2 Mo au plus ; imprimée au-dessus du nom du signataire."),
    )
    results_announced_at = models.DateTimeField(
        _("résultats annoncés le"), null=True, blank=True, editable=False
    )
    jury_may_record_decisions = models.BooleanField(
        _("le jury enregistre les décisions"),
        default=False,
        help_text=_("Si coché, les membres du jury peuvent enregistrer les décisions eux-mêmes."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = WaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("vague")
        verbose_name_plural = _("vagues")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="wave_closes_after_opening",
            )
        ]

    def __str__(self):
        # The one wording of a wave on every page, mail and PDF: « Vague 11 — Label Euralens 2027 ».
        return _("Vague %(number)s — %(edition)s") % {
            "number": self.number,
            "edition": self.edition,
        }

    @property
    def edition(self):
        """The edition's name as every page, mail and PDF writes it: « Label Euralens 2027 »."""
        return self.edition_name or _("Label Euralens %(year)s") % {"year": self.year}

    @property
    def short_code(self):
        """The prefix of the references of this wave's applications, e.g. EL11."""
        return f"EL{self.number}"

    def phase_at(self, moment):
        """The wave's phase at a moment: upcoming, open, closed or announced."""
        if self.results_announced_at and self.results_announced_at <= moment:
            return WavePhase.ANNOUNCED
        if moment < self.opens_at:
            return WavePhase.UPCOMING
        if moment < self.closes_at:
            return WavePhase.OPEN
        return WavePhase.CLOSED

    @property
    def phase(self):
        """The wave's phase now: the one rule every page and workflow reads."""
        return self.phase_at(timezone.now())

    @property
    def call_closed_at(self):
        """When the call stopped (or stops) taking files: its closing date, or an earlier
        announcement (only waves announced before the rule below existed have one)."""
        if self.results_announced_at and self.results_announced_at < self.closes_at:
            return self.results_announced_at
        return self.closes_at

    def results_may_be_announced_at(self, moment):
        """Results may be announced only once the call has closed."""
        return self.phase_at(moment) in (WavePhase.CLOSED, WavePhase.ANNOUNCED)

    @property
    def results_may_be_announced(self):
        return self.results_may_be_announced_at(timezone.now())

    @property
    def is_open(self):
        return self.phase == WavePhase.OPEN

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at:
            if self.closes_at <= self.opens_at:
                raise ValidationError(
                    {"closes_at": _("La clôture doit être postérieure à l'ouverture.")}
                )
            # Only one call may be open at a time: call periods never overlap.
            overlapping = Wave.objects.filter(
                opens_at__lt=self.closes_at, closes_at__gt=self.opens_at
            ).exclude(pk=self.pk)
            if overlapping.exists():
                other = overlapping.first()
                raise ValidationError(
                    _(
                        "La période d'appel chevauche celle de la vague %(number)s : une seule "
                        "vague peut être ouverte à la fois."
                    )
                    % {"number": other.number}
                )
