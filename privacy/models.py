"""The retention of personal data: the runs of the retention task, the warnings it mailed,
and the files it anonymised (privacy/retention.py).

The tables keep the names they had in the label app (``label_retentionrun`` ...).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        db_table = "label_retentionrun"
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
        db_table = "label_retentionwarning"
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
        db_table = "label_applicationanonymisation"
        verbose_name = _("candidature anonymisée")
        verbose_name_plural = _("candidatures anonymisées")

    def __str__(self):
        return str(self.application_id)
