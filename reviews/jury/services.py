"""Writes of the jury's work that are not moves of an application: the hand-over of a file to
the jury, decisions (pending until the announcement), recusals, sessions.

The announcement itself, which applies the decisions through the `announce` transition, and
the withdrawal of a label are in reviews/workflow.py.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application
from applications.workflow import application_send_to_jury
from label.rules import is_instruction, is_jury_member
from reviews.enums import JuryOutcome
from reviews.jury import selectors
from reviews.models import JuryDecision, JurySession, Recusal
from reviews.rules import require_perm
from reviews.scoring.selectors import pending_reviews_count

MOTIVATION_MAX_LENGTH = 5000


def _require_text(value, message, *, max_length=MOTIVATION_MAX_LENGTH):
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    if len(value) > max_length:
        raise ValidationError(_("Le texte dépasse %(max)d caractères.") % {"max": max_length})
    return value


def _limit(value, *, max_length=MOTIVATION_MAX_LENGTH):
    value = (value or "").strip()
    if len(value) > max_length:
        raise ValidationError(_("Le texte dépasse %(max)d caractères.") % {"max": max_length})
    return value


# --- Hand-over to the jury -------------------------------------------------------------------


@transaction.atomic
def send_to_jury(*, application, by, waive_missing=False, note=""):
    """Send a file under instruction to the jury, counting the reviews still pending.

    The count and the move happen in one transaction; pending reviews must be waived
    explicitly (applications.workflow.application_send_to_jury checks it and the state).
    """
    require_perm("reviews.manage_reviews", by)
    Application.objects.select_for_update().filter(pk=application.pk).first()
    pending = pending_reviews_count(application)
    return application_send_to_jury(
        application=application,
        by=by,
        pending_reviews=pending,
        waive_missing=waive_missing,
        note=note,
    )


# --- Decisions --------------------------------------------------------------------------------


@transaction.atomic
def jury_decision_record(
    *, application, by, outcome, motivation, conditions="", shared_reviews=(), atouts=None
):
    """Record (or change) the jury's decision on a file in deliberation; it stays pending.

    `shared_reviews` are the reviews whose comment for the applicant the jury passes on: only
    submitted reviews of this file with such a comment are accepted — never a private
    comment, never a name. Effects, in order: lock the application; check the actor (staff,
    or a jury member without conflict when the wave delegates decisions) and the state; check
    the outcome, motivation and comments; write the row. Nothing reaches the applicant until
    the wave's announcement.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("wave")
        .get(pk=application.pk)
    )
    # Someone outside the jury's pages learns nothing about the file's state.
    require_perm("reviews.access_jury_area", by)
    if application.state != ApplicationState.DELIBERATION:
        raise ValidationError(
            _("Ce dossier n'est pas en délibération : sa décision ne peut plus être modifiée.")
        )
    require_perm("reviews.record_decision", by, application)
    if outcome not in JuryOutcome.values:
        raise ValidationError(_("Décision inconnue."))
    motivation = _require_text(motivation, _("La motivation de la décision est obligatoire."))
    conditions = (conditions or "").strip()
    if len(conditions) > MOTIVATION_MAX_LENGTH:
        raise ValidationError(
            _("Le texte dépasse %(max)d caractères.") % {"max": MOTIVATION_MAX_LENGTH}
        )
    shareable = {review.pk: review for review in selectors.shareable_reviews(application)}
    chosen = {getattr(review, "pk", review) for review in shared_reviews}
    unknown = chosen - set(shareable)
    if unknown:
        raise ValidationError(
            _(
                "Seuls les commentaires transmissibles des évaluations remises de ce dossier "
                "peuvent être communiqués."
            )
        )
    decision = JuryDecision.objects.select_for_update().filter(application=application).first()
    if decision is not None and decision.is_announced:
        raise ValidationError(_("Cette décision est déjà annoncée : elle ne peut plus changer."))
    if decision is None:
        decision = JuryDecision(application=application)
    decision.outcome = outcome
    decision.motivation = motivation
    decision.conditions = conditions
    if atouts is not None:
        # None keeps what a session wrote when the decision is edited on the file's page.
        decision.atouts = _limit(atouts)
    decision.recorded_by = by
    decision.recorded_at = timezone.now()
    decision.save()
    decision.shared_reviews.set([shareable[pk] for pk in sorted(chosen)])
    return decision


# --- Recusals ----------------------------------------------------------------------------------


def _conflict_reason_text(reasons):
    return " ; ".join(reasons)


def recusals_record_automatic(*, wave, member):
    """Record the member's recusal from every file in deliberation of the wave they conflict
    with by the rules (organisation, mandate commune, conflict declared as a reviewer).

    Run when a jury member opens the wave or a file, so that the record exists the first time
    they meet the file; staff are never recused (they see every file). Rows already there
    are left as they are. Returns the rows created.
    """
    if not is_jury_member(member) or is_instruction(member):
        return []
    applications = selectors.applications_in_deliberation(wave)
    conflicts = selectors.jury_conflicts_for_member(applications, member)
    if not conflicts:
        return []
    known = set(
        Recusal.objects.filter(member=member, application_id__in=conflicts).values_list(
            "application_id", flat=True
        )
    )
    rows = [
        Recusal(
            wave=wave,
            application_id=application_pk,
            member=member,
            reason=_conflict_reason_text(reasons),
            automatic=True,
        )
        for application_pk, reasons in sorted(conflicts.items())
        if application_pk not in known
    ]
    # Two pages opened at once by the same member may both try: the constraint keeps one.
    Recusal.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def recusal_record_automatic_for_file(*, application, member):
    """The same for one file: its recusal row if the member conflicts with it, else None."""
    if not is_jury_member(member) or is_instruction(member):
        return None
    if application.state != ApplicationState.DELIBERATION:
        return None
    existing = Recusal.objects.filter(application=application, member=member).first()
    if existing is not None:
        return existing
    reasons = selectors.jury_conflicts_for_member([application], member).get(application.pk)
    if not reasons:
        return None
    Recusal.objects.bulk_create(
        [
            Recusal(
                wave_id=application.wave_id,
                application=application,
                member=member,
                reason=_conflict_reason_text(reasons),
                automatic=True,
            )
        ],
        ignore_conflicts=True,
    )
    return Recusal.objects.filter(application=application, member=member).first()


@transaction.atomic
def recusal_declare(*, application, by, reason, session=None):
    """A jury member recuses themself from a file in deliberation, with the link declared.

    From then on the file, its reviews and its decision are closed to them. Effects: lock
    the application; check the member may recuse; reason required; the recusal row.
    """
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    reason = _require_text(reason, _("Indiquez la raison de votre récusation."), max_length=2000)
    require_perm("reviews.recuse", by, application)
    try:
        with transaction.atomic():
            return Recusal.objects.create(
                wave_id=application.wave_id,
                application=application,
                member=by,
                session=session,
                reason=reason,
            )
    except IntegrityError as error:
        raise ValidationError(_("Vous êtes déjà récusé(e) pour ce dossier.")) from error


# --- Sessions ----------------------------------------------------------------------------------


def _check_members(members):
    members = list(members)
    outsiders = [str(member) for member in members if not is_jury_member(member)]
    if outsiders:
        raise ValidationError(
            _("Ces personnes ne sont pas membres du jury : %(names)s.")
            % {"names": ", ".join(outsiders)}
        )
    return members


@transaction.atomic
def jury_session_save(*, wave, by, held_on, place, members_present=(), notes="", session=None):
    """Create or update a sitting of the wave's jury (date, place, members present, notes).

    Effects: check the actor (staff, or the jury when the wave delegates decisions); date
    and place required; members must hold the jury role; write the row and its members.
    """
    require_perm("reviews.record_jury_session", by, wave)
    if held_on is None:
        raise ValidationError(_("La date de la séance est obligatoire."))
    place = _require_text(place, _("Le lieu de la séance est obligatoire."), max_length=200)
    members = _check_members(members_present)
    if session is None:
        session = JurySession(wave=wave)
    elif session.wave_id != wave.pk:
        raise ValidationError(_("Cette séance n'appartient pas à cette vague."))
    session.held_on = held_on
    session.place = place
    session.notes = (notes or "").strip()
    session.save()
    session.members_present.set(members)
    return session
