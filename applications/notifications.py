"""The mails of workflow events, written into the outbox (sent on commit)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState, Transition
from label.enums import Award, Role
from label.models import WaveMailText
from label.services import outbox_enqueue
from label.wave_texts import AnnouncementMailKind, sample_values, wave_values

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

    A request for completion carries its reply deadline, when staff gave one. The
    announcement uses the wave's text for the file's outcome (see ``announcement_mail``).
    """
    if transition not in APPLICANT_MAILS:
        return None
    if transition == Transition.ANNOUNCE:
        subject, opening = announcement_mail(application)
    else:
        subject, opening = APPLICANT_MAILS[transition]
        values = {
            "reference": application.reference or "",
            "title": application.title,
            "wave": str(application.wave),
        }
        subject, opening = subject % values, opening % values
    return outbox_enqueue(
        to=application.owner.email,
        template="application_event",
        context=_applicant_mail_context(
            application,
            subject=subject,
            opening=opening,
            message=message,
            deadline=_reply_deadline(application, transition),
        ),
        recipient=application.owner,
    )


def _applicant_mail_context(application, *, subject, opening, message="", deadline=""):
    """The context of the ``application_event`` mail (its text, its link)."""
    return {
        "user": application.owner,
        "subject": subject,
        "opening": opening,
        "message": message,
        "deadline": deadline,
        "path": reverse("applications:detail", kwargs={"pk": application.pk}),
    }


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


# --- The announcement of the jury's decision ---------------------------------------------------
# The mail tells the outcome in the wave's words and links to the file: the jury's
# motivation, conditions and the strengths it recognised are read there (which records the
# holder's read receipt), never sent by mail.


def announcement_mail_kind(application):
    """Which of the wave's announcement mails an announced file receives."""
    if application.state == ApplicationState.LABELLED:
        if application.award == Award.ESPOIRS:
            return AnnouncementMailKind.ESPOIRS
        return AnnouncementMailKind.LABEL
    if application.state == ApplicationState.DEFERRED:
        return AnnouncementMailKind.DEFERRED
    return AnnouncementMailKind.REFUSED


def announcement_values(application):
    """The values of the placeholders of the announcement mails, for one file."""
    return {
        "title": application.title,
        "reference": application.reference or "",
        "holder": application.holder_name or application.owner.full_name,
        **wave_values(application.wave),
    }


def _announcement_texts(wave, kind, values):
    """(subject, opening) of the wave's text for ``kind``; the generic text if it cannot render.

    Texts are checked when saved, so the fallback only serves a text saved before one of its
    placeholders was withdrawn from the code: the holder still gets a correct mail.
    """
    try:
        return WaveMailText.for_wave(wave, kind).render(values)
    except (KeyError, ValueError, TypeError):
        subject, opening = APPLICANT_MAILS[Transition.ANNOUNCE]
        return subject % values, opening % values


def announcement_mail(application, *, kind=None):
    """(subject, opening) of the announcement mail of a file: the wave's text for its outcome.

    ``kind`` defaults to the outcome the file was announced with; the announcement page
    gives it for a file not announced yet.
    """
    kind = kind or announcement_mail_kind(application)
    return _announcement_texts(application.wave, kind, announcement_values(application))


@dataclass
class MailPreview:
    """A mail as its recipient will read it (text part), for the staff's preview."""

    subject: str
    body: str


def announcement_mail_preview(*, wave, kind, application=None):
    """The announcement mail of ``kind`` as a holder of the wave will receive it.

    With an application (a file the announcement will send this mail to, before it is
    announced): its holder and its values. Without one: sample values.
    """
    if application is not None:
        subject, opening = announcement_mail(application, kind=kind)
        recipient = application.owner
        context = _applicant_mail_context(application, subject=subject, opening=opening)
    else:
        subject, opening = _announcement_texts(wave, kind, sample_values(wave))
        recipient = None
        context = {
            "user": {"full_name": "Camille Martin"},
            "subject": subject,
            "opening": opening,
            "path": reverse("applications:applicant_home"),
        }
    language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        body = render_to_string(
            "emails/application_event.txt", {"site_url": settings.SITE_URL, **context}
        )
    return MailPreview(subject=" ".join(str(subject).split()), body=body)
