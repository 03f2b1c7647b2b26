"""Reminders to owners of unsubmitted drafts, 7 days and 1 day before the wave closes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from applications import services
from applications.enums import ApplicationState as S
from applications.models import Application, DraftReminder, ReminderKind
from applications.tasks import task_remind_draft_owners
from label.models import OutboxMail
from tests.factories import ApplicationFactory, UserFactory, WaveFactory

PARIS = ZoneInfo("Europe/Paris")
OPENS = datetime(2026, 3, 11, 9, 0, tzinfo=PARIS)
CLOSES = datetime(2026, 5, 31, 23, 59, tzinfo=PARIS)


@pytest.fixture
def wave(db):
    return WaveFactory(number=12, opens_at=OPENS, closes_at=CLOSES)


def _reminders(application):
    return set(DraftReminder.objects.filter(application=application).values_list("kind", flat=True))


@pytest.mark.django_db
def test_reminders_seven_days_then_one_day_before_closing_once_each(wave, roles):
    draft = ApplicationFactory(wave=wave, title="Ferme urbaine de Liévin")

    with time_machine.travel(CLOSES - timedelta(days=8)):
        task_remind_draft_owners()
    assert _reminders(draft) == set()

    with time_machine.travel(CLOSES - timedelta(days=6, hours=23)):
        task_remind_draft_owners()
        task_remind_draft_owners()
    assert _reminders(draft) == {ReminderKind.SEVEN_DAYS}
    assert OutboxMail.objects.filter(template="draft_reminder").count() == 1

    with time_machine.travel(CLOSES - timedelta(hours=20)):
        task_remind_draft_owners()
        task_remind_draft_owners()
    assert _reminders(draft) == {ReminderKind.SEVEN_DAYS, ReminderKind.ONE_DAY}
    mails = OutboxMail.objects.filter(template="draft_reminder", recipient=draft.owner)
    assert mails.count() == 2

    with time_machine.travel(CLOSES + timedelta(hours=1)):
        task_remind_draft_owners()
    assert mails.count() == 2


@pytest.mark.django_db
def test_reminder_mail_gives_the_paris_closing_date_and_what_is_missing(wave, roles):
    draft = ApplicationFactory(wave=wave, title="Ferme urbaine de Liévin")

    with time_machine.travel(CLOSES - timedelta(days=3)):
        sent = services.draft_reminders_send()

    assert sent == 1
    mail = OutboxMail.objects.get(template="draft_reminder")
    assert mail.to == draft.owner.email
    assert "31 mai 2026 à 23:59" in mail.body_text
    assert "Ferme urbaine de Liévin" in mail.body_text
    assert "Renseignez « Résumé »." in mail.body_text
    assert f"/mon-espace/candidatures/{draft.pk}/" in mail.body_text


@pytest.mark.django_db
def test_reminder_late_run_sends_only_the_current_window(wave, roles):
    draft = ApplicationFactory(wave=wave)

    with time_machine.travel(CLOSES - timedelta(hours=5)):
        services.draft_reminders_send()

    assert _reminders(draft) == {ReminderKind.ONE_DAY}
    assert OutboxMail.objects.filter(template="draft_reminder").count() == 1


@pytest.mark.django_db
def test_reminders_skip_filed_files_inactive_owners_and_other_waves(wave, roles):
    submitted = ApplicationFactory(wave=wave)
    Application.objects.filter(pk=submitted.pk).update(state=S.SUBMITTED)
    asleep = ApplicationFactory(wave=wave, owner=UserFactory(is_active=False))
    later_wave = WaveFactory(
        number=13, opens_at=CLOSES + timedelta(days=30), closes_at=CLOSES + timedelta(days=90)
    )
    ApplicationFactory(wave=later_wave)
    draft = ApplicationFactory(wave=wave)

    with time_machine.travel(CLOSES - timedelta(days=2)):
        sent = services.draft_reminders_send()

    assert sent == 1
    assert set(DraftReminder.objects.values_list("application_id", flat=True)) == {draft.pk}
    assert not OutboxMail.objects.filter(recipient=asleep.owner).exists()


@pytest.mark.django_db
def test_reminder_already_recorded_by_a_concurrent_run_is_not_mailed_again(wave, roles):
    draft = ApplicationFactory(wave=wave)
    DraftReminder.objects.create(application=draft, kind=ReminderKind.SEVEN_DAYS)

    sent = services._draft_reminder_send(application=draft, kind=ReminderKind.SEVEN_DAYS)

    assert sent == 0
    assert DraftReminder.objects.filter(application=draft).count() == 1
    assert not OutboxMail.objects.exists()


def test_reminder_task_is_scheduled_hourly_by_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["remind-draft-owners"]

    assert entry["task"] == task_remind_draft_owners.name
    assert entry["schedule"] == 3600.0
