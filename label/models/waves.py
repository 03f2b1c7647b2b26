from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from label.enums import WavePhase
from label.validators import validate_signature_image
from label.wave_texts import (
    DEFAULT_ANNOUNCEMENT_MAILS,
    AnnouncementMailKind,
    default_eligibility_checklist,
    french_spacing,
    placeholder_errors,
    placeholders_fill,
    sample_values,
)


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
    # [[code, label], …]: the items instruction ticks before declaring a file eligible; the
    # answers of each application are stored under the codes (applications.Application).
    eligibility_checklist = models.JSONField(
        _("grille de recevabilité"), default=default_eligibility_checklist, blank=True
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

    def eligibility_checklist_items(self):
        """The (code, label) items of this wave's eligibility checklist, in order."""
        return [(code, label) for code, label in (self.eligibility_checklist or [])]

    @property
    def eligibility_checklist_locked(self):
        """Once a file of the wave has been declared eligible or not, its checklist is fixed:
        the answers already given are keyed by its codes."""
        return self.applications.filter(eligibility_decided_at__isnull=False).exists()


class WaveMailText(models.Model):
    """The subject and text of one announcement mail of a wave, as staff adjusted them.

    A wave without a row for an outcome uses DEFAULT_ANNOUNCEMENT_MAILS. Placeholders are
    checked on validation: only the known names, well written, and the text renders.
    """

    wave = models.ForeignKey(
        Wave, verbose_name=_("vague"), on_delete=models.CASCADE, related_name="mail_texts"
    )
    kind = models.CharField(_("courrier"), max_length=20, choices=AnnouncementMailKind.choices)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(
        _("texte"),
        max_length=5000,
        help_text=_("Le corps du courrier, après « Bonjour … » ; le lien vers le dossier suit."),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("courrier d'annonce")
        verbose_name_plural = _("courriers d'annonce")
        ordering = ["wave", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "kind"], name="wave_mail_text_once_per_kind")
        ]

    def __str__(self):
        return f"{self.wave} — {self.get_kind_display()}"

    def clean(self):
        super().clean()
        errors = {}
        for name in ("subject", "body"):
            messages = placeholder_errors(getattr(self, name))
            if not messages:
                try:
                    placeholders_fill(getattr(self, name), sample_values(self.wave))
                except (KeyError, ValueError, TypeError):
                    messages = [_("Ce texte ne peut pas être composé : vérifiez ses variables.")]
            if messages:
                errors[name] = messages
        if errors:
            raise ValidationError(errors)

    @classmethod
    def for_wave(cls, wave, kind):
        """The text of ``kind`` the wave's mails use: staff's own, else the default."""
        stored = cls.objects.filter(wave=wave, kind=kind).first()
        return stored or cls.default_for(wave, kind)

    @classmethod
    def all_for_wave(cls, wave):
        """{kind: text} for every kind of announcement mail, in the order of the kinds."""
        stored = {text.kind: text for text in cls.objects.filter(wave=wave)}
        return {
            kind: stored.get(kind) or cls.default_for(wave, kind) for kind in AnnouncementMailKind
        }

    @property
    def is_default(self):
        """Is this text the default one, word for word?"""
        subject, body = DEFAULT_ANNOUNCEMENT_MAILS[AnnouncementMailKind(self.kind)]
        return self.subject == str(subject) and self.body == str(body)

    def render(self, values):
        """(subject, body) with the placeholders filled from ``values``, and no-break spaces
        where French typography wants them."""
        return (
            french_spacing(placeholders_fill(self.subject, values)),
            french_spacing(placeholders_fill(self.body, values)),
        )

    @classmethod
    def default_for(cls, wave, kind):
        """An unsaved text of the wave holding the default subject and text of ``kind``."""
        subject, body = DEFAULT_ANNOUNCEMENT_MAILS[AnnouncementMailKind(kind)]
        return cls(wave=wave, kind=kind, subject=str(subject), body=str(body))
