"""The moves of a review: save a draft, submit it (which locks it), reopen it (staff).

Each function, in one transaction: locks the rows it changes, checks the actor with rules,
validates its input, writes, and queues mails on commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from applications.enums import ApplicationState
from label.models import Wave
from reviews import notifications
from reviews.enums import Opinion, ReviewState
from reviews.models import Assignment, Review, Score
from reviews.scoring.selectors import criterion_list_for_wave

__all__ = [
    "TransitionNotAllowed",
    "review_reopen",
    "review_save_draft",
    "review_submit",
]

LOCKED_MESSAGE = gettext_lazy(
    "Cette évaluation est remise : elle ne peut plus être modifiée. Si une correction est "
    "nécessaire, demandez à l'équipe d'instruction de la rouvrir."
)


def _lock_assignment(assignment):
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application", "application__wave", "reviewer")
        .get(pk=assignment.pk)
    )


def _editable_review(assignment, by):
    """The reviewer's review, created as an empty draft on first save, if they may change it.

    Someone else is refused before anything about the review is read; the reviewer is told
    plainly when the review is submitted or the file has left instruction.
    """
    if assignment.reviewer_id != by.pk or assignment.has_conflict:
        raise PermissionDenied(_("Vous n'avez pas le droit de modifier cette évaluation."))
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    if review.state == ReviewState.SUBMITTED:
        raise ValidationError(LOCKED_MESSAGE)
    if assignment.application.state != ApplicationState.IN_REVIEW:
        raise ValidationError(
            _("Ce dossier n'est plus en instruction : l'évaluation ne peut plus être modifiée.")
        )
    if not by.has_perm("reviews.change_review", assignment):
        raise PermissionDenied(_("Vous n'avez pas le droit de modifier cette évaluation."))
    return review


def _validated_scores(criteria, scores):
    """Check every score against its criterion's scale; return {criterion pk: (value, comment)}.

    Unknown criteria and values outside 0…scale are refused with the criterion named.
    """
    by_pk = {criterion.pk: criterion for criterion in criteria}
    errors = []
    clean = {}
    for criterion_pk, entry in scores.items():
        criterion = by_pk.get(int(criterion_pk))
        if criterion is None:
            errors.append(_("Critère inconnu dans cette grille."))
            continue
        value = entry.get("value")
        if value not in (None, ""):
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = -1
            if not 0 <= value <= criterion.scale_max:
                errors.append(
                    _("%(code)s : la note doit être comprise entre 0 et %(max)d.")
                    % {"code": criterion.code, "max": criterion.scale_max}
                )
                continue
        else:
            value = None
        clean[criterion.pk] = (value, (entry.get("comment") or "").strip())
    if errors:
        raise ValidationError(errors)
    return clean


def _write(review, criteria, scores, *, opinion, shared_comment, private_comment):
    clean = _validated_scores(criteria, scores)
    if opinion and opinion not in Opinion.values:
        raise ValidationError(_("Avis global inconnu."))
    existing = {score.criterion_id: score for score in review.scores.all()}
    to_create, to_update = [], []
    for criterion_pk, (value, comment) in clean.items():
        score = existing.get(criterion_pk)
        if score is None:
            to_create.append(
                Score(review=review, criterion_id=criterion_pk, value=value, comment=comment)
            )
        elif (score.value, score.comment) != (value, comment):
            score.value, score.comment = value, comment
            to_update.append(score)
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["value", "comment"])
    review.opinion = opinion or ""
    review.shared_comment = (shared_comment or "").strip()
    review.private_comment = (private_comment or "").strip()


@transaction.atomic
def review_save_draft(*, assignment, by, scores, opinion="", shared_comment="", private_comment=""):
    """Save the reviewer's work without submitting it: scores may be missing.

    `scores` is {criterion pk: {"value": 0…scale or None, "comment": str}}. Effects: lock
    the assignment; refuse a submitted review (clear message) or someone else; check the
    scales; write the scores and comments.
    """
    assignment = _lock_assignment(assignment)
    review = _editable_review(assignment, by)
    criteria = criterion_list_for_wave(assignment.application.wave_id)
    _write(
        review,
        criteria,
        scores,
        opinion=opinion,
        shared_comment=shared_comment,
        private_comment=private_comment,
    )
    review.save(update_fields=["opinion", "shared_comment", "private_comment", "updated_at"])
    return review


@transaction.atomic
def review_submit(*, assignment, by, scores, opinion, shared_comment="", private_comment=""):
    """Submit the review: it is saved, checked complete, and locked.

    Effects: lock the wave row (the grid cannot change meanwhile) and the assignment; refuse
    a submitted review or someone else; check the scales; write; every required criterion
    scored and the overall opinion given, else refused with the missing codes; draft →
    submitted. The first submission of a wave locks its grid.
    """
    assignment = _lock_assignment(assignment)
    Wave.objects.select_for_update().filter(pk=assignment.application.wave_id).first()
    review = _editable_review(assignment, by)
    criteria = criterion_list_for_wave(assignment.application.wave_id)
    _write(
        review,
        criteria,
        scores,
        opinion=opinion,
        shared_comment=shared_comment,
        private_comment=private_comment,
    )
    given = {
        criterion_pk
        for criterion_pk, value in review.scores.values_list("criterion_id", "value")
        if value is not None
    }
    missing = [c.code for c in criteria if c.required and c.pk not in given]
    errors = []
    if missing:
        errors.append(
            _("Critères obligatoires non notés : %(codes)s.") % {"codes": ", ".join(missing)}
        )
    if not review.opinion:
        errors.append(_("L'avis global est obligatoire pour remettre l'évaluation."))
    if errors:
        raise ValidationError(errors)
    review.submit()
    review.save(
        update_fields=[
            "state",
            "opinion",
            "shared_comment",
            "private_comment",
            "submitted_at",
            "updated_at",
        ]
    )
    return review


@transaction.atomic
def review_reopen(*, review, by, reason):
    """Staff reopen a submitted review so that its reviewer may correct it, with a reason.

    Effects: lock; check staff; reason required; the file must still be under instruction;
    submitted → draft; mail to the reviewer with the reason (outbox).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Le motif de la réouverture est obligatoire."))
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related(
            "assignment",
            "assignment__application",
            "assignment__application__wave",
            "assignment__reviewer",
        )
        .get(pk=review.pk)
    )
    if not by.has_perm("reviews.reopen_review", review):
        if review.state != ReviewState.SUBMITTED:
            raise ValidationError(_("Cette évaluation n'est pas remise : rien à rouvrir."))
        raise PermissionDenied(_("Vous n'avez pas le droit de rouvrir cette évaluation."))
    if review.assignment.application.state != ApplicationState.IN_REVIEW:
        raise ValidationError(
            _("Ce dossier n'est plus en instruction : son évaluation ne peut plus être rouverte.")
        )
    review.reopen(by=by, reason=reason)
    review.save(
        update_fields=["state", "reopened_at", "reopened_by", "reopen_reason", "updated_at"]
    )
    notifications.notify_review_reopened(review)
    return review


# --- The announcement of a wave's results, the withdrawal of a label ------------------------
