"""Recovery codes kept in the session for a few minutes, sealed: the session table never holds
them in clear (issue 11, defect 12: the codes just generated may be downloaded as text).

The seal is a keystream of HMAC-SHA256 blocks (counter mode) under a key derived from
SECRET_KEY and a random nonce, then a signature: standard library only, since the project
carries no cryptography package. Someone who reads the session table without the settings'
secret learns nothing of the codes.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.core import signing

SESSION_KEY = "otp_recovery_codes_sealed"
LIFETIME_SECONDS = 10 * 60
_SALT = "accounts.sealed.recovery-codes"


def _keystream(nonce, length):
    key = hashlib.sha256((_SALT + settings.SECRET_KEY).encode()).digest()
    blocks = []
    for counter in range((length + 31) // 32):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def seal_codes(session, codes):
    """Keep the codes just generated in the session, sealed, for LIFETIME_SECONDS."""
    plain = json.dumps(list(codes)).encode()
    nonce = secrets.token_bytes(16)
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(nonce, len(plain)), strict=True))
    payload = base64.urlsafe_b64encode(nonce + cipher).decode()
    session[SESSION_KEY] = signing.dumps({"p": payload, "t": int(time.time())}, salt=_SALT)


def unseal_codes(session):
    """The codes sealed in the session, or None when absent, tampered with or expired."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if time.time() - data["t"] > LIFETIME_SECONDS:
        session.pop(SESSION_KEY, None)
        return None
    raw = base64.urlsafe_b64decode(data["p"])
    nonce, cipher = raw[:16], raw[16:]
    plain = bytes(a ^ b for a, b in zip(cipher, _keystream(nonce, len(cipher)), strict=True))
    return json.loads(plain)
