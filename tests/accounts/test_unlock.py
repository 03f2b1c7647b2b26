"""The mailed unlock link of a login locked by django-axes (issue 17, finding 1)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from label.models import OutboxMail
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _lock(client, user):
    for _attempt in range(5):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "mauvais"})
    return client.post(reverse("accounts:login"), {"username": user.email, "password": "x"})


def _unlock_path(row):
    match = re.search(re.escape(settings.SITE_URL) + r"(/comptes/debloquer/\S+/)", row.body_text)
    assert match, row.body_text
    return match.group(1)


def _request_link(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:unlock_request"), {"email": email})


def test_lockout_page_offers_the_unlock_link_for_the_typed_address(client, applicant):
    locked = _lock(client, applicant)

    assert locked.status_code == 429
    page = locked.content.decode()
    assert reverse("accounts:unlock_request") in page
    assert f'value="{applicant.email}"' in page
    assert '<label class="form-label" for="id_unlock_email">' in page


def test_owner_unlocks_the_account_with_the_mailed_link(
    client, applicant, django_capture_on_commit_callbacks
):
    _lock(client, applicant)
    assert AccessAttempt.objects.filter(username=applicant.email).exists()

    response = _request_link(client, applicant.email.upper(), django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("accounts:login")
    row = OutboxMail.objects.get(template="account_unlock")
    assert (row.to, row.recipient) == (applicant.email, applicant)
    client.get(_unlock_path(row))
    assert not AccessAttempt.objects.filter(username=applicant.email).exists()
    client.post(reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD})
    assert int(client.session["_auth_user_id"]) == applicant.pk


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client, applicant, django_capture_on_commit_callbacks
):
    known = _request_link(client, applicant.email, django_capture_on_commit_callbacks)
    unknown = _request_link(client, "personne@example.org", django_capture_on_commit_callbacks)

    assert known["Location"] == unknown["Location"]
    assert list(OutboxMail.objects.values_list("to", flat=True)) == [applicant.email]


def test_unlock_link_expires_and_a_forged_one_does_nothing(
    client, applicant, django_capture_on_commit_callbacks
):
    _request_link(client, applicant.email, django_capture_on_commit_callbacks)
    path = _unlock_path(OutboxMail.objects.get())
    _lock(Client(), applicant)

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.UNLOCK_LINK_MAX_AGE + 5)):
        client.get(path)
    client.get(path[:-3] + "xx/")

    assert AccessAttempt.objects.filter(username=applicant.email).exists()


def test_unlock_mails_are_spaced_and_the_request_is_rate_limited(
    client, applicant, django_capture_on_commit_callbacks
):
    # The counter's window is an hour: the clock stands still inside one.
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, 5, tzinfo=UTC), tick=False):
        statuses = [
            _request_link(client, applicant.email, django_capture_on_commit_callbacks).status_code
            for _attempt in range(11)
        ]

    assert statuses == [302] * 10 + [429]
    assert OutboxMail.objects.filter(template="account_unlock").count() == 1
