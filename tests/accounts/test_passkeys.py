"""Passkeys (django-otp-webauthn) inside the portal's second-factor contract."""

import json

import pytest
from django.urls import reverse

from accounts import otp
from accounts.passkeys import relying_party_id
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _pending_login(client, user):
    otp.device_enrol(user=user, secret=otp.random_secret())
    client.post(reverse("accounts:login"), {"username": user.email, "password": DEMO_PASSWORD})
    assert client.session[otp.SESSION_PENDING_KEY] is True


def test_a_session_awaiting_its_second_factor_may_start_a_passkey_check(client, jury_member):
    _pending_login(client, jury_member)

    response = client.post(
        reverse("otp_webauthn:credential-authentication-begin"),
        data="{}",
        content_type="application/json",
        HTTP_HOST="localhost:8000",
    )

    options = json.loads(response.content)
    assert options["rpId"] == "localhost"
    assert options["challenge"]
    assert client.session["otp_webauthn_authentication_state"]


def test_a_session_awaiting_its_second_factor_cannot_register_a_passkey(client, jury_member):
    _pending_login(client, jury_member)

    response = client.post(
        reverse("otp_webauthn:credential-registration-begin"),
        data="{}",
        content_type="application/json",
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert "otp_webauthn_register_state" not in client.session


def test_the_relying_party_is_the_host_name_without_port(rf):
    assert relying_party_id(rf.get("/", HTTP_HOST="localhost:8123")) == "localhost"
    assert relying_party_id(rf.get("/", HTTP_HOST="testserver")) == "testserver"


def test_the_codes_of_a_first_passkey_are_shown_once(client, jury_member):
    from accounts import sealed
    from accounts.views.otp import SESSION_SHOW_CODES_KEY
    from tests.conftest import login

    login(client, jury_member)
    codes = otp.recovery_codes_renew(user=jury_member)
    session = client.session
    sealed.seal_codes(session, codes)
    session[SESSION_SHOW_CODES_KEY] = True
    session.save()
    url = reverse("accounts:otp_recovery_codes_new") + "?next=/jury/"

    first = client.get(url)
    second = client.get(url)

    assert all(code in first.content.decode() for code in codes)
    assert first["Cache-Control"] == "no-store"
    assert second.status_code == 302 and second["Location"] == "/jury/"


def _passkey_only(user):
    """An account whose only second factor is a passkey (and its recovery codes)."""
    from django_otp_webauthn.utils import get_credential_model

    get_credential_model().objects.create(
        user=user,
        name="Clé de test",
        confirmed=True,
        credential_id=b"credential",
        public_key=b"public-key",
        aaguid="00000000-0000-0000-0000-000000000000",
        credential_id_sha256="0" * 64,
    )
    return otp.recovery_codes_renew(user=user)


def test_a_passkey_only_account_renews_its_recovery_codes_with_its_password(client, jury_member):
    from tests.conftest import login

    old_codes = _passkey_only(jury_member)
    login(client, jury_member)
    page = client.get(reverse("accounts:otp_manage")).content.decode()
    assert 'name="renew-password"' in page

    refused = client.post(reverse("accounts:otp_recovery_codes"), {"renew-password": "faux"})
    assert refused.status_code == 400
    assert otp.recovery_code_use(user=jury_member, code=old_codes[0])

    client.post(reverse("accounts:otp_recovery_codes"), {"renew-password": DEMO_PASSWORD})
    # The old codes stopped working: new ones were made.
    assert not otp.recovery_code_use(user=jury_member, code=old_codes[1])
    assert otp.recovery_codes_left(jury_member) == len(old_codes)


def test_a_passkey_only_applicant_turns_the_second_factor_off_with_the_password(client, applicant):
    from tests.conftest import login

    _passkey_only(applicant)
    login(client, applicant)

    refused = client.post(reverse("accounts:otp_disable"), {"disable-password": "faux"})
    assert refused.status_code == 400
    assert otp.passkeys_of(applicant).exists()

    client.post(reverse("accounts:otp_disable"), {"disable-password": DEMO_PASSWORD})
    assert not otp.passkeys_of(applicant).exists()
    assert otp.recovery_codes_left(applicant) == 0


def test_a_jury_member_cannot_turn_a_passkey_off(client, jury_member):
    from tests.conftest import login

    _passkey_only(jury_member)
    login(client, jury_member)

    response = client.post(reverse("accounts:otp_disable"), {"disable-password": DEMO_PASSWORD})

    assert response.status_code == 403
    assert otp.passkeys_of(jury_member).exists()
