"""Rate limits: login (per address, and django-axes per e-mail), sign-up, password reset,
certificate verification, expression of interest, the second factor and account deletion.
Past the limit the answer is the French 429 page with Retry-After, and nothing is done."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts import otp
from accounts.otp import SESSION_VERIFIED_KEY
from applications.models import ExpressionOfInterest
from label.models import OutboxMail, User
from tests.conftest import DEMO_PASSWORD, login

pytestmark = pytest.mark.django_db

# The limits count in fixed windows (a minute, an hour): the clock stands still a few
# seconds after the start of an hour, so that no test straddles two windows.
WINDOW_START = datetime(2026, 11, 26, 9, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock_inside_one_window():
    with time_machine.travel(WINDOW_START, tick=False):
        yield


def _assert_throttled(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop de" in response.content.decode() or "trop" in response.content.decode().lower()


def test_login_is_throttled_per_address_across_many_emails(client, applicant):
    for number in range(100):
        response = client.post(
            reverse("accounts:login"), {"username": f"inconnu{number}@example.org", "password": "x"}
        )
        assert response.status_code == 200

    blocked = client.post(
        reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
    )

    _assert_throttled(blocked)
    assert "_auth_user_id" not in client.session
    # Another address is not blocked.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert (
        other.post(
            reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )


def test_login_locks_an_email_after_five_failures_even_with_the_right_password(client, applicant):
    for _attempt in range(5):
        client.post(reverse("accounts:login"), {"username": applicant.email, "password": "mauvais"})

    response = client.post(
        reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_up_is_throttled_per_address(client, roles):
    def sign_up(number):
        return client.post(
            reverse("accounts:signup"),
            {
                "full_name": f"Personne {number}",
                "email": f"nouvelle{number}@example.org",
                "password1": "un-mot-de-passe-solide-2026",
                "password2": "un-mot-de-passe-solide-2026",
            },
        )

    for number in range(10):
        assert sign_up(number).status_code == 302

    _assert_throttled(sign_up(10))
    assert not User.objects.filter(email="nouvelle10@example.org").exists()
    assert User.objects.filter(email__startswith="nouvelle").count() == 10


def test_password_reset_is_throttled_per_email(client, applicant):
    for _attempt in range(3):
        assert (
            client.post(reverse("accounts:password_reset"), {"email": applicant.email}).status_code
            == 302
        )

    blocked = client.post(reverse("accounts:password_reset"), {"email": applicant.email.upper()})

    _assert_throttled(blocked)
    assert OutboxMail.objects.filter(template="password_reset").count() == 3


def test_password_reset_is_throttled_per_address(client, roles):
    for number in range(10):
        client.post(reverse("accounts:password_reset"), {"email": f"x{number}@example.org"})

    _assert_throttled(client.post(reverse("accounts:password_reset"), {"email": "y@example.org"}))


def test_certificate_verification_is_throttled(client, db):
    url = reverse("certificates:verify", kwargs={"token": "jeton-inconnu"})
    for _attempt in range(30):
        assert client.get(url).status_code == 404

    _assert_throttled(client.get(url))


def test_expression_of_interest_is_throttled(client, db):
    for number in range(5):
        client.post(reverse("applications:call"), {"email": f"interet{number}@example.org"})

    response = client.post(reverse("applications:call"), {"email": "interet-de-trop@example.org"})

    assert response.status_code == 429
    assert ExpressionOfInterest.objects.count() == 5


def test_second_factor_attempts_are_throttled_per_account(applicant):
    secret = otp.random_secret()
    otp.device_enrol(user=applicant, secret=secret)
    wrong = f"{(int(otp.totp(secret)) + 500_000) % 1_000_000:06d}"
    attempts = 0
    # Each session gets five tries before it is closed; the account gets 15 an hour.
    while attempts < 15:
        client = Client()
        client.post(
            reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
        )
        for _try in range(min(4, 15 - attempts)):
            client.post(reverse("accounts:otp_verify"), {"code": wrong})
            attempts += 1

    response = client.post(reverse("accounts:otp_verify"), {"code": otp.totp(secret)})

    _assert_throttled(response)
    assert not client.session.get(SESSION_VERIFIED_KEY)


def test_account_deletion_attempts_are_throttled(client, applicant):
    login(client, applicant)
    for _attempt in range(5):
        client.post(reverse("privacy:delete"), {"password": "mauvais", "confirm": "on"})

    response = client.post(reverse("privacy:delete"), {"password": DEMO_PASSWORD, "confirm": "on"})

    _assert_throttled(response)
    assert User.objects.get(pk=applicant.pk).is_active


def test_limits_can_be_turned_off_for_a_load_test(client, roles, settings):
    settings.RATELIMIT_ENABLED = False

    for number in range(12):
        client.post(
            reverse("accounts:signup"),
            {
                "full_name": f"Charge {number}",
                "email": f"charge{number}@example.org",
                "password1": "un-mot-de-passe-solide-2026",
                "password2": "un-mot-de-passe-solide-2026",
            },
        )

    assert User.objects.filter(email__startswith="charge").count() == 12
