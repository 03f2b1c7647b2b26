"""The certificate (certificat de labellisation) of a labelled application, version by version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("En préparation")
    RENDERED = "rendered", _("Disponible")
    FAILED = "failed", _("Échec de la génération")


class CertificateQuerySet(models.QuerySet):
    def current(self):
        """Versions not replaced by a re-issue (one per application)."""
        return self.filter(superseded_at__isnull=True)

    def current_version(self):
        """The version in force among these rows, or None: ``application.certificates``."""
        return self.current().order_by("-version").first()


class Certificate(models.Model):
    """One version of the PDF certificate of a labelled application (Label or Label Espoirs).

    The number (``LE-2026-11-003``) and the verification token belong to the project's
    certificate and are shared by all its versions: a re-issue after a correction creates
    version 2 with the same number and token, so the QR code of a printed version 1 still
    leads to the verification page, which then shows the version in force. Version 1 stays,
    marked superseded, with its file, for the history.
    """

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("candidature"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    number = models.CharField(_("numéro"), max_length=30, db_index=True)
    # Position of the project's certificate within its wave (the last part of the number).
    sequence = models.PositiveSmallIntegerField(_("rang dans la vague"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # At least 128 random bits (secrets.token_urlsafe(32) gives 256): the QR code's secret.
    token = models.CharField(_("jeton de vérification"), max_length=64, db_index=True)
    # The random file name is chosen at issue and kept: a rendering that runs again after a
    # crash overwrites the same file, so one version never has two files.
    file = models.FileField(_("fichier"), upload_to="certificats/", max_length=200)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    rendered_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("remplacé le"), null=True, blank=True)
    reason = models.TextField(_("motif de la réémission"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émis par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("émis le"), auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        db_table = "label_certificate"
        verbose_name = _("certificat")
        verbose_name_plural = _("certificats")
        ordering = ["application", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "version"], name="certificate_unique_version"
            ),
            # Number and token are shared by the versions of one certificate, never between
            # two applications (certificate_issue gives a new application new ones).
            models.UniqueConstraint(
                fields=["number", "version"], name="certificate_unique_number_version"
            ),
            models.UniqueConstraint(
                fields=["token", "version"], name="certificate_unique_token_version"
            ),
        ]

    def __str__(self):
        return _("Certificat %(number)s (version %(version)s)") % {
            "number": self.number,
            "version": self.version,
        }

    @property
    def is_current(self):
        return self.superseded_at is None

    @property
    def is_rendered(self):
        return self.status == CertificateStatus.RENDERED
