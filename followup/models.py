"""The follow-up of a labelled project: its convention, its support requests and their thread."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from followup.enums import (
    ConventionStatus,
    NewsStatus,
    ReportStatus,
    SupportKind,
    SupportRequestStatus,
)

# The convention is a French legal document, printed in French whatever the language of the
# staff member who first opens the wave's model: its default texts are not translated.
DEFAULT_PREAMBLE = (
    "Le Pôle Métropolitain de l'Artois (PMA) a attribué le Label Euralens au projet décrit "
    "ci-dessous. La présente convention d'accompagnement fixe les engagements réciproques du "
    "porteur du projet et du PMA pendant la durée du label."
)
DEFAULT_HOLDER_COMMITMENTS = (
    "Mener le projet conformément au dossier présenté au jury.\n"
    "Utiliser le logo du label dans le respect de ses règles d'usage.\n"
    "Remettre chaque année un rapport d'avancement avec les indicateurs choisis.\n"
    "Informer le PMA de toute évolution importante du projet."
)
DEFAULT_PMA_COMMITMENTS = (
    "Faire connaître le projet dans ses canaux de communication et le catalogue du label.\n"
    "Mettre le porteur en relation avec les autres projets labellisés et ses partenaires.\n"
    "Apporter l'accompagnement choisi ci-dessous, selon ses moyens.\n"
    "Répondre aux demandes du porteur dans un délai raisonnable."
)
DEFAULT_REVOCATION_CLAUSE = (
    "Article 5 — Retrait du label. En cas de manquement grave ou répété du porteur à ses "
    "engagements, le PMA peut, après l'avoir invité à présenter ses observations, retirer le "
    "label par une décision motivée. Le projet quitte alors le catalogue public."
)


def convention_upload_to(instance, filename):
    """A random name in private storage: the accepted PDF is served only through a view."""
    return f"private/conventions/{secrets.token_hex(16)}.pdf"


class ConventionModel(models.Model):
    """The model text of the conventions of one wave, edited by the instruction team."""

    wave = models.OneToOneField(
        "label.Wave", on_delete=models.CASCADE, related_name="convention_model"
    )
    preamble = models.TextField(_("préambule"), default=DEFAULT_PREAMBLE)
    holder_commitments = models.TextField(
        _("engagements du porteur"),
        default=DEFAULT_HOLDER_COMMITMENTS,
        help_text=_("Un engagement par ligne."),
    )
    pma_commitments = models.TextField(
        _("engagements du PMA"),
        default=DEFAULT_PMA_COMMITMENTS,
        help_text=_("Un engagement par ligne."),
    )
    revocation_clause = models.TextField(
        _("clause de retrait du label"), default=DEFAULT_REVOCATION_CLAUSE
    )
    duration_years = models.PositiveSmallIntegerField(_("durée (années)"), default=3)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("modèle de convention")
        verbose_name_plural = _("modèles de convention")

    def __str__(self):
        return str(self.wave)


class Convention(models.Model):
    """The convention d'accompagnement of one labelled application, accepted then countersigned.

    Once accepted, the PDF the holder accepted is frozen in private storage with its SHA-256;
    a later edit of the wave's model text never changes it.
    """

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="convention"
    )
    status = models.CharField(
        _("état"), max_length=20, choices=ConventionStatus.choices, default=ConventionStatus.PENDING
    )
    support = models.JSONField(
        _("accompagnement choisi"),
        default=list,
        blank=True,
        help_text=_("Codes de SupportKind."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_name = models.CharField(_("nom du signataire"), max_length=150, blank=True)
    accepted_capacity = models.CharField(_("qualité du signataire"), max_length=150, blank=True)
    accepted_ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    pdf = models.FileField(
        _("convention acceptée (PDF)"), upload_to=convention_upload_to, blank=True, max_length=200
    )
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    countersigned_at = models.DateTimeField(_("contresignée le"), null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("convention d'accompagnement")
        verbose_name_plural = _("conventions d'accompagnement")

    def __str__(self):
        return str(self.application)

    @property
    def is_accepted(self):
        return self.accepted_at is not None

    def support_labels(self):
        """The labels of the support chosen, in the order of SupportKind."""
        chosen = set(self.support or [])
        return [label for code, label in SupportKind.choices if code in chosen]


class SupportRequest(models.Model):
    """A request for the support the label gives, followed by a staff owner."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="support_requests"
    )
    kind = models.CharField(_("type d'accompagnement"), max_length=20, choices=SupportKind.choices)
    subject = models.CharField(_("objet"), max_length=200)
    status = models.CharField(
        _("état"),
        max_length=20,
        choices=SupportRequestStatus.choices,
        default=SupportRequestStatus.OPEN,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followup_requests_owned",
        verbose_name=_("chargé·e de suivi"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject


class SupportMessage(models.Model):
    """One message in the thread of a support request."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_staff = models.BooleanField(_("envoyé par l'équipe du PMA"), default=False)
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


def report_photo_upload_to(instance, filename):
    """A random name in private storage: report photos are served through a checked view."""
    return f"private/followup/{secrets.token_hex(16)}.jpg"


class ReportSchedule(models.Model):
    """When the yearly progress reports of a wave's labelled projects are due (day and month)."""

    wave = models.OneToOneField(
        "label.Wave", on_delete=models.CASCADE, related_name="report_schedule"
    )
    due_month = models.PositiveSmallIntegerField(_("mois de remise du rapport"), default=3)
    due_day = models.PositiveSmallIntegerField(_("jour de remise du rapport"), default=31)

    class Meta:
        verbose_name = _("calendrier des rapports")
        verbose_name_plural = _("calendriers des rapports")

    def __str__(self):
        return f"{self.wave} — {self.due_day}/{self.due_month}"


class Indicator(models.Model):
    """An indicator the holder chose at labelling, with its unit (« bénévoles », « t CO₂ »)."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicateur"), max_length=120)
    unit = models.CharField(_("unité"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} ({self.unit})"


class ProgressReport(models.Model):
    """The yearly progress report of a labelled project: a draft until the holder sends it."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="progress_reports"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    status = models.CharField(
        _("état"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    achievements = models.TextField(_("ce qui a été réalisé"), max_length=5000, blank=True)
    difficulties = models.TextField(_("difficultés rencontrées"), max_length=5000, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("rapport annuel d'avancement")
        verbose_name_plural = _("rapports annuels d'avancement")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "year"], name="followup_one_report_per_year"
            )
        ]

    def __str__(self):
        return f"{self.application} — {self.year}"


class IndicatorValue(models.Model):
    """This year's value of one indicator in a report: a number, never text."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="followup_one_value_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class ReportPhoto(models.Model):
    """A photo of a report, resized, with its text alternative and the consent to publish it."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=report_photo_upload_to, max_length=200)
    alt_text = models.CharField(_("texte alternatif"), max_length=250)
    consent = models.BooleanField(
        _("les personnes visibles ont consenti à la diffusion de la photo"), default=False
    )
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo du rapport")
        verbose_name_plural = _("photos du rapport")
        ordering = ["pk"]

    def __str__(self):
        return self.alt_text


class ReportReminder(models.Model):
    """A reminder mail sent for one year's report: kept so that each is sent once only."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10)  # "month" or "week"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "year", "kind"], name="followup_one_reminder_each"
            )
        ]

    def __str__(self):
        return f"{self.application_id} {self.year} {self.kind}"


def news_photo_upload_to(instance, filename):
    """A random name; the photo is served through a view once the news is approved."""
    return f"private/followup-news/{secrets.token_hex(16)}.jpg"


class ProjectNews(models.Model):
    """A short update of a labelled project, published on its public page once staff approve."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="news"
    )
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("texte"), max_length=2000)
    image = models.ImageField(
        _("photo"), upload_to=news_photo_upload_to, blank=True, max_length=200
    )
    image_alt = models.CharField(_("texte alternatif de la photo"), max_length=250, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=NewsStatus.choices, default=NewsStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("actualité du projet")
        verbose_name_plural = _("actualités des projets")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title
