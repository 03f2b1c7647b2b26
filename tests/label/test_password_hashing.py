"""Passwords are hashed with Argon2; older PBKDF2 hashes are upgraded at the next login.

The test settings use a fast hasher for speed, so these tests put the production list of
hashers (config/settings/base.py) back with override_settings.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings
from django.urls import reverse

from config.settings import base
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

real_hashers = override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)


def _with_pbkdf2_hash(user):
    user.password = make_password(DEMO_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    return user


def test_production_hashers_put_argon2_first():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS


@real_hashers
def test_new_password_is_hashed_with_argon2(applicant):
    applicant.set_password(DEMO_PASSWORD)
    applicant.save(update_fields=["password"])

    applicant.refresh_from_db()
    assert applicant.password.startswith("argon2$argon2id$")


@real_hashers
def test_pbkdf2_hash_is_upgraded_to_argon2_at_login(client, applicant):
    _with_pbkdf2_hash(applicant)

    response = client.post(
        reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(applicant.pk)
    applicant.refresh_from_db()
    assert applicant.password.startswith("argon2$argon2id$")
    assert check_password(DEMO_PASSWORD, applicant.password)


@real_hashers
def test_pbkdf2_hash_is_kept_after_a_wrong_password(client, applicant):
    _with_pbkdf2_hash(applicant)

    client.post(
        reverse("accounts:login"), {"username": applicant.email, "password": "pas-le-bon-2026"}
    )

    applicant.refresh_from_db()
    assert applicant.password.startswith("pbkdf2_sha256$")
    assert SESSION_KEY not in client.session
