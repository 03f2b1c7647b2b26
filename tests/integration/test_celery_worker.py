"""A real Celery worker on Redis sends outbox mails: queued on commit, or found by the sweep.

These tests need REDIS_URL (CI's PostgreSQL + Redis leg sets it, with REQUIRE_SERVICES=1).
They use real transactions (transaction=True): the worker runs in another thread, with its
own database connection, and only sees committed rows.
"""

import re
import threading
import time

import pytest
from celery.signals import task_prerun
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse

from label import services
from label.enums import OutboxStatus
from label.models import OutboxMail, User
from label.tasks import task_sweep_outbox

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for_status(mail_id, status, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = OutboxMail.objects.get(pk=mail_id)
        if row.status == status:
            return row
        time.sleep(0.1)
    pytest.fail(f"outbox mail {mail_id} still {row.status} after {timeout}s")


@pytest.fixture
def task_threads():
    """The (task name, thread id) of every task the worker starts."""
    seen = []

    def record(sender=None, **kwargs):
        seen.append((sender.name, threading.get_ident()))

    task_prerun.connect(record, weak=False)
    yield seen
    task_prerun.disconnect(record)


def test_outbox_mail_queued_on_commit_is_sent_by_the_worker(celery_worker, task_threads):
    with transaction.atomic():
        row = services.outbox_enqueue(
            to="travailleur@example.org",
            template="account_confirm",
            context={"user": User(full_name="Tom Travailleur"), "link": "https://x.example/l"},
        )
        # Nothing is published before the commit.
        assert task_threads == []

    row = _wait_for_status(row.pk, OutboxStatus.SENT)

    assert row.attempts == 1
    assert row.sent_at is not None
    assert [m.to for m in mail.outbox] == [["travailleur@example.org"]]
    # The mail was sent by the worker's thread, not in-process by the caller.
    assert task_threads[0][0] == "label.send_outbox_mail"
    assert task_threads[0][1] != threading.get_ident()


def test_sign_up_confirmation_mail_sent_by_the_worker_activates_the_account(client, celery_worker):
    services.role_groups_ensure()
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Rita Redis",
            "email": "rita@example.org",
            "password1": "une-file-rapide-2026",
            "password2": "une-file-rapide-2026",
        },
    )
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get(email="rita@example.org")

    row = _wait_for_status(OutboxMail.objects.get(recipient=user).pk, OutboxStatus.SENT)

    link = re.search(
        re.escape(settings.SITE_URL) + r"(/comptes/confirmer/\S+)", mail.outbox[0].body
    )
    assert mail.outbox[0].to == [row.to]
    client.get(link.group(1))
    user.refresh_from_db()
    assert user.is_active is True


def test_sweep_task_run_by_the_worker_sends_pending_mails(celery_worker, task_threads):
    # Rows written without their on-commit publish, as after a broker outage.
    rows = [
        OutboxMail.objects.create(to=f"oublie{n}@example.org", subject="Relance", body_text="…")
        for n in range(2)
    ]

    task_sweep_outbox.delay()

    for row in rows:
        _wait_for_status(row.pk, OutboxStatus.SENT)
    assert sorted(m.to[0] for m in mail.outbox) == ["oublie0@example.org", "oublie1@example.org"]
    assert [name for name, _ in task_threads] == ["label.sweep_outbox"]
