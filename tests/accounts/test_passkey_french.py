"""django-otp-webauthn speaks French to French pages (its server messages and its scripts).

The library ships no French; locale/fr holds French for its English msgids only.
"""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_refused_passkey_request_says_it_in_french(client):
    # Anonymous, the passkey check is refused (a passkey never replaces the password).
    response = client.post(
        reverse("otp_webauthn:credential-authentication-begin"),
        data="{}",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    detail = json.loads(response.content)["detail"]
    assert response.status_code == 403
    assert detail.startswith("La connexion sans mot de passe n'est pas possible")


def test_completing_a_registration_never_begun_says_it_in_french(client, applicant):
    login(client, applicant)

    response = client.post(
        reverse("otp_webauthn:credential-registration-complete"),
        data="{}",
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "Recommencez-la depuis le début" in json.loads(response.content)["detail"]


def test_the_scripts_catalogue_is_french(client):
    response = client.get(reverse("otp_webauthn:js-i18n-catalog"))

    text = response.content.decode()
    assert response.status_code == 200
    # The catalogue escapes non-ASCII characters.
    assert '"Registration successful!": "Cl\\u00e9 d\'acc\\u00e8s ajout\\u00e9e."' in text
    assert '"Verify with Passkey": "Utiliser ma cl' in text


def test_every_msgid_of_the_library_has_french():
    """A new version of the library that adds a message fails here, not in front of users."""
    import re
    from pathlib import Path

    import django_otp_webauthn
    from django.utils.translation.trans_real import DjangoTranslation

    package = Path(django_otp_webauthn.__file__).parent
    scripts = "".join(p.read_text() for p in (package / "static").rglob("*.js"))
    msgids = set(re.findall(r'gettext\("((?:[^"\\]|\\.)*)"\)', scripts))
    assert msgids
    # The catalogue the scripts' view builds (the package's locale, then LOCALE_PATHS).
    french = DjangoTranslation("fr", domain="djangojs", localedirs=[package / "locale"])
    missing = [m for m in msgids if french.gettext(m) == m]
    assert missing == []
    python_messages = set()
    for source in package.glob("*.py"):
        text = source.read_text()
        python_messages |= {
            " ".join(m.split()) for m in re.findall(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', text)
        }
    with translation.override("fr"):
        untranslated = [m for m in python_messages if translation.gettext(m) == m]
    # "AAGUID" and "format" read the same in French.
    assert set(untranslated) <= {"AAGUID", "format", "user"}
