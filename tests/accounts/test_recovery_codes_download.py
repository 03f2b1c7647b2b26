"""The recovery codes just generated: one per line on the page, and a text download kept
sealed in the session for a few minutes (issue 11, defect 12)."""

import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts import otp
from accounts.models import TOTPDevice
from tests.conftest import login

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}")
DOWNLOAD = reverse("accounts:otp_recovery_codes_download")


def _enrol(client, user):
    login(client, user, otp_verified=False)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    return client.post(reverse("accounts:otp_setup"), {"code": otp.device_code(device)})


def test_codes_page_lists_one_code_per_item_and_offers_the_download(client, applicant):
    page = _enrol(client, applicant).content.decode()

    items = re.findall(r"<li><code>([^<]+)</code></li>", page)
    assert len(items) == 10 and all(CODE.fullmatch(item) for item in items)
    assert f'href="{DOWNLOAD}"' in page


def test_download_gives_the_codes_just_shown_as_text(client, applicant):
    shown = CODE.findall(_enrol(client, applicant).content.decode())

    response = client.get(DOWNLOAD)

    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert [line for line in lines if CODE.fullmatch(line)] == list(dict.fromkeys(shown))
    assert applicant.email in lines[0]


def test_codes_are_never_in_clear_in_the_session_table(client, applicant):
    shown = CODE.findall(_enrol(client, applicant).content.decode())

    stored = " ".join(
        str(session.get_decoded()) + session.session_data for session in Session.objects.all()
    )

    assert shown and not any(code in stored for code in shown)
    assert not any(code.replace("-", "") in stored for code in shown)


def test_download_expires_after_ten_minutes(client, applicant):
    _enrol(client, applicant)

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        late = client.get(DOWNLOAD)

    assert late.status_code == 404 and not CODE.search(late.content.decode())
