"""Security records of accounts and of the retention of personal data.

- the TOTP device and the recovery codes of an account (label/otp.py does the arithmetic,
  label/views/otp.py the pages);
- the runs of the retention task, the warnings it mailed, and the files it anonymised
  (label/retention.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OTPDevice(models.Model):
    """The authenticator application (TOTP, RFC 6238) of an account: one per account.

    The secret is stored as base32 text. It is as sensitive as a password hash: the database
    and its backups must be protected accordingly (see README, « Sécurité »). A device is
    used for login only once confirmed by a first valid code.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="otp_device",
    )
    secret = models.CharField(_("secret"), max_length=64)
    confirmed_at = models.DateTimeField(_("activé le"), null=True, blank=True)
    # The last 30-second step accepted: a code of this step or an earlier one is refused,
    # so a code read over someone's shoulder cannot be used a second time.
    last_used_step = models.BigIntegerField(null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("application d'authentification")
        verbose_name_plural = _("applications d'authentification")

    def __str__(self):
        return str(self.user)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use recovery code, for when the authenticator is lost; stored hashed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="otp_recovery_codes",
    )
    # SHA-256 of the normalised code: the codes carry 80 random bits, so a plain hash is
    # enough (a slow password hash would make checking ten of them slow for nothing).
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")
        indexes = [models.Index(fields=["user", "code_hash"], name="recovery_code_lookup_idx")]

    def __str__(self):
        return f"{self.user} ({self.created_at:%d/%m/%Y})"


class RetentionRun(models.Model):
    """One run of the retention task, with what it did (dry runs are not recorded)."""

    started_at = models.DateTimeField(_("commencé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    trigger = models.CharField(_("déclenchement"), max_length=20, default="beat")
    drafts_warned = models.PositiveIntegerField(_("brouillons : avertissements"), default=0)
    drafts_deleted = models.PositiveIntegerField(_("brouillons supprimés"), default=0)
    files_anonymised = models.PositiveIntegerField(_("dossiers anonymisés"), default=0)
    accounts_warned = models.PositiveIntegerField(_("comptes : avertissements"), default=0)
    accounts_deleted = models.PositiveIntegerField(_("comptes supprimés"), default=0)
    accounts_anonymised = models.PositiveIntegerField(_("comptes anonymisés"), default=0)
    # Smaller purges: sent mails, expressions of interest, old audit events.
    details = models.JSONField(_("détails"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("passage de la conservation des données")
        verbose_name_plural = _("passages de la conservation des données")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%d/%m/%Y %H:%M}"


class RetentionWarningKind(models.TextChoices):
    DRAFT = "draft", _("Brouillon bientôt supprimé")
    ACCOUNT = "account", _("Compte inactif bientôt supprimé")


class RetentionWarning(models.Model):
    """The record that the owner of a draft or an inactive account was warned before deletion.

    A warning counts only if it is newer than the last change of the draft (or the last
    login of the account): using the draft or the account again starts the clock again.
    """

    kind = models.CharField(_("type"), max_length=10, choices=RetentionWarningKind.choices)
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("brouillon"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    mailed = models.BooleanField(_("e-mail envoyé"), default=True)

    class Meta:
        verbose_name = _("avertissement avant suppression")
        verbose_name_plural = _("avertissements avant suppression")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.sent_at:%d/%m/%Y})"


class ApplicationAnonymisation(models.Model):
    """The record that a closed file was anonymised at the end of its retention period."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="anonymisation",
    )
    anonymised_at = models.DateTimeField(_("anonymisée le"), default=timezone.now)
    run = models.ForeignKey(
        RetentionRun,
        verbose_name=_("passage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("candidature anonymisée")
        verbose_name_plural = _("candidatures anonymisées")

    def __str__(self):
        return str(self.application_id)
