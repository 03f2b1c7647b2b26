"""The jury in session (issue 16): open a sitting, check members in, lead the agenda, vote.

Each function runs in one transaction, locks the rows it changes with
``select_for_update(of=("self",))``, checks the actor with rules, then writes. The refusals a
member can meet (vote closed, not convened, not present, recused) are ValidationErrors whose
message says why, so the page can show it.

The voting rule: a simple majority of the votes cast (abstentions are not votes cast); the
category with the most votes wins; a tie at the top is broken by the president's vote when
the president voted for one of the tied categories, otherwise the item has no outcome (the
leader may reopen the vote once, or the decision is recorded on the file's page later).
"""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application
from label.rules import is_jury_member
from reviews.conflicts import conflict_map
from reviews.jury.services import jury_decision_record
from reviews.models import AdvisoryOpinion, Attendance, JurySession, SessionItem, SessionVote
from reviews.models.sessions import (
    VOTING_STATES,
    AdvisoryOpinionChoice,
    SessionState,
    VoteChoice,
    VoteState,
)
from reviews.ranking.selectors import ranking_for_wave
from reviews.rules import has_jury_conflict, require_perm

TEXT_MAX_LENGTH = 5000


class SessionClosed(ValidationError):
    """The sitting is closed: nothing of it changes any more."""

    def __init__(self):
        super().__init__(_("La séance est close : plus rien n'y change."))


def _lock_session(session):
    return JurySession.objects.select_for_update(of=("self",)).get(pk=session.pk)


def _lock_item(item):
    return (
        SessionItem.objects.select_for_update(of=("self",))
        .select_related("session", "application__wave")
        .get(pk=item.pk)
    )


def _text(value, message=None, *, max_length=TEXT_MAX_LENGTH):
    value = (value or "").strip()
    if message and not value:
        raise ValidationError(message)
    if len(value) > max_length:
        raise ValidationError(_("Le texte dépasse %(max)d caractères.") % {"max": max_length})
    return value


def default_agenda(wave):
    """The wave's files in deliberation, in the ranking's order (best first)."""
    return [
        row.application_id
        for row in ranking_for_wave(wave).rows
        if row.state == ApplicationState.DELIBERATION
    ]


# --- Opening and preparing a sitting ----------------------------------------------------------


@transaction.atomic
def jury_session_open(
    *, wave, by, held_on, place, members_convened, president, quorum=None, agenda=None
):
    """Open a live sitting of the wave's jury, its agenda in the ranking's order by default.

    Effects: check staff; date, place and members required; every member holds the jury
    role; the president is one of them; the quorum, if set, between 1 and the number
    convened; the session row (led by `by`), its convened members, one agenda item per file
    in deliberation (or per file of `agenda`, in that order).
    """
    require_perm("reviews.lead_jury_session", by)
    if held_on is None:
        raise ValidationError(_("La date de la séance est obligatoire."))
    place = _text(place, _("Le lieu de la séance est obligatoire."), max_length=200)
    members = list(members_convened)
    if not members:
        raise ValidationError(_("Convoquez au moins un membre du jury."))
    outsiders = [str(member) for member in members if not is_jury_member(member)]
    if outsiders:
        raise ValidationError(
            _("Ces personnes ne sont pas membres du jury : %(names)s.")
            % {"names": ", ".join(outsiders)}
        )
    if president is None or president.pk not in {member.pk for member in members}:
        raise ValidationError(_("Le président doit être l'un des membres convoqués."))
    if quorum is not None and not 1 <= quorum <= len(members):
        raise ValidationError(
            _("Le quorum doit être compris entre 1 et %(count)d.") % {"count": len(members)}
        )
    in_deliberation = set(default_agenda(wave))
    order = default_agenda(wave) if agenda is None else [getattr(a, "pk", a) for a in agenda]
    strays = [pk for pk in order if pk not in in_deliberation]
    if strays:
        raise ValidationError(
            _("Seuls les dossiers en délibération de la vague sont à l'ordre du jour.")
        )
    session = JurySession.objects.create(
        wave=wave,
        held_on=held_on,
        place=place,
        quorum=quorum,
        president=president,
        leader=by,
        state=SessionState.OPEN,
    )
    session.members_convened.set(members)
    SessionItem.objects.bulk_create(
        SessionItem(session=session, application_id=pk, position=position)
        for position, pk in enumerate(dict.fromkeys(order), start=1)
    )
    return session


@transaction.atomic
def session_agenda_move(*, item, by, offset):
    """Move an item up (offset -1) or down (+1) the agenda, swapping with its neighbour."""
    require_perm("reviews.lead_jury_session", by)
    session = _lock_session(item.session)
    if not session.is_open:
        raise SessionClosed()
    items = list(session.items.order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(items):
        return items[index]
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
    return items[target]


@transaction.atomic
def session_check_in(*, session, member, by):
    """Record a convened member present, checked in by staff or by themself.

    Effects: lock the session; refuse if closed; `by` is staff or the member; the member
    must be convened; the attendance row (once) and the session's members present.
    """
    session = _lock_session(session)
    if not session.is_open:
        raise SessionClosed()
    if by.pk != member.pk:
        require_perm("reviews.lead_jury_session", by)
    if not session.members_convened.filter(pk=member.pk).exists():
        raise ValidationError(_("Ce membre n'est pas convoqué à cette séance."))
    attendance, _created = Attendance.objects.get_or_create(
        session=session, member=member, defaults={"checked_in_by": by}
    )
    session.members_present.add(member)
    return attendance


def quorum_met(session):
    """Are enough members present for a vote?"""
    return session.attendances.count() >= session.quorum_required


@transaction.atomic
def session_go_to(*, session, item, by):
    """The leader brings an agenda item on every member's screen."""
    require_perm("reviews.lead_jury_session", by)
    session = _lock_session(session)
    if not session.is_open:
        raise SessionClosed()
    if item.session_id != session.pk:
        raise ValidationError(_("Ce point n'est pas à l'ordre du jour de cette séance."))
    session.current_item = item
    session.leader = by
    session.save(update_fields=["current_item", "leader", "updated_at"])
    return session


# --- The vote on an item ------------------------------------------------------------------------


@transaction.atomic
def session_vote_open(*, item, by):
    """Open the vote on an item: refused without the quorum, or if already opened."""
    require_perm("reviews.lead_jury_session", by)
    item = _lock_item(item)
    if not item.session.is_open:
        raise SessionClosed()
    if item.vote_state != VoteState.NOT_OPENED:
        raise ValidationError(_("Le vote sur ce dossier a déjà été ouvert."))
    if item.application.state != ApplicationState.DELIBERATION:
        raise ValidationError(_("Ce dossier n'est plus en délibération."))
    if not quorum_met(item.session):
        raise ValidationError(
            _(
                "Le quorum n'est pas atteint (%(required)d présents requis) : "
                "le vote ne peut pas s'ouvrir."
            )
            % {"required": item.session.quorum_required}
        )
    item.vote_state = VoteState.OPEN
    item.vote_opened_at = timezone.now()
    item.save(update_fields=["vote_state", "vote_opened_at"])
    return item


def may_vote_refusal(item, member):
    """Why this member may not vote on this item now, or None if they may."""
    session = item.session
    if not session.is_open:
        return _("La séance est close : le vote n'est plus possible.")
    if not session.members_convened.filter(pk=member.pk).exists() or not is_jury_member(member):
        return _("Vous n'êtes pas convoqué(e) à cette séance : vous ne pouvez pas voter.")
    if not session.attendances.filter(member=member).exists():
        return _("Signalez d'abord votre présence : seuls les membres présents votent.")
    if has_jury_conflict(member, item.application):
        return _("Vous vous êtes déporté(e) de ce dossier : vous ne votez pas.")
    if item.vote_state not in VOTING_STATES:
        if item.vote_state == VoteState.NOT_OPENED:
            return _("Le vote sur ce dossier n'est pas encore ouvert.")
        return _("Le vote sur ce dossier est clos : votre vote n'a pas été enregistré.")
    return None


@transaction.atomic
def session_vote_cast(*, item, member, choice):
    """A member present, convened and not recused casts (or changes) their vote on an item.

    Effects: lock the item (a vote and the closing of the vote never cross); the refusals
    of `may_vote_refusal`, said in words; one row per (item, member), replaced if the member
    votes again while the vote is open. A dropped connection leaves the row written or not.
    """
    if choice not in VoteChoice.values:
        raise ValidationError(_("Choix de vote inconnu."))
    item = _lock_item(item)
    refusal = may_vote_refusal(item, member)
    if refusal:
        raise ValidationError(refusal)
    vote, _created = SessionVote.objects.update_or_create(
        item=item, member=member, defaults={"choice": choice, "cast_at": timezone.now()}
    )
    return vote


def vote_outcome(choices, president_choice=None):
    """(counts, outcome, tie_broken) of a vote under the rule.

    `choices` are the votes' choices; counts cover every choice, abstentions included; the
    outcome is the category with the most votes cast, the president's vote breaking a tie
    between the leading categories, or "" when nothing decides.
    """
    counts = Counter(choices)
    cast = {c: counts[c] for c in VoteChoice.values if c != VoteChoice.ABSTENTION and counts[c]}
    full = {c: counts[c] for c in VoteChoice.values}
    if not cast:
        return full, "", False
    top = max(cast.values())
    leaders = [c for c, n in cast.items() if n == top]
    if len(leaders) == 1:
        return full, leaders[0], False
    if president_choice in leaders:
        return full, president_choice, True
    return full, "", False


@transaction.atomic
def session_vote_close(*, item, by):
    """Close the vote on an item and count it: counts (never names) and outcome by the rule."""
    require_perm("reviews.lead_jury_session", by)
    item = _lock_item(item)
    if not item.session.is_open:
        raise SessionClosed()
    if item.vote_state not in VOTING_STATES:
        raise ValidationError(_("Le vote sur ce dossier n'est pas ouvert."))
    votes = dict(item.votes.values_list("member_id", "choice"))
    counts, outcome, tie_broken = vote_outcome(votes.values(), votes.get(item.session.president_id))
    item.counts = counts
    item.outcome = outcome
    item.tie_broken_by_president = tie_broken
    item.vote_state = VoteState.CLOSED
    item.vote_closed_at = timezone.now()
    item.save(
        update_fields=[
            "counts",
            "outcome",
            "tie_broken_by_president",
            "vote_state",
            "vote_closed_at",
        ]
    )
    return item


@transaction.atomic
def session_vote_reopen(*, item, by, reason):
    """Reopen a closed vote once, with a reason, before the session closes.

    The first round's counts are kept for the minutes; its votes are cleared, so the members
    vote again.
    """
    require_perm("reviews.lead_jury_session", by)
    reason = _text(reason, _("Indiquez le motif de la réouverture du vote."), max_length=2000)
    item = _lock_item(item)
    if not item.session.is_open:
        raise SessionClosed()
    if item.vote_state != VoteState.CLOSED:
        raise ValidationError(_("Seul un vote clos peut être rouvert."))
    if item.reopened_at is not None:
        raise ValidationError(_("Ce vote a déjà été rouvert une fois : il ne peut plus l'être."))
    item.first_round = {
        "counts": item.counts,
        "outcome": item.outcome,
        "tie_broken_by_president": item.tie_broken_by_president,
    }
    item.votes.all().delete()
    item.counts = None
    item.outcome = ""
    item.tie_broken_by_president = False
    item.vote_state = VoteState.REOPENED
    item.reopened_at = timezone.now()
    item.reopen_reason = reason
    item.vote_closed_at = None
    item.save()
    return item


@transaction.atomic
def session_item_write(*, item, by, motivation, atouts=""):
    """Write the motivation and the « atouts » of an item once its vote is closed."""
    require_perm("reviews.lead_jury_session", by)
    item = _lock_item(item)
    if not item.session.is_open:
        raise SessionClosed()
    if item.vote_state != VoteState.CLOSED:
        raise ValidationError(_("La motivation s'écrit une fois le vote clos."))
    item.motivation = _text(motivation, _("La motivation de la décision est obligatoire."))
    item.atouts = _text(atouts)
    item.save(update_fields=["motivation", "atouts"])
    return item


# --- Closing the sitting ------------------------------------------------------------------------


@transaction.atomic
def jury_session_close(*, session, by):
    """Close the sitting and record its decisions, pending until the wave's announcement.

    Effects, in order: check staff; lock the session and its items; refuse while a vote is
    open, or when an item with an outcome has no motivation; for each item with an outcome,
    the decision through ``jury_decision_record`` (motivation and atouts); the session
    closed. Items without outcome record nothing: their files keep waiting for a decision.
    The minutes PDF is read from the closed session (reviews.jury.views).
    """
    require_perm("reviews.lead_jury_session", by)
    session = _lock_session(session)
    if not session.is_open:
        raise SessionClosed()
    items = list(
        SessionItem.objects.select_for_update(of=("self",))
        .filter(session=session)
        .select_related("application")
        .order_by("position", "pk")
    )
    open_votes = [item for item in items if item.is_voting]
    if open_votes:
        raise ValidationError(
            _("Un vote est encore ouvert (%(reference)s) : clôturez-le avant de clore la séance.")
            % {"reference": open_votes[0].application.reference}
        )
    unmotivated = [item for item in items if item.outcome and not item.motivation]
    if unmotivated:
        raise ValidationError(
            _("La motivation manque pour : %(references)s.")
            % {"references": ", ".join(i.application.reference or str(i.pk) for i in unmotivated)}
        )
    for item in items:
        if item.outcome and item.application.state == ApplicationState.DELIBERATION:
            jury_decision_record(
                application=item.application,
                by=by,
                outcome=item.outcome,
                motivation=item.motivation,
                atouts=item.atouts,
            )
    session.state = SessionState.CLOSED
    session.closed_at = timezone.now()
    session.current_item = None
    session.save(update_fields=["state", "closed_at", "current_item", "updated_at"])
    return session


def require_follow(session, user):
    """Refuse (PermissionDenied) a user who may not follow this sitting."""
    if not user.has_perm("reviews.follow_jury_session", session):
        raise PermissionDenied(_("Vous n'êtes pas convoqué(e) à cette séance."))


# --- Advisory panels ----------------------------------------------------------------------------


@transaction.atomic
def advisory_opinion_give(*, panel, application, member, opinion, comment=""):
    """A panel member gives (or changes) their opinion on a shortlisted file of the panel's wave.

    Effects: lock the application; refuse a non-member, a file of another wave or out of
    deliberation, and a member in conflict with the file (the reviewers' rules); one row per
    (panel, file, member).
    """
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if not panel.members.filter(pk=member.pk).exists():
        raise PermissionDenied(_("Vous n'êtes pas membre de cette instance consultative."))
    if application.wave_id != panel.wave_id or application.state != ApplicationState.DELIBERATION:
        raise ValidationError(_("Ce dossier n'est pas soumis à l'avis de cette instance."))
    if conflict_map([application], [member]):
        raise ValidationError(_("Vous êtes en conflit d'intérêts avec ce dossier : pas d'avis."))
    if opinion not in AdvisoryOpinionChoice.values:
        raise ValidationError(_("Avis inconnu."))
    row, _created = AdvisoryOpinion.objects.update_or_create(
        panel=panel,
        application=application,
        member=member,
        defaults={"opinion": opinion, "comment": _text(comment, max_length=2000)},
    )
    return row
