"""System checks of the accounts app: the key that encrypts the second factor's secrets."""

import binascii

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_otp_encryption_key(app_configs=None, **kwargs):
    """OTP_ENCRYPTION_KEY is set and every key in it is a Fernet key.

    Without it no TOTP secret can be written or read: every staff login would fail, so
    ``manage.py check``, ``migrate`` and ``runserver`` stop here first.
    """
    raw = getattr(settings, "OTP_ENCRYPTION_KEY", "") or ""
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        return [
            checks.Error(
                "OTP_ENCRYPTION_KEY is empty: the second factor's secrets cannot be encrypted.",
                hint=(
                    "Set the OTP_ENCRYPTION_KEY environment variable to a key made by "
                    "Fernet.generate_key() (see README, « Sécurité »)."
                ),
                id="accounts.E001",
            )
        ]
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, binascii.Error, UnicodeEncodeError):
            errors.append(
                checks.Error(
                    f"Key number {position} of OTP_ENCRYPTION_KEY is not a Fernet key.",
                    hint="A Fernet key is 32 bytes in URL-safe base64 (44 characters).",
                    id="accounts.E002",
                )
            )
    return errors
