"""The mails of the review process, written into the outbox (sent on commit).

Mails to reviewers name the file by its reference only: the title and holder are read on
the portal, after the reviewer has accepted confidentiality.
"""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from label.services import outbox_enqueue


def _send(*, user, subject, opening, path, link_label, message=""):
    return outbox_enqueue(
        to=user.email,
        template="reviewer_event",
        context={
            "user": user,
            "subject": subject,
            "opening": opening,
            "message": message,
            "path": path,
            "link_label": link_label,
        },
        recipient=user,
    )


def _values(assignment):
    return {
        "reference": assignment.application.reference or "",
        "wave": str(assignment.application.wave),
        "due": formats.date_format(assignment.due_on, "DATE_FORMAT"),
    }


def notify_reviewer_assigned(assignment):
    """Tell a reviewer a file was given to them, and by when the review is due."""
    values = _values(assignment)
    return _send(
        user=assignment.reviewer,
        subject=_("Un dossier vous est attribué : %(reference)s") % values,
        opening=_(
            "Le dossier %(reference)s de la %(wave)s vous est attribué pour évaluation. "
            "Avant de l'ouvrir, vous accepterez la confidentialité et déclarerez tout conflit "
            "d'intérêts. Évaluation attendue au plus tard le %(due)s."
        )
        % values,
        path=reverse("reviews:engagement", kwargs={"pk": assignment.pk}),
        link_label=_("Voir le dossier"),
    )


def notify_reviewer_reminder(assignment, *, on_due_date):
    """Remind a reviewer of a review still pending, three days before or on the due date."""
    values = _values(assignment)
    if on_due_date:
        subject = _("Évaluation attendue aujourd'hui : %(reference)s") % values
        opening = _(
            "Votre évaluation du dossier %(reference)s est attendue aujourd'hui, le %(due)s."
        )
    else:
        subject = _("Rappel : évaluation attendue le %(due)s (%(reference)s)") % values
        opening = _(
            "Votre évaluation du dossier %(reference)s est attendue le %(due)s. Pensez à la "
            "remettre : un brouillon n'est pas transmis au jury."
        )
    return _send(
        user=assignment.reviewer,
        subject=subject,
        opening=opening % values,
        path=reverse("reviews:review", kwargs={"pk": assignment.pk}),
        link_label=_("Ouvrir mon évaluation"),
    )


def notify_review_reopened(review):
    """Tell a reviewer staff reopened their submitted review, and why."""
    assignment = review.assignment
    values = _values(assignment)
    return _send(
        user=assignment.reviewer,
        subject=_("Votre évaluation du dossier %(reference)s est rouverte") % values,
        opening=_(
            "L'équipe d'instruction a rouvert votre évaluation du dossier %(reference)s : vous "
            "pouvez la modifier puis la remettre à nouveau. Motif :"
        )
        % values,
        message=review.reopen_reason,
        path=reverse("reviews:review", kwargs={"pk": assignment.pk}),
        link_label=_("Ouvrir mon évaluation"),
    )


def notify_conflict_declared(assignment):
    """Tell the staff member who made an assignment that the reviewer stood down."""
    if assignment.assigned_by is None or not assignment.assigned_by.email:
        return None
    values = {**_values(assignment), "reviewer": str(assignment.reviewer)}
    return _send(
        user=assignment.assigned_by,
        subject=_("Conflit d'intérêts déclaré sur le dossier %(reference)s") % values,
        opening=_(
            "%(reviewer)s a déclaré un conflit d'intérêts sur le dossier %(reference)s et ne "
            "l'évaluera pas. Vous pouvez attribuer le dossier à un autre évaluateur. Motif :"
        )
        % values,
        message=assignment.conflict_reason,
        path=reverse("reviews:assignments", kwargs={"wave_pk": assignment.application.wave_id}),
        link_label=_("Voir les attributions"),
    )
