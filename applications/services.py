"""Writes of the applications app that are not moves of the state machine."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Message, StaffNote
from label.rules import is_instruction
from label.services import outbox_enqueue

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
