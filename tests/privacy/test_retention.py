"""Retention of personal data: drafts, closed files, inactive accounts, purges, runs."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from applications.enums import ApplicationState as S
from applications.models import Application, ApplicationEvent, ExpressionOfInterest, Message
from label.models import AuditAction, AuditEvent, OutboxMail, User
from privacy import retention
from privacy.models import (
    ApplicationAnonymisation,
    RetentionRun,
    RetentionWarning,
    RetentionWarningKind,
)
from privacy.services import ANONYMISED_EMAIL_DOMAIN
from reviews.models import Score
from tests.factories import AssignmentFactory, UserFactory
from tests.factories.reviews import grid_for, review_with_scores
from tests.privacy.test_privacy import application_in

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 11, 26, 10, 0))


def days_ago(days):
    return NOW - timedelta(days=days)


def touched(application, when):
    Application.objects.filter(pk=application.pk).update(updated_at=when)
    return Application.objects.get(pk=application.pk)


def warned(application, when):
    return RetentionWarning.objects.create(
        kind=RetentionWarningKind.DRAFT, application=application, sent_at=when
    )


def ended(application, when, transition="announce"):
    ApplicationEvent.objects.create(
        application=application, transition=transition, to_state=application.state
    )
    # The whole history is older than the end (the file's last move is its end).
    ApplicationEvent.objects.filter(application=application).update(created_at=when)
    return touched(application, when)


def inactive(user, when):
    User.objects.filter(pk=user.pk).update(last_login=when, date_joined=when - timedelta(days=1))
    return User.objects.get(pk=user.pk)


# --- Calendar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 3, 31, 8), 1, datetime(2026, 2, 28, 8)),
        (datetime(2026, 11, 26), 12, datetime(2025, 11, 26)),
        (datetime(2026, 1, 15), 1, datetime(2025, 12, 15)),
        (datetime(2028, 3, 30), 1, datetime(2028, 2, 29)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert retention.months_before(moment, months) == expected


# --- Drafts ---------------------------------------------------------------------------------


def test_an_old_draft_is_warned_once_by_mail(applicant, open_wave):
    draft = touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(340))

    first = retention.retention_run(now=NOW)
    second = retention.retention_run(now=NOW + timedelta(days=1))

    mails = OutboxMail.objects.filter(template="retention_draft_warning")
    assert first.drafts_warned == 1 and second.drafts_warned == 0
    assert mails.count() == 1 and mails.get().to == applicant.email
    assert "supprimé" in mails.get().body_text
    assert RetentionWarning.objects.get().application == draft
    assert Application.objects.filter(pk=draft.pk).exists()


def test_a_recent_draft_is_left_alone(applicant, open_wave):
    touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(300))

    run = retention.retention_run(now=NOW)

    assert (run.drafts_warned, run.drafts_deleted) == (0, 0)
    assert not RetentionWarning.objects.exists()


def test_an_expired_draft_warned_a_month_ago_is_deleted_with_its_files(
    applicant, open_wave, django_capture_on_commit_callbacks
):
    draft = touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(400))
    warned(draft, days_ago(31))
    stored = draft.attachments.get().file
    storage, name = stored.storage, stored.name

    with django_capture_on_commit_callbacks(execute=True):
        run = retention.retention_run(now=NOW)

    assert run.drafts_deleted == 1
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not storage.exists(name)


def test_an_expired_draft_is_not_deleted_before_its_warning_is_a_month_old(applicant, open_wave):
    draft = touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(400))
    warned(draft, days_ago(10))

    run = retention.retention_run(now=NOW)

    assert run.drafts_deleted == 0
    assert Application.objects.filter(pk=draft.pk).exists()


def test_an_expired_draft_never_warned_is_warned_first(applicant, open_wave):
    draft = touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(500))

    run = retention.retention_run(now=NOW)

    assert (run.drafts_warned, run.drafts_deleted) == (1, 0)
    assert Application.objects.filter(pk=draft.pk).exists()


def test_changing_a_draft_after_its_warning_starts_the_period_again(applicant, open_wave):
    draft = touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(400))
    warned(draft, days_ago(60))
    touched(draft, days_ago(20))

    run = retention.retention_run(now=NOW)

    assert (run.drafts_warned, run.drafts_deleted) == (0, 0)
    assert Application.objects.filter(pk=draft.pk).exists()


def test_filed_applications_are_never_deleted_as_drafts(applicant, open_wave):
    filed = touched(application_in(S.SUBMITTED, owner=applicant, wave=open_wave), days_ago(800))
    warned(filed, days_ago(60))

    retention.retention_run(now=NOW)

    assert Application.objects.filter(pk=filed.pk).exists()


# --- Closed files ---------------------------------------------------------------------------


@pytest.fixture
def refused_file(applicant, open_wave, instruction_user):
    application = application_in(S.REFUSED, owner=applicant, wave=open_wave)
    Message.objects.create(application=application, author=applicant, body="Merci pour l'examen.")
    application.staff_notes.create(author=instruction_user, body="Avis interne.")
    ApplicationEvent.objects.create(
        application=application,
        transition="submit",
        to_state=S.SUBMITTED,
        message="Déposé",
        internal_note="RAS",
    )
    return ended(application, days_ago(5 * 365 + 5))


def test_a_file_refused_five_years_ago_is_anonymised(
    refused_file, django_capture_on_commit_callbacks
):
    stored = refused_file.attachments.get().file
    storage, name = stored.storage, stored.name
    communes = list(refused_file.communes.values_list("insee_code", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        run = retention.retention_run(now=NOW)

    file = Application.objects.get(pk=refused_file.pk)
    assert run.files_anonymised == 1
    for name_ in retention.ANONYMISED_TEXT_FIELDS:
        assert getattr(file, name_) == "", name_
    assert (file.state, file.wave_id, file.reference) == (
        S.REFUSED,
        refused_file.wave_id,
        refused_file.reference,
    )
    assert file.themes == ["nature", "alimentation"]
    assert list(file.communes.values_list("insee_code", flat=True)) == communes
    assert file.holder_type == "association" and file.total_cost == refused_file.total_cost
    # The answers as each question's kind anonymises them: texts replaced, the stage (a
    # choice among the form's own values) and the amounts of the plan kept, its sources not.
    assert file.answers["description"] == "[anonymisé]"
    assert file.answers["stage"] == "definition"
    assert [line["amount"] for line in file.answers["financing_lines"]] == ["12000.00", "8000.00"]
    assert {line["source"] for line in file.answers["financing_lines"]} == {"[anonymisé]"}
    assert "Biodiversité" not in str(file.answers)
    assert not file.attachments.exists() and not storage.exists(name)
    assert not file.messages.exists() and not file.staff_notes.exists()
    assert set(file.events.values_list("message", "internal_note")) == {("", "")}
    assert file.events.count() == 2
    assert ApplicationAnonymisation.objects.get(application=file).run == run


def test_anonymisation_clears_the_review_comments_and_keeps_the_scores(refused_file):
    grid_for(refused_file.wave)
    assignment = AssignmentFactory(application=refused_file, conflict_reason="Voisin du porteur")
    review_with_scores(
        assignment,
        4,
        shared_comment="Très bon projet de M. Dupont",
        private_comment="Porteur fiable",
    )
    Score.objects.update(comment="Commentaire nominatif")

    retention.retention_run(now=NOW)

    review = assignment.review
    review.refresh_from_db()
    assignment.refresh_from_db()
    assert (review.shared_comment, review.private_comment) == ("", "")
    assert set(review.scores.values_list("comment", flat=True)) == {""}
    assert set(review.scores.values_list("value", flat=True)) == {4}
    assert assignment.conflict_reason == ""


@pytest.mark.parametrize("state", [S.INELIGIBLE, S.NOT_SELECTED, S.WITHDRAWN])
def test_every_negative_end_is_anonymised(applicant, open_wave, state):
    application = ended(application_in(state, owner=applicant, wave=open_wave), days_ago(1900))

    retention.retention_run(now=NOW)

    assert Application.objects.get(pk=application.pk).contact_email == ""


@pytest.mark.parametrize(
    ("state", "age_days"),
    [(S.REFUSED, 4 * 365), (S.LABELLED, 6 * 365), (S.DEFERRED, 6 * 365), (S.REVOKED, 6 * 365)],
)
def test_labelled_or_recent_files_are_kept_whole(applicant, open_wave, state, age_days):
    application = ended(application_in(state, owner=applicant, wave=open_wave), days_ago(age_days))

    retention.retention_run(now=NOW)

    file = Application.objects.get(pk=application.pk)
    assert file.contact_email == "camille@example.org" and file.attachments.exists()


def test_a_file_is_anonymised_only_once(refused_file):
    retention.retention_run(now=NOW)

    second = retention.retention_run(now=NOW + timedelta(days=1))

    assert second.files_anonymised == 0


# --- Inactive accounts --------------------------------------------------------------------------


def _account_warned(user, when):
    return RetentionWarning.objects.create(
        kind=RetentionWarningKind.ACCOUNT, user=user, sent_at=when
    )


def test_an_account_inactive_for_almost_three_years_is_warned(applicant):
    inactive(applicant, days_ago(3 * 365 - 20))

    run = retention.retention_run(now=NOW)

    mail = OutboxMail.objects.get(template="retention_account_warning")
    assert run.accounts_warned == 1 and mail.to == applicant.email
    assert "connecter" in mail.body_text


def test_an_inactive_account_warned_a_month_ago_is_deleted(applicant, open_wave):
    user = inactive(applicant, days_ago(3 * 365 + 40))
    _account_warned(user, days_ago(35))

    run = retention.retention_run(now=NOW)

    assert run.accounts_deleted == 1
    assert not User.objects.filter(pk=user.pk).exists()


def test_an_inactive_account_with_kept_files_is_anonymised(applicant, open_wave):
    kept = application_in(S.LABELLED, owner=applicant, wave=open_wave)
    user = inactive(applicant, days_ago(3 * 365 + 40))
    _account_warned(user, days_ago(35))

    run = retention.retention_run(now=NOW)

    user.refresh_from_db()
    assert run.accounts_anonymised == 1
    assert user.email.endswith(f"@{ANONYMISED_EMAIL_DOMAIN}") and not user.is_active
    assert Application.objects.get(pk=kept.pk).owner_id == user.pk
    # Anonymised accounts are not warned again.
    assert retention.retention_run(now=NOW + timedelta(days=400)).accounts_warned == 0


def test_a_login_after_the_warning_keeps_the_account(applicant):
    user = inactive(applicant, days_ago(3 * 365 + 40))
    _account_warned(user, days_ago(35))
    User.objects.filter(pk=user.pk).update(last_login=days_ago(2))

    run = retention.retention_run(now=NOW)

    assert run.accounts_deleted == 0 and User.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize("account", ["instruction_user", "reviewer", "jury_member"])
def test_staff_accounts_are_never_closed(request, account):
    user = inactive(request.getfixturevalue(account), days_ago(3 * 365 + 40))
    _account_warned(user, days_ago(35))

    run = retention.retention_run(now=NOW)

    assert (run.accounts_warned, run.accounts_deleted) == (0, 0)
    assert User.objects.filter(pk=user.pk).exists()


def test_an_unconfirmed_account_is_warned_without_mail(roles):
    user = UserFactory(is_active=False, email_confirmed_at=None)
    User.objects.filter(pk=user.pk).update(date_joined=days_ago(3 * 365), last_login=None)

    retention.retention_run(now=NOW)

    warning = RetentionWarning.objects.get(user=user)
    assert not warning.mailed
    assert not OutboxMail.objects.filter(template="retention_account_warning").exists()


# --- Purges and the run record -----------------------------------------------------------------


def test_old_mails_interests_and_audit_events_are_purged(applicant):
    old_sent = OutboxMail.objects.create(
        to="a@example.org", subject="x", body_text="x", status="sent", sent_at=days_ago(31)
    )
    recent_sent = OutboxMail.objects.create(
        to="d@example.org", subject="x", body_text="x", status="sent", sent_at=days_ago(29)
    )
    pending = OutboxMail.objects.create(to="b@example.org", subject="x", body_text="x")
    OutboxMail.objects.filter(pk__in=[old_sent.pk, recent_sent.pk, pending.pk]).update(
        created_at=days_ago(200)
    )
    interest = ExpressionOfInterest.objects.create(email="c@example.org")
    ExpressionOfInterest.objects.filter(pk=interest.pk).update(created_at=days_ago(800))
    old_event = AuditEvent.objects.create(action=AuditAction.LOGIN, created_at=days_ago(400))
    recent_event = AuditEvent.objects.create(action=AuditAction.LOGIN, created_at=days_ago(10))

    run = retention.retention_run(now=NOW)

    # Sent copies go 30 days after their sending (RETENTION_OUTBOX_DAYS); pending ones stay.
    assert sorted(OutboxMail.objects.values_list("pk", flat=True)) == [recent_sent.pk, pending.pk]
    assert not ExpressionOfInterest.objects.exists()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent_event.pk]
    assert old_event.pk not in AuditEvent.objects.values_list("pk", flat=True)
    assert run.details["mails_deleted"] == 1
    assert run.details["interests_deleted"] == 1
    assert run.details["audit_events_deleted"] == 1


def test_each_run_is_recorded_with_its_counts(applicant, open_wave):
    touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(340))

    run = retention.retention_run(now=NOW, trigger="command")

    stored = RetentionRun.objects.get()
    assert stored == run
    assert stored.trigger == "command" and stored.drafts_warned == 1
    assert stored.finished_at is not None and stored.error == ""


def test_a_second_run_at_once_is_skipped(settings):
    from django.core.cache import cache

    cache.add(retention.LOCK_KEY, "beat", timeout=60)

    assert retention.retention_run(now=NOW) is None
    assert not RetentionRun.objects.exists()


def test_dry_run_lists_and_writes_nothing(applicant, open_wave, refused_file, time_machine):
    time_machine.move_to(NOW, tick=False)
    touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(340))
    out = StringIO()

    call_command("retention", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "Drafts to warn: 1" in text
    assert "Closed files to anonymise: 1" in text
    assert not RetentionRun.objects.exists() and not RetentionWarning.objects.exists()
    assert not OutboxMail.objects.exists()
    assert Application.objects.get(pk=refused_file.pk).contact_email


def test_the_command_applies_and_records(applicant, open_wave, time_machine):
    time_machine.move_to(NOW, tick=False)
    touched(application_in(S.DRAFT, owner=applicant, wave=open_wave), days_ago(340))
    out = StringIO()

    call_command("retention", stdout=out)

    assert RetentionRun.objects.get().drafts_warned == 1
    assert "1 draft(s) warned" in out.getvalue()


def test_the_beat_runs_the_retention_task_daily():
    from privacy.tasks import task_apply_retention

    entry = next(
        item
        for item in settings.CELERY_BEAT_SCHEDULE.values()
        if item["task"] == "privacy.apply_retention"
    )
    assert task_apply_retention.name == "privacy.apply_retention"
    assert entry["schedule"].hour == {3}


def test_the_task_runs_the_retention(applicant, open_wave):
    from privacy.tasks import task_apply_retention

    run_id = task_apply_retention()

    assert RetentionRun.objects.get().pk == run_id
