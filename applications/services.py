"""Writes of the applications app that are not moves of the state machine."""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.conditions import missing_items
from applications.enums import DECIDED_STATES, ApplicationState, AttachmentKind
from applications.models import (
    Application,
    Attachment,
    DraftReminder,
    ExpressionOfInterest,
    Message,
    ReminderKind,
    StaffNote,
)
from applications.uploads import EXTENSION_ALIASES, check_total, check_upload
from applications.workflow import application_create
from callforms.declaration import form_for
from label.models import Wave
from label.rules import is_instruction
from label.services import outbox_enqueue

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 5000


@transaction.atomic
def message_post(*, application, author, body, attachment=None):
    """Add a message to the thread between the applicant and the instruction team.

    Effects, in order: check the author may write on this file; body required; the message
    row, marked as from the instruction team when its author is staff and not the owner;
    for a staff message, a mail to the applicant (outbox, sent on commit). An applicant's
    message is only a row: staff read it on the file's page.
    """
    if not author.has_perm("applications.message_application", application):
        raise PermissionDenied(_("Vous n'avez pas le droit d'écrire sur ce dossier."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Le message ne peut pas être vide.")})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": _("Le message dépasse %(max)d caractères.") % {"max": MESSAGE_MAX_LENGTH}}
        )
    from_instruction = author.pk != application.owner_id and is_instruction(author)
    message = Message.objects.create(
        application=application,
        author=author,
        from_instruction=from_instruction,
        body=body,
        attachment=attachment,
    )
    if from_instruction:
        owner = application.owner
        values = {"reference": application.reference or "", "title": application.title}
        outbox_enqueue(
            to=owner.email,
            template="application_event",
            context={
                "user": owner,
                "subject": _("Nouveau message sur votre dossier %(reference)s") % values,
                "opening": _(
                    "L'équipe d'instruction vous a écrit au sujet de votre dossier « %(title)s »."
                )
                % values,
                "message": body,
                "path": reverse("applications:detail", kwargs={"pk": application.pk}),
            },
            recipient=owner,
        )
    return message


@transaction.atomic
def staff_note_create(*, application, author, body):
    """Add a private note of the instruction team to a file (never shown to the applicant)."""
    if not author.has_perm("applications.instruct_application", application):
        raise PermissionDenied(_("Vous n'avez pas le droit d'annoter ce dossier."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("La note ne peut pas être vide.")})
    return StaffNote.objects.create(application=application, author=author, body=body)


# --- Carry-over of a deferred file -----------------------------------------------------------

# What a carried-over draft takes from the original file: the builtin answers and those of the
# questions the new wave's form still asks (by key), but neither the documents (they are dated:
# the applicant attaches current ones) nor the consent (it is given again for the new
# processing). The others are shown to the applicant (`answers_not_carried_over`).
CARRIED_OVER_BUILTINS_EXCLUDED = ("communes", "consent")


def application_carry_over_refusal(application, *, wave=None):
    """Why this file cannot be carried over now (a sentence), or "" when it can.

    `wave` is the open wave if the caller already read it.
    """
    if application.state != ApplicationState.DEFERRED:
        return _("Seul un dossier « pris en considération » peut être repris dans une vague.")
    if Application.objects.filter(carried_over_from=application).exists():
        return _("Ce dossier a déjà été repris dans une nouvelle vague.")
    wave = wave if wave is not None else Wave.objects.current()
    if wave is None or wave.pk == application.wave_id:
        return _(
            "Aucun appel à candidatures n'est ouvert : le dossier pourra être repris à "
            "l'ouverture de la prochaine vague."
        )
    return ""


@transaction.atomic
def application_carry_over(*, application, by):
    """Carry a deferred (Catégorie 2) file over to the open wave as a new, prefilled draft.

    Effects, in order: lock the original file; check its owner; check it is deferred, not
    carried over yet, and that a new wave is open; create the draft in that wave, linked to
    the original (its creation is recorded in its history); copy the builtin answers, the
    communes and the answers the new wave's form keeps by key (not the documents, not the
    consent). Returns the new draft.
    """
    original = Application.objects.select_for_update().get(pk=application.pk)
    if not by.has_perm("applications.carry_over_application", original):
        raise PermissionDenied(_("Vous n'avez pas le droit de reprendre ce dossier."))
    wave = Wave.objects.current()
    refusal = application_carry_over_refusal(original, wave=wave)
    if refusal:
        raise ValidationError(refusal)
    draft = application_create(wave=wave, by=by, carried_over_from=original)
    new_spec = form_for(wave)
    for question in new_spec.builtin_questions():
        if question.builtin_field in CARRIED_OVER_BUILTINS_EXCLUDED:
            continue
        setattr(draft, question.builtin_field, getattr(original, question.builtin_field))
    draft.territory_wide = original.territory_wide
    draft.answers = carried_over_answers(original, new_spec)
    draft.save()
    draft.communes.set(original.communes.all())
    return draft


def carried_over_answers(original, new_spec):
    """The answers of the original file the new form still asks, of the same kind, cleaned
    against the new question's limits (an answer the new form refuses is not taken)."""
    old_spec = form_for(original.wave)
    answers = {}
    for question in new_spec.answer_questions():
        old = old_spec.question(question.key)
        value = (original.answers or {}).get(question.key)
        if old is None or old.kind != question.kind or question.is_empty(value):
            continue
        try:
            answers[question.key] = question.clean(value)
        except ValidationError:
            continue
    return answers


def answers_not_carried_over(application):
    """For a carried-over draft: the original's answers its new form did not take, as
    (label, displayed answer), in the original form's order, for the applicant to re-use."""
    original = application.carried_over_from
    if original is None:
        return []
    old_spec = form_for(original.wave)
    kept = set((application.answers or {}).keys())
    new_keys = {question.key for question in form_for(application.wave).answer_questions()}
    rows = []
    for question in old_spec.answer_questions():
        value = (original.answers or {}).get(question.key)
        if question.is_empty(value) or (question.key in kept and question.key in new_keys):
            continue
        rows.append((question.label, question.display(value)))
    return rows


# --- Reminders before a wave closes ---------------------------------------------------------

# How long before the closing each reminder goes out, the latest first: when the task runs
# late, only the reminder of the window it is in is sent, never two at once.
REMINDER_WINDOWS = (
    (ReminderKind.ONE_DAY, timedelta(days=1)),
    (ReminderKind.SEVEN_DAYS, timedelta(days=7)),
)


def _reminder_kind(remaining):
    for kind, window in REMINDER_WINDOWS:
        if remaining <= window:
            return kind
    return None


def draft_reminders_send(*, now=None):
    """Mail the owners of unsubmitted drafts 7 days and 1 day before their wave closes.

    Meant to run every hour. Each (draft, reminder) pair is mailed once: the reminder row is
    written with the mail (outbox) in one transaction, and its uniqueness stops a second run.
    Returns the number of reminders queued.
    """
    now = now or timezone.now()
    longest = max(window for _kind, window in REMINDER_WINDOWS)
    waves = Wave.objects.filter(opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + longest)
    queued = 0
    for wave in waves:
        kind = _reminder_kind(wave.closes_at - now)
        drafts = (
            Application.objects.filter(
                wave=wave, state=ApplicationState.DRAFT, owner__is_active=True
            )
            .exclude(reminders__kind=kind)
            .select_related("owner", "wave")
        )
        for draft in drafts:
            queued += _draft_reminder_send(application=draft, kind=kind)
    return queued


def _draft_reminder_send(*, application, kind):
    try:
        with transaction.atomic():
            DraftReminder.objects.create(application=application, kind=kind)
            owner = application.owner
            outbox_enqueue(
                to=owner.email,
                template="draft_reminder",
                context={
                    "user": owner,
                    "application": application,
                    "wave": application.wave,
                    "kind": kind,
                    "missing": missing_items(application),
                    "path": reverse("applications:detail", kwargs={"pk": application.pk}),
                },
                recipient=owner,
            )
    except IntegrityError:
        # Another run recorded this reminder first: it is its mail that goes out.
        logger.info("Reminder %s of application %s already sent.", kind, application.pk)
        return 0
    return 1


# --- Expressions of interest -------------------------------------------------------------------


def expression_of_interest_record(*, email, message=""):
    """Keep the address of someone who wants to hear about the next call, for the staff."""
    return ExpressionOfInterest.objects.create(
        email=email.strip().lower(), message=(message or "").strip()
    )


# --- The dossier d'intention: sections and documents -------------------------------------------

# The builtin questions that are not plain columns: the M2M of the communes (with its
# « tout le territoire » box) and the consent checkbox (which dates `consent_given_at`).
_SPECIAL_DOSSIER_VALUES = ("communes", "consent")


def section_value_names(spec, section):
    """The names a section of the wave's form may write: its builtin fields and the keys of
    its other questions (not the files, added one by one)."""
    section_spec = spec.section(section)
    if section_spec is None:
        return None
    names = set()
    for question in section_spec.questions:
        if question.is_builtin:
            names.add(question.builtin_field)
            if question.builtin_field == "communes":
                names.add("territory_wide")
        elif not question.is_file:
            names.add(question.key)
    return names


def _lock_for_edit(application, by, permission="applications.change_application"):
    # Only the application's row: the wave is read with it, but locking the joined wave row
    # too would queue every applicant of the wave on that one row on deadline day.
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("wave")
        .get(pk=application.pk)
    )
    if not by.has_perm(permission, locked):
        raise PermissionDenied(_("Ce dossier ne peut pas être modifié."))
    return locked


@transaction.atomic
def application_update_section(*, application, by, section, values):
    """Save part of one section of the dossier d'intention (a draft, or a file to complete).

    `section` is the key of a section of the wave's form; `values` maps its builtin fields
    and the keys of its other questions to their values (answers already cleaned by their
    kind: the JSON to store). Only the keys of `values` are written, so saving the valid
    fields of an autosave never touches the others, nor another section. Effects, in order:
    lock; check the owner may edit (draft or completion requested); each answer cleaned
    again by its question; model validators of the written fields; the answers merged
    (an empty answer removed, and the answers of questions a condition now hides dropped);
    the fields saved (with `update_fields`); the communes replaced; the consent dated when
    given (its first date kept), cleared when withdrawn. Returns the saved application.
    """
    spec = form_for(application.wave)
    allowed = section_value_names(spec, section)
    if allowed is None:
        raise ValueError(f"Unknown dossier section {section!r}")
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Fields {sorted(unknown)} do not belong to section {section!r}")
    locked = _lock_for_edit(application, by)
    answer_keys = {question.key for question in spec.answer_questions()}
    plain = {
        name: value
        for name, value in values.items()
        if name not in _SPECIAL_DOSSIER_VALUES and name not in answer_keys
    }
    for name, value in plain.items():
        setattr(locked, name, value)
    locked.clean_fields(exclude=[f.name for f in Application._meta.fields if f.name not in plain])
    update_fields = [*plain, "updated_at"]
    typed = {key: value for key, value in values.items() if key in answer_keys}
    if typed:
        locked.answers = answers_merge(spec, locked.answers, typed)
        update_fields.append("answers")
    if "consent" in values:
        if not values["consent"]:
            locked.consent_given_at = None
        elif locked.consent_given_at is None:
            locked.consent_given_at = timezone.now()
        update_fields.append("consent_given_at")
    locked.save(update_fields=update_fields)
    if "communes" in values:
        locked.communes.set(values["communes"])
    return locked


def answers_merge(spec, answers, typed):
    """The answers with the typed ones written over them: each checked by its question (a bad
    value raises ValidationError), an empty answer removed, and the answers of questions a
    condition now hides dropped (one level of conditions: a single pass is enough)."""
    merged = dict(answers or {})
    errors = {}
    for key, value in typed.items():
        question = spec.question(key)
        try:
            value = question.clean(value)
        except ValidationError as error:
            errors[key] = error.messages
            continue
        if question.is_empty(value):
            merged.pop(key, None)
        else:
            merged[key] = value
    if errors:
        raise ValidationError(errors)
    answer_keys = {question.key for question in spec.answer_questions()}
    for question in spec.answer_questions():
        # A condition on a builtin question is left to completeness: its value is a column.
        if question.condition_key not in answer_keys:
            continue
        if question.key in merged and not question.is_shown(merged):
            del merged[question.key]
    return merged


def attachments_stored_size(application):
    """The bytes of documents an application holds (dossier and messages together)."""
    return (
        Attachment.objects.filter(application=application).aggregate(total=Sum("size"))["total"]
        or 0
    )


# The kind of a document sent with a message (not an answer to a file question).
MESSAGE_ATTACHMENT_KIND = AttachmentKind.OTHER


def _file_question(application, kind):
    question = form_for(application.wave).question(kind)
    if question is None or not question.is_file:
        raise ValidationError(_("Choisissez le type de la pièce."), code="kind")
    return question


def _check_file_question_limits(question, checked):
    """The file question's own limits, after the content checks of applications.uploads."""
    accept = {ext.lower().lstrip(".") for ext in question.options.get("accept") or []}
    aliases = EXTENSION_ALIASES.get(checked.extension, {checked.extension})
    if accept and not accept & aliases:
        raise ValidationError(
            _("« %(label)s » accepte seulement ces formats : %(formats)s.")
            % {
                "label": question.label,
                "formats": ", ".join(sorted(ext.upper() for ext in accept)),
            },
            code="type",
        )
    max_size_mb = question.options.get("max_size_mb")
    if max_size_mb and checked.size > int(max_size_mb) * 1024 * 1024:
        raise ValidationError(
            _("Ce fichier dépasse %(size)s Mo, la taille permise pour « %(label)s ».")
            % {"size": max_size_mb, "label": question.label},
            code="size",
        )


def _check_file_question_count(question, application):
    limit = question.options.get("max_files")
    if not limit:
        return
    joined = application.attachments.filter(message__isnull=True, kind=question.key).count()
    if joined >= int(limit):
        raise ValidationError(
            _("« %(label)s » compte déjà %(max)s fichiers, le nombre permis.")
            % {"label": question.label, "max": limit},
            code="count",
        )


def attachment_add(*, application, by, kind, upload, permission="applications.change_application"):
    """Attach a document to an application, after checking what it really is.

    `permission` is the right the actor needs: editing the dossier by default; the message
    thread passes "applications.message_application". Effects, in order: the actor's right;
    the content checked outside any lock (size, type from the content, antivirus, SHA-256,
    see applications/uploads.py); then in one transaction: lock; right checked again; the
    application's total allowance checked; the file stored under a random name; the row.
    Raises ValidationError (French message) when the file is refused.
    """
    if not by.has_perm(permission, application):
        raise PermissionDenied(_("Ce dossier ne peut pas être modifié."))
    question = None
    if kind != MESSAGE_ATTACHMENT_KIND or permission == "applications.change_application":
        question = _file_question(application, kind)
    checked = check_upload(upload, already_stored=attachments_stored_size(application))
    if question is not None:
        _check_file_question_limits(question, checked)
    with transaction.atomic():
        locked = _lock_for_edit(application, by, permission)
        # Checked again under the lock: two uploads at once must not both fit in the rest.
        check_total(checked.size, attachments_stored_size(locked))
        if question is not None:
            _check_file_question_count(question, locked)
        attachment = Attachment(
            application=locked,
            kind=kind,
            original_name=checked.display_name,
            extension=checked.extension,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        upload.seek(0)
        attachment.file.save(f"document.{checked.extension}", upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment, by):
    """Remove a document of the dossier while the applicant may still edit it.

    Effects, in order: lock the application; check the owner may edit; refuse a document
    sent with a message (the thread keeps it); delete the row; delete the stored file once
    the transaction is committed (a rollback keeps both).
    """
    locked = _lock_for_edit(attachment.application, by)
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk, application=locked)
    if Message.objects.filter(attachment=attachment).exists():
        raise ValidationError(
            _("Cette pièce accompagne un message : elle ne peut pas être supprimée.")
        )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def application_mark_decision_read(application, by):
    """Record the first time the holder opens the announced decision (accusé de lecture).

    Only the owner's own reading counts, and only once the decision is announced; staff see
    the time on the file. A conditional update, so that two tabs opened at once keep the
    first time; `updated_at` is left alone, the dossier did not change. Returns whether the
    time was recorded now.
    """
    if (
        application.owner_id != getattr(by, "pk", None)
        or application.announced_at is None
        or application.state not in DECIDED_STATES
        or application.decision_read_at is not None
    ):
        return False
    now = timezone.now()
    recorded = Application.objects.filter(pk=application.pk, decision_read_at__isnull=True).update(
        decision_read_at=now
    )
    if recorded:
        application.decision_read_at = now
    return bool(recorded)
