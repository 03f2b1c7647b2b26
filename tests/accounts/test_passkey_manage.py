"""Removing or renaming one passkey at a time (issue 17, passkeys)."""

import pytest
from django.urls import reverse
from django_otp_webauthn.utils import get_credential_model

from accounts import otp
from tests.conftest import DEMO_PASSWORD, login

pytestmark = pytest.mark.django_db


def _passkey(user, name, number):
    return get_credential_model().objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=f"credential-{number}".encode(),
        public_key=b"public-key",
        aaguid="00000000-0000-0000-0000-000000000000",
        credential_id_sha256=f"{number:064d}",
    )


def test_the_list_names_each_passkey_with_its_actions(client, applicant):
    first = _passkey(applicant, "Téléphone personnel", 1)
    _passkey(applicant, "Clé de sécurité", 2)
    login(client, applicant)

    page = client.get(reverse("accounts:otp_manage")).content.decode()

    assert "Téléphone personnel" in page and "Clé de sécurité" in page
    assert "jamais utilisée pour se connecter" in page
    assert reverse("accounts:passkey_delete", args=[first.pk]) in page
    assert reverse("accounts:passkey_rename", args=[first.pk]) in page


def test_one_passkey_is_removed_alone_after_a_confirmation_page(client, jury_member):
    first = _passkey(jury_member, "Téléphone", 1)
    second = _passkey(jury_member, "Clé", 2)
    otp.recovery_codes_renew(user=jury_member)
    login(client, jury_member)
    url = reverse("accounts:passkey_delete", args=[first.pk])

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "accès « Téléphone »</h1>" in confirmation.content.decode()
    assert otp.passkeys_of(jury_member).count() == 2

    wrong = client.post(url, {"password": "faux"})
    assert wrong.status_code == 400
    assert otp.passkeys_of(jury_member).count() == 2

    done = client.post(url, {"password": DEMO_PASSWORD})
    assert done.status_code == 302
    assert list(otp.passkeys_of(jury_member)) == [second]
    assert otp.recovery_codes_left(jury_member) == 10


def test_the_last_factor_of_a_role_that_requires_one_is_not_removed(client, jury_member):
    only = _passkey(jury_member, "Téléphone", 1)
    login(client, jury_member)
    url = reverse("accounts:passkey_delete", args=[only.pk])

    page = client.get(url)
    assert "ne peut pas être supprimée" in page.content.decode()
    assert 'name="password"' not in page.content.decode()

    refused = client.post(url, {"password": DEMO_PASSWORD})
    assert refused.status_code == 403
    assert otp.passkeys_of(jury_member).exists()


def test_a_jury_member_with_an_application_may_remove_the_only_passkey(client, jury_member):
    otp.device_enrol(user=jury_member, secret=otp.random_secret())
    only = _passkey(jury_member, "Téléphone", 1)
    login(client, jury_member)

    client.post(reverse("accounts:passkey_delete", args=[only.pk]), {"password": DEMO_PASSWORD})

    assert not otp.passkeys_of(jury_member).exists()
    assert otp.device_get_confirmed(jury_member) is not None


def test_an_applicant_removing_the_last_passkey_loses_the_recovery_codes(client, applicant):
    only = _passkey(applicant, "Téléphone", 1)
    otp.recovery_codes_renew(user=applicant)
    login(client, applicant)

    client.post(reverse("accounts:passkey_delete", args=[only.pk]), {"password": DEMO_PASSWORD})

    assert not otp.has_second_factor(applicant)
    assert otp.recovery_codes_left(applicant) == 0


def test_another_accounts_passkey_is_not_found(client, applicant, jury_member):
    theirs = _passkey(jury_member, "Téléphone", 1)
    login(client, applicant)

    for name in ("accounts:passkey_delete", "accounts:passkey_rename"):
        url = reverse(name, args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"password": DEMO_PASSWORD, "name": "x"}).status_code == 404
    assert otp.passkeys_of(jury_member).get().name == "Téléphone"


def test_a_passkey_is_renamed(client, applicant):
    passkey = _passkey(applicant, "", 1)
    login(client, applicant)
    url = reverse("accounts:passkey_rename", args=[passkey.pk])

    assert client.post(url, {"name": "  "}).status_code == 400
    assert client.post(url, {"name": "x" * 65}).status_code == 400
    response = client.post(url, {"name": "  Clé de sécurité bleue "})

    assert response.status_code == 302
    passkey.refresh_from_db()
    assert passkey.name == "Clé de sécurité bleue"


def test_the_pages_need_a_login(client, applicant):
    passkey = _passkey(applicant, "Téléphone", 1)

    response = client.post(reverse("accounts:passkey_delete", args=[passkey.pk]))

    assert response.status_code == 302
    assert otp.passkeys_of(applicant).exists()
