"""The embedded default: SQLite, in-process tasks, mail printed to the console."""

import os

from config.settings.base import *  # noqa: F403 -- settings modules extend the base namespace

DEBUG = True
# A fixed key is fine here: local settings never serve the public (production refuses it).
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-only-insecure-key-do-not-use-in-production"
# A fixed development key for the second factor's secrets (base64 of 32 known bytes): fine on
# a laptop, and never the production one (production.py requires its own).
OTP_ENCRYPTION_KEY = (
    os.environ.get("OTP_ENCRYPTION_KEY") or "bGFiZWwtZXVyYWxlbnMtbG9jYWwtZGV2LWtleS0zMmI="
)


def local_site_url(host, port):
    """The address mails and QR codes link to, from the address `make run` serves on.

    A wildcard bind address (0.0.0.0, ::) is not one a browser can open: links use
    127.0.0.1 then. An explicit SITE_URL wins.
    """
    if host in ("", "0.0.0.0", "::", "[::]"):  # noqa: S104 -- a bind address, read here
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


if not os.environ.get("SITE_URL"):
    SITE_URL = local_site_url(os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000"))

# Console mails printed decoded, so that links can be copied from the terminal.
if MAILERS["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend":  # noqa: F405
    MAILERS["default"]["BACKEND"] = "label.mail.ConsoleEmailBackend"  # noqa: F405

# Demo contacts for the public pages (production takes them from its environment).
ACCESSIBILITY_CONTACT_EMAIL = ACCESSIBILITY_CONTACT_EMAIL or "accessibilite@label-euralens.example"  # noqa: F405
DATA_PROTECTION_CONTACT_EMAIL = DATA_PROTECTION_CONTACT_EMAIL or "dpo@label-euralens.example"  # noqa: F405
DATA_PROTECTION_CONTACT_ADDRESS = (
    DATA_PROTECTION_CONTACT_ADDRESS  # noqa: F405
    or "Délégué à la protection des données, Pôle Métropolitain de l'Artois, 62300 Lens"
)
# Demo texts of the legal and privacy notices (production takes them from its environment).
LEGAL_PUBLISHER_DETAILS = LEGAL_PUBLISHER_DETAILS or (  # noqa: F405
    "Siège : Pôle Métropolitain de l'Artois, 62300 Lens (adresse de démonstration). "
    "Directeur de la publication : le président du Pôle Métropolitain de l'Artois."
)
LEGAL_HOST_DETAILS = LEGAL_HOST_DETAILS or "Hébergeur de démonstration : la machine locale."  # noqa: F405
PRIVACY_PROCESSORS = PRIVACY_PROCESSORS or (  # noqa: F405
    "Démonstration : le portail, ses e-mails et ses fichiers restent sur la machine locale."
)
