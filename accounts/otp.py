"""Time-based one-time passwords (TOTP, RFC 6238) and recovery codes, with the standard library.

No package is added for this: HOTP (RFC 4226) is an HMAC and a dynamic truncation, TOTP is
HOTP of the current 30-second step. What authenticator applications expect, and what this
module gives: SHA-1, 6 digits, 30-second steps, a base32 secret of 160 bits, the
``otpauth://`` URI in a QR code. Codes of the previous and next step are accepted (clock
drift of the phone), and a step once used is refused afterwards (replay protection): the
device keeps the last step it accepted.

Recovery codes are 16 random base32 characters (80 bits), shown once as
``ABCD-EFGH-IJKL-MNOP`` and stored as SHA-256 hashes; each works once.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import OTPDevice, RecoveryCode

STEP_SECONDS = 30
DIGITS = 6
# Steps accepted around the current one: ±1 (a phone up to 30 seconds off).
TOLERANCE_STEPS = 1
SECRET_BYTES = 20
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 16
_BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

# Session keys: the second factor was checked in this session, or is still awaited.
SESSION_VERIFIED_KEY = "otp_verified"
SESSION_PENDING_KEY = "otp_pending"


def random_secret():
    """A new base32 secret of 160 bits, as RFC 4226 recommends (no padding)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _secret_bytes(secret):
    text = secret.strip().replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def hotp(secret, counter, *, digits=DIGITS, digest=hashlib.sha1):
    """The HOTP value of a counter (RFC 4226 §5.3), as a zero-padded string."""
    key = secret if isinstance(secret, bytes) else _secret_bytes(secret)
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(at=None):
    """The number of the 30-second step of a moment (a Unix time; now by default)."""
    return int((time.time() if at is None else at) // STEP_SECONDS)


def totp(secret, at=None, *, digits=DIGITS, digest=hashlib.sha1):
    """The TOTP value at a moment (RFC 6238 §4)."""
    return hotp(secret, time_step(at), digits=digits, digest=digest)


def normalise_code(code):
    return "".join(str(code or "").split()).replace("-", "")


def match_step(secret, code, *, at=None, last_step=None):
    """The step whose code was typed, within ±1 step of now and after `last_step`; or None.

    Every candidate is compared in constant time, so the answer's timing tells nothing.
    """
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = time_step(at)
    found = None
    for step in range(current - TOLERANCE_STEPS, current + TOLERANCE_STEPS + 1):
        if hmac.compare_digest(hotp(secret, step), code) and found is None:
            found = step
    if found is None or (last_step is not None and found <= last_step):
        return None
    return found


def provisioning_uri(secret, *, account, issuer):
    """The ``otpauth://totp/...`` URI that authenticator applications read from a QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
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


# --- Recovery codes -------------------------------------------------------------------------


def _random_recovery_code():
    raw = "".join(secrets.choice(_BASE32_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[index : index + 4] for index in range(0, RECOVERY_CODE_LENGTH, 4))


def recovery_code_hash(code):
    """The stored form of a recovery code: SHA-256 of its letters, dashes and case ignored."""
    return hashlib.sha256(normalise_code(code).upper().encode()).hexdigest()


def looks_like_recovery_code(code):
    return len(normalise_code(code)) == RECOVERY_CODE_LENGTH


# --- Services on the models -----------------------------------------------------------------


def device_get_confirmed(user):
    """The account's confirmed device, or None."""

    return OTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def device_start_enrolment(*, user):
    """The unconfirmed device of an enrolment in progress (a new secret if none)."""

    device, created = OTPDevice.objects.get_or_create(
        user=user, defaults={"secret": random_secret()}
    )
    if device.is_confirmed:
        raise ValueError("This account already has a confirmed device.")
    return device


@transaction.atomic
def device_confirm(*, user, code, at=None):
    """Confirm the enrolment with a first valid code; return the new recovery codes or None.

    Effects, in order: lock the device; check the code; mark it confirmed with the step
    used; replace the recovery codes by ten new ones (returned in clear, shown once).
    """

    device = OTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.is_confirmed:
        return None
    step = match_step(device.secret, code, at=at)
    if step is None:
        return None
    device.confirmed_at = timezone.now()
    device.last_used_step = step
    device.last_used_at = device.confirmed_at
    device.save(update_fields=["confirmed_at", "last_used_step", "last_used_at"])
    return recovery_codes_renew(user=user)


@transaction.atomic
def device_verify(*, user, code, at=None):
    """Check a code of the account's confirmed device; True once, False for a reused code.

    The row is locked so that two requests with the same code cannot both pass.
    """

    device = (
        OTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None:
        return False
    step = match_step(device.secret, code, at=at, last_step=device.last_used_step)
    if step is None:
        return False
    device.last_used_step = step
    device.last_used_at = timezone.now()
    device.save(update_fields=["last_used_step", "last_used_at"])
    return True


@transaction.atomic
def recovery_codes_renew(*, user):
    """Replace the account's recovery codes by ten new ones; return them in clear."""

    RecoveryCode.objects.filter(user=user).delete()
    codes = [_random_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=recovery_code_hash(code)) for code in codes
    )
    return codes


@transaction.atomic
def recovery_code_use(*, user, code):
    """Spend one unused recovery code of the account; True if it was valid."""

    if not looks_like_recovery_code(code):
        return False
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=recovery_code_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return spent == 1


def recovery_codes_left(user):

    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def device_remove(*, user):
    """Turn two-factor authentication off for an account: device and codes deleted."""

    RecoveryCode.objects.filter(user=user).delete()
    return OTPDevice.objects.filter(user=user).delete()[0] > 0


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
