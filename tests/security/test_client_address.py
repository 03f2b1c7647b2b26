"""The client address behind the reverse proxy (issue 17, finding 1).

Every request here reaches the portal from the proxy's address (REMOTE_ADDR 10.0.0.2), as in
docs/deployment.md; the client is told only by X-Forwarded-For. With one trusted proxy two
clients are counted apart by the rate limits, django-axes and the audit trail; with none, a
forged header is not believed.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from label.audit import audit_record
from label.client import client_ip
from label.models import AuditAction, AuditEvent
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ALICE = "203.0.113.5"
BOB = "198.51.100.7"
WINDOW_START = datetime(2026, 11, 26, 9, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock_inside_one_window():
    with time_machine.travel(WINDOW_START, tick=False):
        yield


def through_proxy(forwarded_for):
    """A browser whose requests reach the portal through the proxy, with this header."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def _request(forwarded_for=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_with_one_proxy_is_the_last_forwarded_address():
    assert client_ip(_request(ALICE)) == ALICE
    # What the client wrote itself sits left of what the proxy appended: not believed.
    assert client_ip(_request(f"6.6.6.6, {ALICE}")) == ALICE
    # No header: the request did not come through the proxy.
    assert client_ip(_request()) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_client_ip_with_two_proxies_is_the_second_from_the_right():
    assert client_ip(_request(f"6.6.6.6, {ALICE}, 10.0.0.9")) == ALICE


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_client_ip_without_trusted_proxy_ignores_a_forged_header():
    assert client_ip(_request(ALICE, remote=BOB)) == BOB
    assert client_ip(_request("not an address", remote="also bad")) is None


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_login_rate_limit_counts_two_clients_behind_the_proxy_apart(applicant):
    alice = through_proxy(ALICE)
    for number in range(100):
        alice.post(
            reverse("accounts:login"), {"username": f"inconnu{number}@example.org", "password": "x"}
        )
    assert alice.post(reverse("accounts:login"), {"username": "x@example.org"}).status_code == 429

    bob = through_proxy(BOB)
    response = bob.post(
        reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert int(bob.session["_auth_user_id"]) == applicant.pk


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_axes_locks_the_attacker_not_the_owner_behind_the_proxy(applicant):
    attacker = through_proxy(ALICE)
    for _attempt in range(5):
        attacker.post(reverse("accounts:login"), {"username": applicant.email, "password": "bad"})
    locked = attacker.post(
        reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in attacker.session
    attempt = AccessAttempt.objects.get(username=applicant.email)
    assert attempt.ip_address == ALICE

    owner = through_proxy(BOB)
    response = owner.post(
        reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
    )

    assert int(owner.session["_auth_user_id"]) == applicant.pk
    assert response.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_forged_header_does_not_buy_attempts_without_a_trusted_proxy(applicant):
    for number in range(5):
        # Each attempt claims another address; the portal sees only the proxy.
        through_proxy(f"192.0.2.{number}").post(
            reverse("accounts:login"), {"username": applicant.email, "password": "bad"}
        )

    browser = through_proxy("192.0.2.200")
    locked = browser.post(
        reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
    )

    assert locked.status_code == 429
    assert "_auth_user_id" not in browser.session
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_audit_trail_records_the_client_not_the_proxy(applicant):
    request = _request(f"6.6.6.6, {ALICE}")
    request.user = applicant

    audit_record(action=AuditAction.VIEW, request=request, name="test")

    assert AuditEvent.objects.get(name="test").ip_address == ALICE
