"""The second factor, on django-otp: services used by the pages, the admin and the demo.

The devices are django-otp devices (accounts/models.py): ``TOTPDevice`` for an authenticator
application (secret encrypted at rest), ``RecoveryCodeDevice`` for the ten single-use recovery
codes (stored hashed), and django-otp-webauthn's passkeys. django-otp does the arithmetic
(``django_otp.oath``), the replay protection (``last_t``) and the throttling (a device waits
1, 2, 4... seconds after each wrong code in a row).

The session contract read by accounts/middleware.py and label/rules.py is this module's:
``SESSION_VERIFIED_KEY`` once the second factor passed, ``SESSION_PENDING_KEY`` while a
login awaits it. django-otp's own session key (``otp_device_id``) is written too, by
``django_otp.login``, for the packages that read it.
"""

import base64
import secrets
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP

from accounts.models import (
    RecoveryCode,
    RecoveryCodeDevice,
    TOTPDevice,
    normalise_code,
    recovery_code_hash,
)

DIGITS = 6
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 16
_BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"
# django-otp's Device.name is 64 characters long.
PASSKEY_NAME_LENGTH = 64

# Session keys: the second factor was checked in this session, or is still awaited.
SESSION_VERIFIED_KEY = "otp_verified"
SESSION_PENDING_KEY = "otp_pending"

__all__ = ["normalise_code", "recovery_code_hash"]


def base32_secret(device):
    """The device's key as the base32 text authenticator applications read (no padding)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp(secret, at=None):
    """The code of a base32 secret at a moment, now by default (the demo's printed secret)."""
    text = secret.strip().replace(" ", "").upper()
    calculator = TOTP(base64.b32decode(text + "=" * (-len(text) % 8)), STEP_SECONDS, 0, DIGITS, 0)
    if at is not None:
        calculator.time = at
    return f"{calculator.token():0{DIGITS}d}"


def random_secret():
    """A new base32 secret of 160 bits, as RFC 4226 recommends (no padding)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _hex_of_base32(secret):
    text = secret.strip().replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8)).hex()


def device_code(device, at=None):
    """The code a device's application shows at a moment (tests and the demo use it)."""
    return f"{device.totp(at).token():0{device.digits}d}"


def provisioning_uri(device, *, account, issuer):
    """The ``otpauth://totp/...`` URI that authenticator applications read from a QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": base32_secret(device),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def qr_code_svg(uri, *, title):
    """The QR code of a URI as inline SVG markup (no script, no style attribute: CSP-safe)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, title=title)


def grouped_secret(secret):
    """The secret in groups of four characters, for typing it by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def looks_like_recovery_code(code):
    """Is this typed text shaped like a recovery code (rather than a 6-digit code)?"""
    return len(normalise_code(code)) == RECOVERY_CODE_LENGTH


def _random_recovery_code():
    raw = "".join(secrets.choice(_BASE32_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[index : index + 4] for index in range(0, RECOVERY_CODE_LENGTH, 4))


# --- Devices -------------------------------------------------------------------------------


def device_get_confirmed(user):
    """The account's confirmed authenticator application (TOTP device), or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user):
    """Has the account a confirmed way to pass the second factor (application or passkey)?"""
    if device_get_confirmed(user) is not None:
        return True
    return _webauthn_installed() and passkeys_of(user).exists()


def passkeys_of(user):
    """The account's confirmed passkeys (django-otp-webauthn credentials)."""
    from django_otp_webauthn.utils import get_credential_model

    return get_credential_model().objects.filter(user=user, confirmed=True)


def device_start_enrolment(*, user):
    """The unconfirmed device of an enrolment in progress (a new secret if none)."""
    if device_get_confirmed(user) is not None:
        raise ValueError("This account already has a confirmed device.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def device_enrol(*, user, secret, confirmed=True):
    """Give an account an application with a known base32 secret (the demo's, tests').

    The pages never call it: there the secret is drawn by the device and confirmed by a
    first code (``device_start_enrolment``, ``device_confirm``).
    """
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, key=_hex_of_base32(secret), confirmed=confirmed
    )


@transaction.atomic
def device_confirm(*, user, code, at=None):
    """Confirm the enrolment with a first valid code; return the new recovery codes or None.

    Effects, in order: lock the device; check the code (django-otp, throttled); mark it
    confirmed; replace the recovery codes by ten new ones (returned in clear, shown once).
    """
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk")
    ).first()
    if device is None or not device.verify_token(code, at=at):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=user)


@transaction.atomic
def device_verify(*, user, code, at=None):
    """Check a code of the account's application; True once, False for a reused code.

    The row is locked so that two requests with the same code cannot both pass.
    """
    device = device_locked(user)
    if device is None:
        return False
    return device.verify_token(code, at=at)


def device_locked(user):
    """The account's confirmed application, locked for the transaction, or None."""
    return (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=True)
        .order_by("pk")
        .first()
    )


def device_throttled(user):
    """Is the account's application waiting after wrong codes? (django-otp's throttling)"""
    device = device_get_confirmed(user)
    return device is not None and not device.verify_is_allowed()[0]


@transaction.atomic
def recovery_codes_renew(*, user):
    """Replace the account's recovery codes by ten new ones; return them in clear."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_random_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=recovery_code_hash(code)) for code in codes
    )
    return codes


def recovery_device_of(user):
    """The account's recovery-code device, or None."""
    return RecoveryCodeDevice.objects.filter(user=user).order_by("pk").first()


@transaction.atomic
def recovery_code_use(*, user, code):
    """Spend one unused recovery code of the account; True if it was valid."""
    if not looks_like_recovery_code(code):
        return False
    device = RecoveryCodeDevice.objects.select_for_update().filter(user=user).first()
    return device is not None and device.verify_token(code)


def recovery_codes_left(user):
    """How many recovery codes of the account are still unused."""
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


@transaction.atomic
def device_remove(*, user):
    """Turn two-factor authentication off for an account: devices, passkeys and codes deleted."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += passkeys_of(user).delete()[0] if _webauthn_installed() else 0
    RecoveryCodeDevice.objects.filter(user=user).delete()
    return removed > 0


def passkey_of(user, pk):
    """One confirmed passkey of the account by its id, or None (never another account's)."""
    return passkeys_of(user).filter(pk=pk).first()


def passkey_removal_refused(user, passkey):
    """Would removing this passkey leave a role that requires a second factor without one?

    Recovery codes do not count: they are a way back in, not a factor of their own.
    """
    if not otp_required_for(user):
        return False
    if device_get_confirmed(user) is not None:
        return False
    return not passkeys_of(user).exclude(pk=passkey.pk).exists()


@transaction.atomic
def passkey_remove(*, user, passkey):
    """Remove one passkey of the account; True if the account has no factor left after it.

    The caller checks ``passkey_removal_refused`` first. An account left without any factor
    loses its recovery codes too (they would be a second factor guarding nothing).
    """
    passkeys_of(user).filter(pk=passkey.pk).delete()
    if has_second_factor(user):
        return False
    RecoveryCodeDevice.objects.filter(user=user).delete()
    return True


def passkey_rename(*, user, passkey, name):
    """Give one passkey of the account a name of the user's choice (shown in the list)."""
    passkeys_of(user).filter(pk=passkey.pk).update(name=name.strip()[:PASSKEY_NAME_LENGTH])


def passkey_default_name(user):
    """A name for a new passkey, until its owner chooses one: « Clé d'accès n° N »."""
    from django.utils.translation import gettext

    return gettext("Clé d'accès n° %(number)d") % {"number": passkeys_of(user).count()}


def _webauthn_installed():
    from django.apps import apps

    return apps.is_installed("django_otp_webauthn")


def otp_required_for(user):
    """Must this account use a second factor? Staff and jury, and admin-site users.

    Instruction and jury see every file and decide on them; /gestion/ changes anything.
    Reviewers and applicants may turn it on from their profile.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(set(settings.OTP_REQUIRED_ROLES) & user.role_names)


def session_mark_verified(session):
    """Record in a session that its user passed the second factor (or has none to pass)."""
    session[SESSION_VERIFIED_KEY] = True
    session.pop(SESSION_PENDING_KEY, None)
