"""Production: every secret and address from the environment; refuses to start without them."""

import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403 -- settings modules extend the base namespace

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

# The TOTP secrets are encrypted with it (accounts/crypto.py); accounts.E001 checks its form.
if not os.environ.get("OTP_ENCRYPTION_KEY", "").strip():
    raise ImproperlyConfigured(
        "OTP_ENCRYPTION_KEY must be set in production: the second factor's secrets are "
        "encrypted with it."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
# Load balancers and monitoring probe /sante/ over plain HTTP behind the proxy.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

# A new dict rather than a change in place: the base module's dict is shared with every
# settings module that imported it.
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@checks.register(checks.Tags.compatibility, deploy=True)
def check_public_contacts(app_configs=None, **kwargs):
    """The public pages' contacts are set: no placeholder may reach the public (issue 11)."""
    from django.conf import settings

    names = (
        "ACCESSIBILITY_CONTACT_EMAIL",
        "DATA_PROTECTION_CONTACT_EMAIL",
        "DATA_PROTECTION_CONTACT_ADDRESS",
        "LEGAL_PUBLISHER_DETAILS",
        "LEGAL_HOST_DETAILS",
        "PRIVACY_PROCESSORS",
    )
    return [
        checks.Error(
            f"{name} is empty: the public pages would show no contact.",
            hint=f"Set the {name} environment variable.",
            id="label.E101",
        )
        for name in names
        if not getattr(settings, name, "").strip()
    ]
