"""Writes of the label app that own a rule or a side effect: roles, the mail outbox, waves."""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from label.enums import OutboxStatus, Role
from label.models import OutboxMail, Wave
from label.signals import wave_created

logger = logging.getLogger(__name__)

SEND_OUTBOX_MAIL_TASK = "label.send_outbox_mail"


# Django model permissions each role needs in the technical admin (/gestion/); everything
# else is decided by the predicates of the rules modules.
ROLE_ADMIN_PERMISSIONS = {
    Role.INSTRUCTION: ["label.view_outboxmail", "label.view_commune"],
}


def role_groups_ensure():
    """Create the role groups with their admin permissions; return them by role."""
    groups = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in ROLE_ADMIN_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        groups[role] = group
    return groups


def user_grant_role(*, user, role):
    """Add the account to the group of a role."""
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)


def outbox_enqueue(*, to, template, context, recipient=None):
    """Render a mail template into the outbox; its sending is scheduled on commit.

    Call it inside the transaction of the event that causes the mail: if that transaction
    rolls back, the row disappears with it and nothing is sent. Sending does not delete the
    row (address, name, text): it is kept RETENTION_OUTBOX_DAYS (30) after the sending, for
    bounces and questions, then purged by privacy/retention.py.
    """
    language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body_text = render_to_string(f"emails/{template}.txt", context)
        body_html = render_to_string(f"emails/{template}.html", context)
    mail = OutboxMail.objects.create(
        to=to,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        template=template,
        recipient=recipient,
    )
    transaction.on_commit(lambda: outbox_schedule_send(mail_id=mail.pk))
    return mail


def outbox_schedule_send(*, mail_id):
    """Hand one mail to the task queue; a broker failure is logged and left to the sweep."""
    try:
        # The task is found by its name in Celery's registry (label/tasks.py registers it when
        # the app is ready), so that services never import the tasks that call them.
        current_app.tasks[SEND_OUTBOX_MAIL_TASK].delay(mail_id)
    except Exception:
        # The row is safe in the database: the periodic sweep will send it.
        logger.warning("Could not queue outbox mail %s; the sweep will retry.", mail_id)


def _retry_delay(attempts):
    """Backoff between tries: 1, 2, 4, 8 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def outbox_send(*, mail_id):
    """Send one pending mail and mark it sent; on failure, record the error and the next try.

    Idempotent: a mail already sent, given up, or being sent by another worker is left alone.
    Returns the mail's status afterwards.
    """
    with transaction.atomic():
        mail = (
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=OutboxStatus.PENDING)
            .first()
        )
        if mail is None:
            return None
        mail.attempts += 1
        try:
            message = EmailMultiAlternatives(
                subject=mail.subject,
                body=mail.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[mail.to],
            )
            if mail.body_html:
                message.attach_alternative(mail.body_html, "text/html")
            message.send()
        except Exception as error:
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            if mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                mail.status = OutboxStatus.FAILED
                logger.error("Gave up outbox mail %s: %s", mail.pk, mail.last_error)
            else:
                mail.next_attempt_at = timezone.now() + _retry_delay(mail.attempts)
        else:
            mail.status = OutboxStatus.SENT
            mail.sent_at = timezone.now()
            mail.last_error = ""
        mail.save(update_fields=["attempts", "last_error", "status", "sent_at", "next_attempt_at"])
        return mail.status


def outbox_sweep(*, limit=200):
    """Send every pending mail whose next try is due; return how many were sent."""
    due = (
        OutboxMail.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(outbox_send(mail_id=pk) == OutboxStatus.SENT for pk in list(due))


def outbox_resend(*, mails):
    """Put mails back in the queue for a fresh series of tries (the admin's "resend")."""
    ids = [mail.pk for mail in mails]
    OutboxMail.objects.filter(pk__in=ids).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), sent_at=None
    )
    for mail_id in ids:
        transaction.on_commit(lambda mail_id=mail_id: outbox_schedule_send(mail_id=mail_id))
    return len(ids)


# Fields of a wave that "start from the previous wave" copies: texts and settings, not dates.
WAVE_COPIED_FIELDS = [
    "title",
    "introduction",
    "eligibility_text",
    "ceremony_place",
    "signatory_name",
    "signatory_title",
    "jury_may_record_decisions",
]


def wave_initial_from_previous(previous):
    """Initial form values for a new wave that starts from the previous one."""
    if previous is None:
        return {}
    initial = {name: getattr(previous, name) for name in WAVE_COPIED_FIELDS}
    initial["number"] = previous.number + 1
    initial["year"] = previous.year + 1
    initial["title"] = previous.title.replace(str(previous.number), str(previous.number + 1))
    return initial


@transaction.atomic
def wave_create(*, data, copy_from=None):
    """Create a wave from validated data (it is validated again: one open call at a time).

    Apps above the floor complete the new wave through the ``wave_created`` signal (the
    reviews app gives it the default criteria grid of DESIGN.md §2, which staff may then
    edit), inside this transaction.
    """
    wave = Wave(**data)
    wave.full_clean()
    wave.save()
    wave_created.send(sender=Wave, wave=wave, copy_from=copy_from)
    return wave
