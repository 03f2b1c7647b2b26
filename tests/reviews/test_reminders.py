"""Reminders to reviewers with a pending review: 3 days before the due date and on it, once."""

from datetime import date, timedelta

import pytest
import time_machine

from label.models import OutboxMail
from reviews.assignment import services
from reviews.tasks import task_remind_reviewers
from tests.factories import AssignmentFactory
from tests.factories.reviews import review_with_scores

pytestmark = pytest.mark.django_db

DUE = date(2026, 6, 20)


def _reminders(reviewer):
    return list(
        OutboxMail.objects.filter(recipient=reviewer, subject__contains="valuation attendue")
        .order_by("pk")
        .values_list("subject", flat=True)
    )


@pytest.fixture
def pending(file_in_review, reviewer):
    return AssignmentFactory(application=file_in_review, reviewer=reviewer, due_on=DUE)


def test_reminders_go_three_days_before_and_on_the_due_date_once_each(pending, reviewer):
    sent = {}
    for day in range(10, 25):
        today = date(2026, 6, day)
        sent[today] = services.review_reminders_send(today=today)
        services.review_reminders_send(today=today)  # a second run the same day sends nothing

    assert {day: count for day, count in sent.items() if count} == {
        date(2026, 6, 17): 1,
        DUE: 1,
    }
    subjects = _reminders(reviewer)
    assert len(subjects) == 2
    assert "20 juin 2026" in subjects[0]
    assert "aujourd'hui" in subjects[1]


def test_a_missed_run_is_caught_up_before_the_due_date(pending, reviewer):
    assert services.review_reminders_send(today=date(2026, 6, 19)) == 1
    assert services.review_reminders_send(today=date(2026, 6, 19)) == 0

    pending.refresh_from_db()
    assert pending.reminder_before_sent_at is not None
    assert pending.reminder_due_sent_at is None


def test_no_reminder_for_a_submitted_review_or_a_declared_conflict(
    file_in_review, make_reviewer, wave
):
    done = AssignmentFactory(application=file_in_review, due_on=DUE)
    review_with_scores(done, 3)
    conflicted = AssignmentFactory(application=file_in_review, due_on=DUE, conflicted=True)

    assert services.review_reminders_send(today=DUE - timedelta(days=3)) == 0
    assert services.review_reminders_send(today=DUE) == 0
    assert not _reminders(done.reviewer) and not _reminders(conflicted.reviewer)


def test_a_draft_review_still_gets_reminded(pending, reviewer):
    review_with_scores(pending, 2, submitted=False)

    assert services.review_reminders_send(today=DUE) == 1


def test_the_periodic_task_uses_the_paris_date(pending, reviewer):
    # 22:30 UTC on 16 June is already 17 June in Paris: three days before the due date.
    with time_machine.travel("2026-06-16 22:30:00+00:00", tick=False):
        task_remind_reviewers.delay()

    assert len(_reminders(reviewer)) == 1


def test_the_task_is_in_the_beat_schedule(settings):
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "reviews.remind_reviewers" in entries
