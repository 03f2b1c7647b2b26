"""The second factor of an account: its TOTP device and its recovery codes.

accounts/otp.py does the arithmetic, accounts/views/otp.py the pages. The tables keep the
names they had in the label app (``label_otpdevice``, ``label_recoverycode``).
"""

from django.conf import settings
from django.db import models
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
        db_table = "label_otpdevice"
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
        db_table = "label_recoverycode"
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")
        indexes = [models.Index(fields=["user", "code_hash"], name="recovery_code_lookup_idx")]

    def __str__(self):
        return f"{self.user} ({self.created_at:%d/%m/%Y})"
