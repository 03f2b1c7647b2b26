"""The moves of an application: one function per transition of DESIGN.md §3.

Each function, in one database transaction: locks the application row, checks that the
actor may make the move (rules), calls the transition method of the model (which checks the
source state and the conditions, and raises TransitionNotAllowed), saves the changed fields,
writes the history row, and schedules the mails (outbox, sent on commit). Views, admin
actions, commands and the reviews app call only these functions.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from applications.enums import ANNOUNCED_STATES, ApplicationState, Transition
from applications.models import Application, ApplicationEvent
from applications.notifications import notify_applicant, notify_staff_refiled
from callforms.services import form_lock
from label.enums import Award
from label.models import Wave

__all__ = ["TransitionNotAllowed"]


def _lock(application):
    """Re-read the application under a row lock; the caller's copy may be stale.

    The lock is on the application's row only (`of`): the wave and the owner are read with
    it for the rules and the mail, but locking their rows would make every move of a wave
    wait for every other one.
    """
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("wave", "owner")
        .get(pk=application.pk)
    )


def _check_actor(permission, by, application):
    if not by.has_perm(permission, application):
        raise PermissionDenied(_("Vous n'avez pas le droit d'effectuer cette action."))


def _require_text(value, message):
    if not (value or "").strip():
        raise ValidationError(message)
    return value.strip()


def _record(*, application, transition, from_state, by, message="", internal_note=""):
    return ApplicationEvent.objects.create(
        application=application,
        transition=transition,
        from_state=from_state,
        to_state=application.state,
        actor=by,
        message=message,
        internal_note=internal_note,
    )


def _move(
    *,
    application,
    by,
    permission,
    transition,
    method_kwargs=None,
    fields=(),
    message="",
    internal_note="",
    notify=True,
):
    """The common steps of every move; returns the fresh, saved application."""
    locked = _lock(application)
    _check_actor(permission, by, locked)
    from_state = locked.state
    getattr(locked, transition.value)(**(method_kwargs or {}))
    locked.save(update_fields=["state", "updated_at", *fields])
    _record(
        application=locked,
        transition=transition,
        from_state=from_state,
        by=by,
        message=message,
        internal_note=internal_note,
    )
    if notify:
        notify_applicant(application=locked, transition=transition, message=message)
    return locked


def _assign_reference(application):
    """Give the application the next reference of its wave, e.g. EL11-0042 (once).

    Takes the wave's numbering lock, held until the commit: call it last, with nothing slow
    after it in the transaction but the save and the confirmation mail.
    """
    if application.reference:
        return
    # The wave row lock serialises numbering between simultaneous first submissions. It is a
    # "no key" lock: a draft opened in the wave meanwhile only needs its key (the foreign key
    # check), so starting a dossier never waits for someone else's filing.
    wave = Wave.objects.select_for_update(no_key=True).get(pk=application.wave_id)
    last = Application.objects.filter(wave=wave).aggregate(last=Max("reference_number"))["last"]
    application.reference_number = (last or 0) + 1
    application.reference = f"{wave.short_code}-{application.reference_number:04d}"


@transaction.atomic
def application_create(*, wave, by, carried_over_from=None):
    """Open a new draft for the account in a wave, and record its creation."""
    application = Application.objects.create(
        wave=wave, owner=by, carried_over_from=carried_over_from
    )
    _record(application=application, transition=Transition.CREATE, from_state="", by=by)
    return application


@transaction.atomic
def application_submit(*, application, by):
    """File a draft: draft → submitted.

    Effects, in order: lock; check the owner; guard (wave open by the server clock, dossier
    complete); history row; reference of the wave given (the wave's numbering lock); the
    wave's form locked (idempotent); save; confirmation mail to the applicant (outbox, sent
    on commit).

    The mail is written in the filing's transaction, under the numbering lock, because it
    carries the reference: a few milliseconds of rendering, against a mail that could be lost
    between the commit and a later write (the outbox's promise is that none is).
    """
    locked = _lock(application)
    _check_actor("applications.submit_application", by, locked)
    from_state = locked.state
    locked.submit()
    _record(application=locked, transition=Transition.SUBMIT, from_state=from_state, by=by)
    # Numbering last: the wave's lock is held until the commit, and every filing of the wave
    # waits for it, so only the number and the save happen under it.
    _assign_reference(locked)
    # The wave's form is locked by its first filed dossier: its questions are those answered.
    form_lock(wave=locked.wave)
    locked.save(
        update_fields=[
            "state",
            "updated_at",
            "submitted_at",
            "last_submitted_at",
            "reference",
            "reference_number",
        ]
    )
    notify_applicant(application=locked, transition=Transition.SUBMIT)
    return locked


@transaction.atomic
def application_request_changes(*, application, by, message, deadline=None):
    """Ask the applicant to complete the file: submitted → changes_requested.

    Effects: lock; check instruction; message required; save; history row with the message;
    mail to the applicant with the message (outbox).
    """
    message = _require_text(message, _("Le message au porteur est obligatoire."))
    return _move(
        application=application,
        by=by,
        permission="applications.instruct_application",
        transition=Transition.REQUEST_CHANGES,
        method_kwargs={"deadline": deadline},
        fields=["changes_requested_at", "changes_deadline"],
        message=message,
    )


@transaction.atomic
def application_resubmit(*, application, by, reply=""):
    """File the completed dossier again: changes_requested → submitted (even after closing).

    Effects: lock; check the owner; guard (dossier complete); save; history row with the
    applicant's reply; confirmation mail (outbox); a mail to each member of the instruction
    team (outbox), as the applicant is told they are informed.
    """
    reply = (reply or "").strip()
    locked = _move(
        application=application,
        by=by,
        permission="applications.resubmit_application",
        transition=Transition.RESUBMIT,
        fields=["last_submitted_at", "changes_deadline"],
        message=reply,
    )
    notify_staff_refiled(application=locked, reply=reply)
    return locked


@transaction.atomic
def application_declare_eligible(*, application, by, checklist, note=""):
    """Declare the file eligible: submitted → eligible, with the eligibility checklist.

    Effects: lock; check instruction; checklist stored, then guard (every item answered);
    save; history row (the note stays internal); mail to the applicant (outbox).
    """
    locked = _lock(application)
    _check_actor("applications.instruct_application", by, locked)
    locked.eligibility_checklist = {str(code): bool(value) for code, value in checklist.items()}
    from_state = locked.state
    locked.declare_eligible()
    locked.save(
        update_fields=["state", "updated_at", "eligibility_checklist", "eligibility_decided_at"]
    )
    _record(
        application=locked,
        transition=Transition.DECLARE_ELIGIBLE,
        from_state=from_state,
        by=by,
        internal_note=note,
    )
    notify_applicant(application=locked, transition=Transition.DECLARE_ELIGIBLE)
    return locked


@transaction.atomic
def application_declare_ineligible(*, application, by, motivation):
    """Declare the file ineligible: submitted → ineligible (final), with a motivation.

    Effects: lock; check instruction; motivation required; save; history row; mail with the
    motivation (outbox).
    """
    motivation = _require_text(motivation, _("La motivation est obligatoire."))
    return _move(
        application=application,
        by=by,
        permission="applications.instruct_application",
        transition=Transition.DECLARE_INELIGIBLE,
        method_kwargs={"motivation": motivation},
        fields=["eligibility_decided_at", "closing_motivation"],
        message=motivation,
    )


@transaction.atomic
def application_select_for_review(*, application, by):
    """Select an eligible file for instruction by the committees: eligible → in_review.

    Effects: lock; check instruction; save; history row; mail to the applicant (outbox).
    """
    return _move(
        application=application,
        by=by,
        permission="applications.instruct_application",
        transition=Transition.SELECT_FOR_REVIEW,
        fields=["selected_at"],
    )


@transaction.atomic
def application_not_select(*, application, by, motivation):
    """Leave an eligible file out of this year's instruction: eligible → not_selected.

    Effects: lock; check instruction; motivation required; save; history row; mail with the
    motivation (outbox).
    """
    motivation = _require_text(motivation, _("La motivation est obligatoire."))
    return _move(
        application=application,
        by=by,
        permission="applications.instruct_application",
        transition=Transition.NOT_SELECT,
        method_kwargs={"motivation": motivation},
        fields=["closing_motivation"],
        message=motivation,
    )


@transaction.atomic
def application_send_to_jury(*, application, by, pending_reviews, waive_missing=False, note=""):
    """Send a reviewed file to the jury: in_review → deliberation.

    `pending_reviews` is the number of assigned reviews not yet submitted, counted by the
    reviews app (which calls this function); they must be zero or explicitly waived.
    Effects: lock; check instruction; guard on reviews; save; history row (internal note).
    The applicant is not mailed: deliberation is internal.
    """
    if pending_reviews and not waive_missing:
        raise ValidationError(
            _(
                "%(count)d évaluation(s) attendue(s) ne sont pas remises : attendez-les ou "
                "renoncez-y explicitement."
            )
            % {"count": pending_reviews}
        )
    return _move(
        application=application,
        by=by,
        permission="applications.instruct_application",
        transition=Transition.SEND_TO_JURY,
        method_kwargs={"missing_reviews_waived": bool(pending_reviews and waive_missing)},
        fields=["sent_to_jury_at", "missing_reviews_waived"],
        internal_note=note,
        notify=False,
    )


@transaction.atomic
def application_announce(*, application, by, outcome, award="", motivation=""):
    """Apply the jury's recorded decision: deliberation → labelled, deferred or refused.

    Called for a whole wave at once by the reviews app, from the pending decision rows.
    Effects: lock; check instruction; outcome (and award for a label) checked; save;
    history row; mail to the applicant (outbox).
    """
    if outcome not in ANNOUNCED_STATES:
        raise ValidationError(_("Décision inconnue."))
    if outcome == ApplicationState.LABELLED and award not in Award.values:
        raise ValidationError(_("Un projet labellisé doit recevoir le Label ou le Label Espoirs."))
    return _move(
        application=application,
        by=by,
        permission="applications.instruct_application",
        transition=Transition.ANNOUNCE,
        method_kwargs={"outcome": outcome, "award": award, "motivation": motivation},
        fields=["announced_at", "award", "closing_motivation"],
    )


@transaction.atomic
def application_withdraw(*, application, by):
    """The applicant withdraws the file: → withdrawn (final).

    Effects: lock; check the owner; save; history row; confirmation mail (outbox).
    """
    return _move(
        application=application,
        by=by,
        permission="applications.withdraw_application",
        transition=Transition.WITHDRAW,
        fields=["withdrawn_at"],
    )


@transaction.atomic
def application_revoke(*, application, by, motivation):
    """Withdraw a label for a breach of the convention: labelled → revoked (final).

    Effects: lock; check instruction; motivation required; save; history row; mail with the
    motivation (outbox). The catalogue entry is unpublished by the caller's service.
    """
    motivation = _require_text(motivation, _("La motivation est obligatoire."))
    return _move(
        application=application,
        by=by,
        permission="applications.instruct_application",
        transition=Transition.REVOKE,
        method_kwargs={"motivation": motivation},
        fields=["revoked_at", "closing_motivation"],
        message=motivation,
    )


@transaction.atomic
def application_reopen(*, application, by, reason):
    """Reopen an ineligible or not-selected file: → submitted, with a reason.

    Effects: lock; check instruction; reason required; save; history row; mail (outbox).
    """
    reason = _require_text(reason, _("La raison de la réouverture est obligatoire."))
    return _move(
        application=application,
        by=by,
        permission="applications.instruct_application",
        transition=Transition.REOPEN,
        fields=["closing_motivation", "eligibility_decided_at"],
        message=reason,
    )
