"""The mails of workflow events, written into the outbox (sent on commit)."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from applications.enums import Transition
from label.enums import Role
from label.services import outbox_enqueue

# For each event mailed to the applicant: the subject and the opening paragraph.
APPLICANT_MAILS = {
    Transition.SUBMIT: (
        _("Votre dossier %(reference)s est déposé"),
        _(
            "Votre dossier « %(title)s » a bien été déposé pour la %(wave)s. Son récépissé est "
            "disponible dans votre espace. L'équipe d'instruction va vérifier sa recevabilité."
        ),
    ),
    Transition.REQUEST_CHANGES: (
        _("Compléments demandés pour votre dossier %(reference)s"),
        _(
            "L'équipe d'instruction demande des compléments sur votre dossier « %(title)s ». "
            "Vous pouvez le modifier puis le déposer à nouveau depuis votre espace."
        ),
    ),
    Transition.RESUBMIT: (
        _("Votre dossier %(reference)s complété est déposé"),
        _("Votre dossier « %(title)s » complété a bien été déposé à nouveau."),
    ),
    Transition.DECLARE_ELIGIBLE: (
        _("Votre dossier %(reference)s est recevable"),
        _(
            "Votre dossier « %(title)s » est déclaré recevable. Il sera examiné pour la "
            "sélection des projets instruits de cette vague."
        ),
    ),
    Transition.DECLARE_INELIGIBLE: (
        _("Votre dossier %(reference)s n'est pas recevable"),
        _("Votre dossier « %(title)s » a été déclaré irrecevable, pour le motif suivant."),
    ),
    Transition.SELECT_FOR_REVIEW: (
        _("Votre dossier %(reference)s est retenu pour l'instruction"),
        _(
            "Votre projet « %(title)s » fait partie des projets retenus pour l'instruction par "
            "les comités du Label Euralens."
        ),
    ),
    Transition.NOT_SELECT: (
        _("Votre dossier %(reference)s n'est pas retenu cette année"),
        _(
            "Votre projet « %(title)s » n'a pas été retenu pour l'instruction de cette vague, "
            "pour le motif suivant."
        ),
    ),
    Transition.ANNOUNCE: (
        _("Décision du jury pour votre dossier %(reference)s"),
        _(
            "Le jury du Label Euralens a rendu sa décision sur votre projet « %(title)s ». "
            "Vous pouvez la consulter dans votre espace."
        ),
    ),
    Transition.WITHDRAW: (
        _("Votre dossier %(reference)s est retiré"),
        _("Vous avez retiré votre dossier « %(title)s ». Il ne sera pas examiné."),
    ),
    Transition.REVOKE: (
        _("Retrait du label pour votre projet %(reference)s"),
        _(
            "Le Label Euralens attribué à votre projet « %(title)s » a été retiré, pour le "
            "motif suivant."
        ),
    ),
    Transition.REOPEN: (
        _("Votre dossier %(reference)s est réexaminé"),
        _("Votre dossier « %(title)s » est rouvert et sera réexaminé par l'équipe d'instruction."),
    ),
}


def _reply_deadline(application, transition):
    """The date by which the applicant is asked to complete the file, for its mail, or ""."""
    if transition != Transition.REQUEST_CHANGES or not application.changes_deadline:
        return ""
    return formats.date_format(application.changes_deadline, "j F Y")


def notify_applicant(*, application, transition, message=""):
    """Queue the mail of a workflow event to the owner of the application, if it has one.

    A request for completion carries its reply deadline, when staff gave one.
    """
    if transition not in APPLICANT_MAILS:
        return None
    subject, opening = APPLICANT_MAILS[transition]
    values = {
        "reference": application.reference or "",
        "title": application.title,
        "wave": str(application.wave),
    }
    return outbox_enqueue(
        to=application.owner.email,
        template="application_event",
        context={
            "user": application.owner,
            "subject": subject % values,
            "opening": opening % values,
            "message": message,
            "deadline": _reply_deadline(application, transition),
            "path": reverse("applications:detail", kwargs={"pk": application.pk}),
        },
        recipient=application.owner,
    )


def instruction_team():
    """The active accounts of the instruction team, who are told of what awaits them."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.INSTRUCTION)
        .distinct()
        .order_by("email")
    )


def notify_staff_refiled(*, application, reply=""):
    """Queue to each member of the instruction team the mail of a file filed again.

    The applicant's mail says « l'équipe d'instruction en est informée »: this is that news,
    with the applicant's reply and a link to the staff page of the file. Returns the mails.
    """
    values = {
        "reference": application.reference or "",
        "title": application.title,
        "wave": str(application.wave),
    }
    path = reverse("applications:instruction_detail", kwargs={"pk": application.pk})
    return [
        outbox_enqueue(
            to=member.email,
            template="staff_refiled",
            context={
                "user": member,
                "subject": _("Dossier %(reference)s complété et déposé à nouveau") % values,
                "opening": _(
                    "Le porteur du dossier « %(title)s » (%(reference)s, %(wave)s) l'a complété "
                    "et déposé à nouveau. Il attend votre examen."
                )
                % values,
                "reply": reply,
                "path": path,
            },
            recipient=member,
        )
        for member in instruction_team()
    ]
