"""Passkeys (WebAuthn) as a second factor, with django-otp-webauthn.

A passkey is a fingerprint, a face or a security key: the browser signs a challenge with a
private key that never leaves the device, and the server keeps only the public key
(``django_otp_webauthn.WebAuthnCredential``, a django-otp device). Here a passkey replaces
the 6-digit code after the password; it never replaces the password itself
(``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False``): the login, its rate limits and django-axes
stay one path.
"""


def relying_party_id(request):
    """The WebAuthn relying party id: the site's host name (``localhost`` in tests).

    ALLOWED_HOSTS already vetted the Host header; the id is the host without its port. The
    origins a passkey may be used from are OTP_WEBAUTHN_ALLOWED_ORIGINS (SITE_URL's).
    """
    return request.get_host().rsplit(":", 1)[0]
