"""How long personal data is kept, and the periodic task that enforces it.

The periods are settings (config/settings/base.py), told to the public on
/donnees-personnelles/:

- drafts never filed: deleted RETENTION_DRAFT_MONTHS (12) after their last change; the owner
  is warned by mail RETENTION_DRAFT_WARNING_DAYS (30) before, once (changing the draft starts
  the period again);
- files that ended without a label (ineligible, not selected, refused, withdrawn):
  anonymised RETENTION_CLOSED_FILE_YEARS (5) after their last move; the wave, state, dates,
  themes, type of holder, communes, amounts, the choices among the form's own answers (the
  stage among them) and the bare history of moves stay for the statistics of the label;
  names, contacts, texts, documents, messages, notes and review comments go. Labelled,
  deferred and revoked files are the label's record and stay;
- accounts without login for RETENTION_INACTIVE_ACCOUNT_YEARS (3): warned
  RETENTION_ACCOUNT_WARNING_DAYS (30) before, then deleted, or anonymised when they still own
  kept files. Staff, reviewer and jury accounts are never touched (the team closes them);
- smaller purges: mails sent or given up after RETENTION_OUTBOX_DAYS (30), expressions of
  interest after RETENTION_INTEREST_MONTHS, the audit trail and the login logs of
  django-axes after RETENTION_AUDIT_MONTHS.

``retention_run`` is called by the beat task ``label.apply_retention`` (daily) and by
``manage.py retention``; ``retention_plan`` lists what would go (``--dry-run``).
"""

import calendar
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from applications.answers import answers_anonymised
from applications.enums import ApplicationState
from applications.models import (
    Application,
    ApplicationEvent,
    Attachment,
    ExpressionOfInterest,
    Message,
    StaffNote,
)
from label.enums import OutboxStatus
from label.models import AuditEvent, OutboxMail
from label.services import outbox_enqueue
from label.text import search_normalise
from privacy.models import (
    ApplicationAnonymisation,
    RetentionRun,
    RetentionWarning,
    RetentionWarningKind,
)
from privacy.services import (
    ANONYMISED_EMAIL_DOMAIN,
    STAFF_ROLES,
    account_traces_forget,
    application_delete_draft,
    user_anonymise,
)

logger = logging.getLogger(__name__)

# Files that ended without a label: anonymised when their retention period is over.
CLOSED_STATES = (
    ApplicationState.INELIGIBLE,
    ApplicationState.NOT_SELECTED,
    ApplicationState.REFUSED,
    ApplicationState.WITHDRAWN,
)
# Fields of an application erased by the anonymisation (blank strings).
ANONYMISED_TEXT_FIELDS = (
    "holder_name",
    "siret",
    "address",
    "postcode",
    "city",
    "contact_name",
    "contact_email",
    "contact_phone",
    "title",
    "summary",
    "closing_motivation",
)
# Free texts of the reviews app about a file (model, fields), erased with it.
REVIEW_TEXT_FIELDS = (
    ("Review", "assignment__application", ("shared_comment", "private_comment", "reopen_reason")),
    ("Score", "review__assignment__application", ("comment",)),
    ("Assignment", "application", ("conflict_reason",)),
)
LOCK_KEY = "retention:running"
LOCK_TIMEOUT = 60 * 60


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (the 31st becomes the 30th...)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class RetentionPlan:
    """What a run would do now; the lists hold model instances."""

    now: object
    drafts_to_warn: list = field(default_factory=list)
    drafts_to_delete: list = field(default_factory=list)
    files_to_anonymise: list = field(default_factory=list)
    accounts_to_warn: list = field(default_factory=list)
    accounts_to_delete: list = field(default_factory=list)
    accounts_to_anonymise: list = field(default_factory=list)
    mails_to_delete: int = 0
    interests_to_delete: int = 0
    audit_events_to_delete: int = 0


def _draft_deadline(now):
    return months_before(now, settings.RETENTION_DRAFT_MONTHS)


def _warning_since(kind, owner_field, clock):
    """A warning of this kind about the outer row, sent after `clock` (its last use)."""
    return RetentionWarning.objects.filter(
        kind=kind, **{owner_field: OuterRef("pk")}, sent_at__gte=OuterRef(clock)
    )


def drafts_to_warn(now):
    warn_from = _draft_deadline(now) + timedelta(days=settings.RETENTION_DRAFT_WARNING_DAYS)
    return (
        Application.objects.filter(state=ApplicationState.DRAFT, updated_at__lte=warn_from)
        .exclude(Exists(_warning_since(RetentionWarningKind.DRAFT, "application", "updated_at")))
        .select_related("owner", "wave")
        .order_by("pk")
    )


def drafts_to_delete(now):
    warned_before = now - timedelta(days=settings.RETENTION_DRAFT_WARNING_DAYS)
    warned = _warning_since(RetentionWarningKind.DRAFT, "application", "updated_at").filter(
        sent_at__lte=warned_before
    )
    return (
        Application.objects.filter(
            state=ApplicationState.DRAFT, updated_at__lte=_draft_deadline(now)
        )
        .filter(Exists(warned))
        .select_related("wave")
        .order_by("pk")
    )


def files_to_anonymise(now):
    ended_before = months_before(now, 12 * settings.RETENTION_CLOSED_FILE_YEARS)
    return (
        Application.objects.filter(state__in=CLOSED_STATES, anonymisation__isnull=True)
        .annotate(ended_at=Coalesce(Max("events__created_at"), "updated_at"))
        .filter(ended_at__lte=ended_before)
        .select_related("wave")
        .order_by("pk")
    )


def _retained_accounts():
    """Accounts the retention may warn and delete: not staff, not already anonymised."""
    return (
        get_user_model()
        .objects.filter(is_staff=False, is_superuser=False)
        .exclude(groups__name__in=STAFF_ROLES)
        .exclude(email__endswith=f"@{ANONYMISED_EMAIL_DOMAIN}")
        .annotate(last_activity=Coalesce("last_login", "date_joined"))
    )


def _inactivity_deadline(now):
    return months_before(now, 12 * settings.RETENTION_INACTIVE_ACCOUNT_YEARS)


def accounts_to_warn(now):
    warn_from = _inactivity_deadline(now) + timedelta(days=settings.RETENTION_ACCOUNT_WARNING_DAYS)
    return (
        _retained_accounts()
        .filter(last_activity__lte=warn_from)
        .exclude(Exists(_warning_since(RetentionWarningKind.ACCOUNT, "user", "last_activity")))
        .order_by("pk")
    )


def accounts_to_close(now):
    """Inactive accounts whose warning period is over (deleted or anonymised)."""
    warned_before = now - timedelta(days=settings.RETENTION_ACCOUNT_WARNING_DAYS)
    warned = _warning_since(RetentionWarningKind.ACCOUNT, "user", "last_activity").filter(
        sent_at__lte=warned_before
    )
    return (
        _retained_accounts()
        .filter(last_activity__lte=_inactivity_deadline(now))
        .filter(Exists(warned))
        .order_by("pk")
    )


def _holds_kept_files(user):
    return Application.objects.filter(owner=user).exclude(state=ApplicationState.DRAFT).exists()


def _expired_mails(now):
    # A sent mail is counted from its sending (it may have waited for SMTP), one given up
    # from its creation; pending mails stay whatever their age.
    deadline = now - timedelta(days=settings.RETENTION_OUTBOX_DAYS)
    return OutboxMail.objects.filter(
        Q(status=OutboxStatus.SENT, sent_at__lte=deadline)
        | Q(status=OutboxStatus.FAILED, created_at__lte=deadline)
    )


def _expired_interests(now):
    return ExpressionOfInterest.objects.filter(
        created_at__lte=months_before(now, settings.RETENTION_INTEREST_MONTHS)
    )


def _audit_deadline(now):
    return months_before(now, settings.RETENTION_AUDIT_MONTHS)


def retention_plan(now=None):
    """What a run would do at `now` (now by default); nothing is written."""
    now = now or timezone.now()
    closing = list(accounts_to_close(now))
    return RetentionPlan(
        now=now,
        drafts_to_warn=list(drafts_to_warn(now)),
        drafts_to_delete=list(drafts_to_delete(now)),
        files_to_anonymise=list(files_to_anonymise(now)),
        accounts_to_warn=list(accounts_to_warn(now)),
        accounts_to_delete=[user for user in closing if not _holds_kept_files(user)],
        accounts_to_anonymise=[user for user in closing if _holds_kept_files(user)],
        mails_to_delete=_expired_mails(now).count(),
        interests_to_delete=_expired_interests(now).count(),
        audit_events_to_delete=AuditEvent.objects.filter(
            created_at__lt=_audit_deadline(now)
        ).count(),
    )


# --- The steps ----------------------------------------------------------------------------------


def _can_mail(user):
    return user.is_active and not user.email.endswith(f"@{ANONYMISED_EMAIL_DOMAIN}")


@transaction.atomic
def draft_warn(*, application, now):
    """Record the warning of a draft's deletion and mail its owner (outbox)."""
    owner = application.owner
    mailed = _can_mail(owner)
    RetentionWarning.objects.create(
        kind=RetentionWarningKind.DRAFT, application=application, sent_at=now, mailed=mailed
    )
    if mailed:
        outbox_enqueue(
            to=owner.email,
            template="retention_draft_warning",
            context={
                "user": owner,
                "application": application,
                "deletion_date": now + timedelta(days=settings.RETENTION_DRAFT_WARNING_DAYS),
                "months": settings.RETENTION_DRAFT_MONTHS,
                "path": reverse("applications:detail", kwargs={"pk": application.pk}),
            },
            recipient=owner,
        )
    return True


@transaction.atomic
def account_warn(*, user, now):
    """Record the warning of an inactive account's deletion and mail its owner (outbox)."""
    mailed = _can_mail(user)
    RetentionWarning.objects.create(
        kind=RetentionWarningKind.ACCOUNT, user=user, sent_at=now, mailed=mailed
    )
    if mailed:
        outbox_enqueue(
            to=user.email,
            template="retention_account_warning",
            context={
                "user": user,
                "deletion_date": now + timedelta(days=settings.RETENTION_ACCOUNT_WARNING_DAYS),
                "years": settings.RETENTION_INACTIVE_ACCOUNT_YEARS,
                "path": reverse("accounts:login"),
            },
            recipient=user,
        )
    return True


@transaction.atomic
def draft_delete(*, application):
    """Delete an expired draft, checked again under a lock (it may have been filed since)."""
    locked = (
        Application.objects.select_for_update()
        .filter(pk=application.pk, state=ApplicationState.DRAFT)
        .first()
    )
    if locked is None:
        return False
    application_delete_draft(locked)
    return True


@transaction.atomic
def application_anonymise(*, application, run=None):
    """Erase the personal data and texts of a closed file; keep what the statistics need.

    Effects, in order: lock; the texts of ANONYMISED_TEXT_FIELDS blanked; the answers to the
    wave's form replaced by what each question's kind keeps (applications.answers); the documents
    deleted (their stored files after the commit); the messages and staff notes deleted;
    the messages and internal notes of the history blanked (its moves and dates stay); the
    comments of the reviews blanked (their scores stay); the anonymisation recorded.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if ApplicationAnonymisation.objects.filter(application=locked).exists():
        return False
    values = dict.fromkeys(ANONYMISED_TEXT_FIELDS, "")
    values["search_text"] = search_normalise(locked.reference)
    values["answers"] = answers_anonymised(locked)
    Application.objects.filter(pk=locked.pk).update(**values)
    Message.objects.filter(application=locked).delete()
    files = [
        (attachment.file.storage, attachment.file.name)
        for attachment in Attachment.objects.filter(application=locked)
    ]
    Attachment.objects.filter(application=locked).delete()
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    StaffNote.objects.filter(application=locked).delete()
    ApplicationEvent.objects.filter(application=locked).update(message="", internal_note="")
    for model_name, path, fields in REVIEW_TEXT_FIELDS:
        try:
            model = apps.get_model("reviews", model_name)
        except LookupError:
            continue
        model.objects.filter(**{path: locked}).update(**dict.fromkeys(fields, ""))
    ApplicationAnonymisation.objects.create(application=locked, run=run)
    return True


@transaction.atomic
def inactive_account_close(*, user):
    """Delete an inactive account, or anonymise it when it still owns kept files.

    Returns "deleted" or "anonymised". The drafts left are deleted first.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    for draft in Application.objects.filter(owner=user, state=ApplicationState.DRAFT):
        application_delete_draft(draft)
    account_traces_forget(user)
    if _holds_kept_files(user):
        Message.objects.filter(author=user).update(author=None)
        user_anonymise(user)
        return "anonymised"
    user.delete()
    return "deleted"


def _purge_axes_logs(before):
    """The login logs of django-axes hold addresses and e-mails: same period as the audit."""
    count = 0
    for model_name in ("AccessLog", "AccessFailureLog"):
        try:
            model = apps.get_model("axes", model_name)
        except LookupError:
            continue
        count += model.objects.filter(attempt_time__lt=before).delete()[0]
    return count


def retention_run(*, now=None, trigger="beat"):
    """Apply the retention periods now; return the RetentionRun recording what was done.

    Each object is handled in its own transaction, so one failure does not undo the others;
    a failure is logged and written on the run, then raised once the run is saved. Returns
    None when another run holds the lock.
    """
    now = now or timezone.now()
    if not cache.add(LOCK_KEY, trigger, timeout=LOCK_TIMEOUT):
        logger.warning("A retention run is already in progress: this one is skipped.")
        return None
    run = RetentionRun.objects.create(started_at=now, trigger=trigger)
    errors = []
    try:
        _run_steps(run, now, errors)
    finally:
        run.finished_at = timezone.now()
        run.error = "\n".join(errors)[:10000]
        run.save()
        cache.delete(LOCK_KEY)
    return run


def _step(errors, label, function, **kwargs):
    try:
        return function(**kwargs)
    except Exception as error:  # one bad row must not stop the others
        logger.exception("Retention: %s failed", label)
        errors.append(f"{label}: {type(error).__name__}: {error}")
        return None


def _run_steps(run, now, errors):
    # Deletions first, then warnings: a draft warned today is not deleted today.
    for application in drafts_to_delete(now):
        if _step(errors, f"draft {application.pk}", draft_delete, application=application):
            run.drafts_deleted += 1
    for application in drafts_to_warn(now):
        label = f"draft warning {application.pk}"
        if _step(errors, label, draft_warn, application=application, now=now):
            run.drafts_warned += 1
    for application in files_to_anonymise(now):
        label = f"file {application.pk}"
        if _step(errors, label, application_anonymise, application=application, run=run):
            run.files_anonymised += 1
    for user in accounts_to_close(now):
        outcome = _step(errors, f"account {user.pk}", inactive_account_close, user=user)
        if outcome == "deleted":
            run.accounts_deleted += 1
        elif outcome == "anonymised":
            run.accounts_anonymised += 1
    for user in accounts_to_warn(now):
        if _step(errors, f"account warning {user.pk}", account_warn, user=user, now=now):
            run.accounts_warned += 1
    run.details = {
        "mails_deleted": _expired_mails(now).delete()[0],
        "interests_deleted": _expired_interests(now).delete()[0],
        "audit_events_deleted": AuditEvent.objects.purge_before(_audit_deadline(now)),
        "login_logs_deleted": _purge_axes_logs(_audit_deadline(now)),
    }
