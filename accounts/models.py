"""The second factor of an account, as django-otp devices.

- ``TOTPDevice``: an authenticator application (TOTP, RFC 6238). django-otp's own
  ``otp_totp.TOTPDevice`` stores its key in clear in an 80-character column; this one has the
  same fields and arithmetic (``django_otp.oath.TOTP``) but keeps the key encrypted at rest
  (accounts/crypto.py), so it is a device of its own.
- ``RecoveryCodeDevice`` and its ``RecoveryCode`` rows: the single-use recovery codes.
  django-otp's ``otp_static.StaticToken`` stores its tokens in clear, and the codes issued
  before django-otp exist only as SHA-256 hashes: this device keeps hashes, so the codes
  people already printed keep working and a database dump reveals none.
- Passkeys are ``django_otp_webauthn.WebAuthnCredential`` devices (public keys only).

All three are django-otp devices: ``django_otp.devices_for_user`` lists them, and
``django_otp.login`` records the one that passed in the session.
"""

import hashlib
import time
from binascii import unhexlify

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from accounts.crypto import EncryptedTextField


def default_key():
    """A new TOTP key: 20 random bytes (160 bits, as RFC 4226 recommends), in hex."""
    return random_hex(20)


def normalise_code(code):
    """A typed code without its spaces and dashes."""
    return "".join(str(code or "").split()).replace("-", "")


def recovery_code_hash(code):
    """The stored form of a recovery code: SHA-256 of its letters, dashes and case ignored.

    The codes carry 80 random bits, so a plain hash is enough (a slow password hash would
    make checking them slow for nothing).
    """
    return hashlib.sha256(normalise_code(code).upper().encode()).hexdigest()


class TOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """The authenticator application of an account; its key is encrypted in the database.

    A device is used for login only once ``confirmed`` by a first valid code. ``last_t`` is
    the last 30-second step accepted: a code of that step or an earlier one is refused, so a
    code read over someone's shoulder cannot be used a second time.
    """

    key = EncryptedTextField(_("clé (chiffrée)"), default=default_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    # Codes of the previous and next step are accepted: a phone up to 30 seconds off.
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("application d'authentification")
        verbose_name_plural = _("applications d'authentification")

    @property
    def bin_key(self):
        return unhexlify(self.key.encode())

    def get_throttle_factor(self):
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def totp(self, at=None):
        """The TOTP calculator of this device at a moment (now by default)."""
        calculator = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        calculator.time = time.time() if at is None else at
        return calculator

    def verify_token(self, token, *, at=None):
        """True once for a current code; the step is remembered, failures throttle."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        token = normalise_code(token)
        if not (token.isdigit() and len(token) == self.digits):
            self.throttle_increment(commit=True)
            return False
        calculator = self.totp(at)
        if calculator.verify(int(token), self.tolerance, self.last_t + 1):
            self.last_t = calculator.t()
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """The recovery codes of an account, as one django-otp device; the codes are hashed."""

    class Meta(Device.Meta):
        verbose_name = _("codes de secours")
        verbose_name_plural = _("codes de secours")

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    @transaction.atomic
    def verify_token(self, token):
        """Spend one unused code of this device; True if it was valid."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        spent = self.codes.filter(code_hash=recovery_code_hash(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if spent == 1:
            self.throttle_reset(commit=True)
            return True
        self.throttle_increment(commit=True)
        return False


class RecoveryCode(models.Model):
    """A single-use recovery code, for when the authenticator is lost; stored hashed."""

    device = models.ForeignKey(
        RecoveryCodeDevice,
        verbose_name=_("codes de secours"),
        on_delete=models.CASCADE,
        related_name="codes",
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")
        indexes = [models.Index(fields=["device", "code_hash"], name="recovery_code_device_idx")]

    def __str__(self):
        return f"{self.device.user} ({self.created_at:%d/%m/%Y})"
