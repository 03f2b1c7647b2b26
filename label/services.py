"""Writes of the label app that own a rule or a side effect: roles, the mail outbox, waves."""

import logging
import os
import re
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from label.enums import OutboxStatus, Role
from label.models import OutboxMail, Wave, WaveMailText
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
# What belongs to other apps (grid, committees and their members) is copied by them, on the
# ``wave_created`` signal that carries ``copy_from``.
WAVE_COPIED_FIELDS = [
    "title",
    "edition_name",
    "introduction",
    "eligibility_text",
    "ceremony_place",
    "signatory_name",
    "signatory_title",
    "signatory_image",
    "jury_may_record_decisions",
]

# Settings of a wave that are not on its form but are copied all the same (editable after).
WAVE_COPIED_SETTINGS = ["eligibility_checklist"]

_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _next_edition_name(name):
    """« Label Euralens 2026 » → « Label Euralens 2027 »: every year in the name moves on."""
    return _YEAR.sub(lambda match: str(int(match.group(0)) + 1), name or "")


def wave_initial_from_previous(previous):
    """Initial form values for a new wave that starts from the previous one."""
    if previous is None:
        return {}
    initial = {name: getattr(previous, name) for name in WAVE_COPIED_FIELDS}
    initial["number"] = previous.number + 1
    initial["year"] = previous.year + 1
    initial["title"] = previous.title.replace(str(previous.number), str(previous.number + 1))
    initial["edition_name"] = _next_edition_name(previous.edition_name)
    if not previous.signatory_image:
        initial.pop("signatory_image")
    return initial


def _own_copy_of_signature(image, copy_from):
    """A fresh file with the content of the signature the new wave shares with ``copy_from``.

    Each wave keeps its own file, so replacing or deleting one wave's signature never changes
    the certificates of the other. Any other value (a new upload, none) is returned as is.
    """
    source = copy_from.signatory_image
    if not image or not source or getattr(image, "name", None) != source.name:
        return image
    with source.storage.open(source.name, "rb") as stored:
        content = ContentFile(stored.read(), name=os.path.basename(source.name))
    # The form's validation may have opened the shared file to check the picture: close it.
    image.close()
    return content


@transaction.atomic
def wave_create(*, data, copy_from=None):
    """Create a wave from validated data (it is validated again: one open call at a time).

    With ``copy_from`` (« Nouvelle vague à partir de la précédente »), the fields of
    WAVE_COPIED_FIELDS missing from ``data`` are taken from that wave, and the signature
    image is copied to a file of the new wave's own. Apps above the floor complete the new
    wave through the ``wave_created`` signal, inside this transaction: the reviews app gives
    it the default criteria grid of DESIGN.md §2, or, with ``copy_from``, a copy of that
    wave's grid and committees with their members, and its jury composition, all of which
    staff may then edit. The floor copies its own: the eligibility checklist and the
    announcement mail texts.
    """
    data = dict(data)
    if copy_from is not None:
        for name in WAVE_COPIED_FIELDS + WAVE_COPIED_SETTINGS:
            if name not in data:
                data[name] = getattr(copy_from, name)
        data["signatory_image"] = _own_copy_of_signature(data["signatory_image"], copy_from)
    wave = Wave(**data)
    wave.full_clean()
    wave.save()
    if copy_from is not None:
        wave_copy_mail_texts(wave=wave, source=copy_from)
    wave_created.send(sender=Wave, wave=wave, copy_from=copy_from)
    return wave


def wave_copy_mail_texts(*, wave, source):
    """Copy the announcement mail texts staff wrote for ``source`` into ``wave``."""
    return WaveMailText.objects.bulk_create(
        WaveMailText(wave=wave, kind=text.kind, subject=text.subject, body=text.body)
        for text in WaveMailText.objects.filter(wave=source)
    )


@transaction.atomic
def wave_mail_texts_save(*, wave, texts):
    """Save the announcement mail texts of a wave: {kind: (subject, body)}, each validated.

    A text identical to the default is stored all the same: what staff saw is what is sent,
    and a later change of the defaults does not change a wave already prepared.
    """
    saved = []
    for kind, (subject, body) in texts.items():
        text = WaveMailText.objects.filter(wave=wave, kind=kind).first() or WaveMailText(
            wave=wave, kind=kind
        )
        # Browsers send a textarea's lines as CRLF: store them as the defaults are written.
        text.subject, text.body = subject, body.replace("\r\n", "\n")
        text.full_clean()
        text.save()
        saved.append(text)
    return saved


def wave_mail_text_reset(*, wave, kind):
    """Forget a wave's own text for one announcement mail: the default applies again."""
    return WaveMailText.objects.filter(wave=wave, kind=kind).delete()[0]


@transaction.atomic
def wave_eligibility_checklist_save(*, wave, items):
    """Replace a wave's eligibility checklist ([code, label] pairs), unless it is fixed.

    Refused (ValidationError) once a file of the wave has been declared eligible or not, and
    for an empty list: a file cannot be declared eligible without a checklist.
    """
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.eligibility_checklist_locked:
        raise ValidationError(
            gettext(
                "La grille de recevabilité ne peut plus être modifiée : un dossier de cette "
                "vague a déjà été déclaré recevable ou irrecevable."
            )
        )
    if not items:
        raise ValidationError(
            gettext("La grille de recevabilité doit compter au moins un critère.")
        )
    wave.eligibility_checklist = [list(item) for item in items]
    wave.save(update_fields=["eligibility_checklist"])
    return wave
