"""The mail outbox: written with the event, sent on commit, retried with backoff, given up
with the error kept, resent from the admin; a broker outage loses no mail."""

import logging
import smtplib
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from config.celery import app as project_celery_app
from config.celery import make_celery_app
from label import services
from label.enums import OutboxStatus
from label.models import OutboxMail, User
from label.tasks import task_send_outbox_mail, task_sweep_outbox
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SMTP_DOWN = "tests.label.test_outbox.SmtpDownBackend"


class SmtpDownBackend(BaseEmailBackend):
    """The outside world failing: an SMTP server that answers 421 to every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("421 4.3.2 Service not available")


def _enqueue(user=None, to="porteur@example.org"):
    return services.outbox_enqueue(
        to=to,
        template="account_confirm",
        context={"user": user or User(full_name="Paul Porteur"), "link": "https://x.example/l"},
        recipient=user,
    )


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = {"default": {"BACKEND": SMTP_DOWN}}


@pytest.fixture
def unreachable_broker():
    """Celery not eager, its broker a closed port: publishing fails as when Redis is down."""
    broken = make_celery_app("label_euralens_broker_down", set_as_current=False)
    broken.conf.update(
        broker_url="redis://127.0.0.1:1/0",
        task_always_eager=False,
    )
    broken.set_current()
    yield broken
    project_celery_app.set_current()
    broken.close()


# --- Written in the transaction, sent on commit ---------------------------------------------


def test_enqueue_writes_rendered_row_and_sends_only_on_commit(
    applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        row = _enqueue(applicant, to=applicant.email)
        # Inside the transaction the row exists and nothing has left yet.
        assert OutboxMail.objects.filter(pk=row.pk, status=OutboxStatus.PENDING).exists()
        assert mail.outbox == []

    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.subject == "Confirmez votre adresse e-mail — Label Euralens"
    assert f"Bonjour {applicant.full_name}," in row.body_text
    assert 'href="https://x.example/l"' in row.body_html
    sent = mail.outbox[0]
    assert sent.to == [applicant.email]
    assert sent.subject == row.subject
    assert sent.body == row.body_text
    assert sent.alternatives[0].content == row.body_html
    assert sent.alternatives[0].mimetype == "text/html"


def test_rolled_back_transaction_leaves_no_row_and_sends_nothing(
    applicant, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _enqueue(applicant)
        raise RuntimeError("the event that caused the mail failed")

    assert callbacks == []
    assert OutboxMail.objects.count() == 0
    assert mail.outbox == []


def test_rolled_back_sign_up_leaves_no_account_no_row_no_mail(
    roles, monkeypatch, django_capture_on_commit_callbacks
):
    original = services.outbox_enqueue

    def enqueue_then_fail(**kwargs):
        original(**kwargs)
        raise RuntimeError("database trouble after the mail was queued")

    monkeypatch.setattr(account_services, "outbox_enqueue", enqueue_then_fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        account_services.user_sign_up(
            email="annule@example.org", full_name="Anne Nulle", password="solide-et-long-2026"
        )

    assert User.objects.count() == 0
    assert OutboxMail.objects.count() == 0
    assert mail.outbox == []


# --- Broker unreachable at commit time -------------------------------------------------------


def test_broker_down_at_commit_keeps_request_working_and_sweep_sends_later(
    client, roles, unreachable_broker, django_capture_on_commit_callbacks, caplog
):
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="label.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("accounts:signup"),
            {
                "full_name": "Bruno Broker",
                "email": "bruno@example.org",
                "password1": "redis-est-tombe-2026",
                "password2": "redis-est-tombe-2026",
            },
        )
    elapsed = time.monotonic() - started

    # The visitor sees the normal page, quickly: the publish failed fast.
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert elapsed < 10
    user = User.objects.get(email="bruno@example.org")
    row = OutboxMail.objects.get(recipient=user)
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.PENDING, 0, None)
    assert mail.outbox == []
    assert f"Could not queue outbox mail {row.pk}" in caplog.text

    # Later, the periodic sweep finds the row and sends it.
    assert services.outbox_sweep() == 1

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1
    assert [m.to for m in mail.outbox] == [["bruno@example.org"]]


def test_unreachable_broker_fixture_really_fails_to_publish(unreachable_broker):
    with pytest.raises(Exception, match="127.0.0.1:1"):
        task_send_outbox_mail.delay(1)


# --- SMTP failures, backoff, give-up --------------------------------------------------------


def test_smtp_failure_counts_attempt_keeps_error_and_backs_off(smtp_down):
    row = _enqueue()
    before = timezone.now()

    status = services.outbox_send(mail_id=row.pk)

    row.refresh_from_db()
    assert status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert row.last_error == "SMTPServerDisconnected: 421 4.3.2 Service not available"
    assert row.sent_at is None
    assert before + timedelta(minutes=1) <= row.next_attempt_at
    assert row.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    assert mail.outbox == []


def test_backoff_doubles_between_tries(smtp_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 10
    row = _enqueue()
    delays = []
    moment = timezone.now()
    for _ in range(4):
        with time_machine.travel(moment, tick=False):
            services.outbox_send(mail_id=row.pk)
        row.refresh_from_db()
        delays.append(row.next_attempt_at - moment)
        moment = row.next_attempt_at

    assert delays == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]


def test_sweep_skips_mails_not_yet_due(smtp_down, settings):
    row = _enqueue()
    services.outbox_send(mail_id=row.pk)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    assert services.outbox_sweep() == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)

    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1), tick=False):
        assert services.outbox_sweep() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts_with_error_kept(smtp_down, settings, caplog):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = _enqueue()

    with caplog.at_level(logging.ERROR, logger="label.services"):
        for _ in range(settings.OUTBOX_MAX_ATTEMPTS):
            row.refresh_from_db()
            with time_machine.travel(row.next_attempt_at + timedelta(seconds=1), tick=False):
                services.outbox_sweep()

    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == 3
    assert "SMTPServerDisconnected" in row.last_error
    assert f"Gave up outbox mail {row.pk}" in caplog.text

    # A given-up mail is never tried again by the sweep.
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        assert services.outbox_sweep() == 0
    row.refresh_from_db()
    assert row.attempts == 3


def test_send_is_idempotent_for_a_sent_mail():
    row = _enqueue()
    assert services.outbox_send(mail_id=row.pk) == OutboxStatus.SENT

    assert services.outbox_send(mail_id=row.pk) is None

    row.refresh_from_db()
    assert row.attempts == 1
    assert len(mail.outbox) == 1


def test_send_of_unknown_mail_does_nothing():
    assert services.outbox_send(mail_id=987654) is None
    assert mail.outbox == []


def test_sweep_sends_due_mails_oldest_first_within_limit():
    rows = [_enqueue(to=f"p{n}@example.org") for n in range(3)]

    assert services.outbox_sweep(limit=2) == 2

    statuses = [OutboxMail.objects.get(pk=row.pk).status for row in rows]
    assert statuses.count(OutboxStatus.SENT) == 2
    assert services.outbox_sweep() == 1
    assert len(mail.outbox) == 3


# --- Celery tasks (in-process in the test settings) -----------------------------------------


def test_send_task_sends_the_mail():
    row = _enqueue()

    task_send_outbox_mail.delay(row.pk)

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT


def test_sweep_task_sends_pending_mails():
    rows = [_enqueue(to=f"p{n}@example.org") for n in range(2)]

    task_sweep_outbox.delay()

    assert {OutboxMail.objects.get(pk=row.pk).status for row in rows} == {OutboxStatus.SENT}


def test_beat_runs_the_sweep_every_minute():
    schedule = project_celery_app.conf.beat_schedule["outbox-sweep"]
    assert schedule["task"] == task_sweep_outbox.name == "label.sweep_outbox"
    assert schedule["schedule"] == 60.0
    assert "label.sweep_outbox" in project_celery_app.tasks


# --- Admin list and "resend" ----------------------------------------------------------------


@pytest.fixture
def admin_client(client, roles):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login(client, admin)
    return client


def test_admin_resend_puts_failed_rows_back_and_sends_them(
    admin_client, settings, smtp_down, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    failed = _enqueue(to="rate@example.org")
    services.outbox_send(mail_id=failed.pk)
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.FAILED
    untouched = _enqueue(to="autre@example.org")
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:label_outboxmail_changelist"),
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )

    failed.refresh_from_db()
    assert failed.status == OutboxStatus.SENT
    assert failed.attempts == 1
    assert failed.sent_at is not None
    assert [m.to for m in mail.outbox] == [["rate@example.org"]]
    untouched.refresh_from_db()
    assert untouched.status == OutboxStatus.PENDING
    assert "1 e-mail remis en file d&#x27;envoi." in response.content.decode()


def test_admin_resend_without_broker_leaves_rows_pending_for_the_sweep(
    admin_client, unreachable_broker, django_capture_on_commit_callbacks
):
    row = _enqueue()
    OutboxMail.objects.filter(pk=row.pk).update(status=OutboxStatus.FAILED, attempts=6)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:label_outboxmail_changelist"),
            {"action": "resend", "_selected_action": [row.pk]},
        )

    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    assert mail.outbox == []


def test_admin_outbox_list_shows_rows_read_only(admin_client):
    row = _enqueue(to="liste@example.org")

    changelist = admin_client.get(reverse("admin:label_outboxmail_changelist"))
    add = admin_client.get(reverse("admin:label_outboxmail_add"))

    assert "liste@example.org" in changelist.content.decode()
    assert add.status_code == 403
    change = admin_client.post(
        reverse("admin:label_outboxmail_change", args=[row.pk]), {"to": "pirate@example.org"}
    )
    assert change.status_code == 403
    row.refresh_from_db()
    assert row.to == "liste@example.org"


def test_admin_outbox_is_readable_by_instruction_staff(client, instruction_user):
    instruction_user.is_staff = True
    instruction_user.save(update_fields=["is_staff"])
    _enqueue(to="visible@example.org")
    login(client, instruction_user)

    response = client.get(reverse("admin:label_outboxmail_changelist"))

    assert response.status_code == 200
    assert "visible@example.org" in response.content.decode()
