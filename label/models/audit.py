"""The audit trail: who read which file or document, and what staff did. Append-only.

Rows are written by label/audit.py (the middleware, the login signals, the privacy and
2FA pages). Nothing in the code updates or deletes them: `save()` refuses an update,
`delete()` refuses, the queryset's `update()`/`delete()` refuse, the admin is read-only,
and on PostgreSQL a trigger refuses UPDATE (migration 0008). The one way out is the
retention purge of rows older than RETENTION_AUDIT_MONTHS (`purge_before`), because a log
of personal data is itself kept for a limited time (CNIL: 6 months to 1 year).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    DOWNLOAD = "download", _("Téléchargement")
    EXPORT = "export", _("Export")
    STAFF_ACTION = "staff_action", _("Action (formulaire envoyé)")
    LOGIN = "login", _("Connexion")
    LOGOUT = "logout", _("Déconnexion")
    OTP_ENABLED = "otp_enabled", _("Double authentification activée")
    OTP_DISABLED = "otp_disabled", _("Double authentification désactivée")
    OTP_VERIFIED = "otp_verified", _("Second facteur vérifié")
    OTP_FAILED = "otp_failed", _("Second facteur refusé")
    RECOVERY_CODE_USED = "recovery_code_used", _("Code de secours utilisé")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Codes de secours renouvelés")
    DATA_EXPORT = "data_export", _("Téléchargement de ses données")
    ACCOUNT_DELETED = "account_deleted", _("Suppression de son compte")


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted; see purge_before().")

    def purge_before(self, moment):
        """Delete the events older than `moment` (retention only); return how many."""
        expired = AuditEvent.objects.filter(created_at__lt=moment)
        # _raw_delete: one DELETE without loading the rows nor calling the refusing delete().
        return expired._raw_delete(expired.db)


class AuditEvent(models.Model):
    """One audited access or action: who, what, on which object and file, from where, when."""

    # No database constraint and nothing done on deletion: an event keeps the number of an
    # account deleted since (its e-mail and name are gone with it), and is never rewritten.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    # The page or form, as its URL name (applications:instruction_detail) and method.
    name = models.CharField(_("page ou formulaire"), max_length=120, blank=True)
    object_type = models.CharField(_("type d'objet"), max_length=50, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    application_id = models.PositiveBigIntegerField(_("n° de candidature"), null=True, blank=True)
    application_reference = models.CharField(
        _("référence du dossier"), max_length=20, blank=True, db_index=True
    )
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=300, blank=True)
    status_code = models.PositiveSmallIntegerField(_("code de réponse"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    extra = models.JSONField(_("détails"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["application_id", "created_at"], name="audit_application_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.name} ({self.created_at:%d/%m/%Y %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
