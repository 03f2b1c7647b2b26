"""Secrets of the second factor encrypted at rest, with a key from the environment.

The TOTP key of an authenticator is what proves the second factor: read from a database
dump or a backup, it would let anyone compute the codes. It is therefore stored encrypted
with Fernet (AES-128-CBC and HMAC-SHA256, from ``cryptography``) under
``settings.OTP_ENCRYPTION_KEY``, which never lives in the database.

``OTP_ENCRYPTION_KEY`` holds one Fernet key or several separated by commas: the first
encrypts, all of them decrypt. A key is rotated by putting the new one first: each secret
is encrypted again under it on its device's next save (every accepted code saves the
device), and the old key is dropped once no row needs it. A key is made with
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = ["EncryptedTextField", "InvalidToken", "decrypt", "encrypt"]


def _keys():
    raw = getattr(settings, "OTP_ENCRYPTION_KEY", "") or ""
    return [key.strip() for key in raw.split(",") if key.strip()]


def _cipher():
    keys = _keys()
    if not keys:
        raise ImproperlyConfigured(
            "OTP_ENCRYPTION_KEY is not set: the secrets of the second factor cannot be read "
            "or written."
        )
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def encrypt(text):
    """The Fernet token (text) of a secret, under the first key of OTP_ENCRYPTION_KEY."""
    return _cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token):
    """The secret of a Fernet token, tried against every key of OTP_ENCRYPTION_KEY."""
    return _cipher().decrypt(token.encode("ascii")).decode("utf-8")


class EncryptedTextField(models.TextField):
    """A text field whose value is encrypted in the database and clear in Python.

    Lookups on it compare ciphertexts, which never match: it is a field to store and read,
    not to search.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
