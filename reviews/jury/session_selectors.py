"""Reads of the jury in session: the leader's board, what a member's screen shows, the minutes.

A member's screen (the polled fragment) never carries anything of a file the member stood
down from or conflicts with: the rule is the file page's own, ``reviews.view_jury_file``.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from applications.enums import ApplicationState
from applications.models import Application
from label.models import User
from reviews.conflicts import conflict_map
from reviews.jury.selectors import jury_file_context
from reviews.models import (
    AdvisoryOpinion,
    AdvisoryPanel,
    Attendance,
    JurySession,
    Recusal,
    SessionItem,
    SessionVote,
)
from reviews.models.sessions import VoteChoice


def jury_session_get(pk):
    """A sitting with its wave, president, leader and current item, or None."""
    return (
        JurySession.objects.select_related(
            "wave", "president", "leader", "current_item__application"
        )
        .filter(pk=pk)
        .first()
    )


def jury_session_list_live(wave):
    """The wave's sittings with convened members (the live ones), newest first."""
    return list(
        JurySession.objects.filter(wave=wave, members_convened__isnull=False)
        .distinct()
        .order_by("-held_on", "-pk")
    )


def session_items(session):
    """The agenda, in order, with each file and how many votes each item holds."""
    return list(
        SessionItem.objects.filter(session=session)
        .select_related("application")
        .order_by("position", "pk")
    )


@dataclass
class Roll:
    """Who was convened, who is present, and whether the quorum is met."""

    convened: list
    present_ids: set
    required: int

    @property
    def present_count(self):
        return len(self.present_ids)

    @property
    def quorum_met(self):
        return self.present_count >= self.required


def session_roll(session):
    """The roll call of a sitting (two queries)."""
    convened = list(session.members_convened.order_by("full_name", "email"))
    present = set(Attendance.objects.filter(session=session).values_list("member_id", flat=True))
    required = session.quorum or max(1, (len(convened) + 1) // 2)
    return Roll(convened=convened, present_ids=present, required=required)


@dataclass
class Screen:
    """What a follower's screen shows now: the current item, as far as they may see it."""

    session: JurySession
    roll: Roll
    item: SessionItem | None = None
    recused: bool = False
    file: dict = field(default_factory=dict)  # jury_file_context(...) when shown
    own_vote: str = ""
    votes_cast: int = 0
    is_present: bool = False
    may_vote: bool = False
    opinions: list = field(default_factory=list)  # advisory opinions on the current file

    @property
    def count_rows(self):
        """[(label, number)] of the closed vote on the current item (counts, never names)."""
        return _count_rows(self.item.counts) if self.item else []

    @property
    def state_key(self):
        """Changes whenever what the screen shows changes: the script reloads on a change."""
        item = self.item
        return "|".join(
            str(part)
            for part in (
                self.session.state,
                item.pk if item else "",
                item.vote_state if item else "",
                self.own_vote,
                self.votes_cast,
                self.roll.present_count,
            )
        )


def session_screen(session, user):
    """The current item of a sitting as `user` may see it (staff see every file).

    For a member who stood down from the file (or conflicts with it), only the fact is
    given: no title, no holder, no figures, no reviews.
    """
    roll = session_roll(session)
    screen = Screen(session=session, roll=roll, is_present=user.pk in roll.present_ids)
    item = session.current_item
    if item is None or not session.is_open:
        return screen
    screen.item = item
    screen.votes_cast = SessionVote.objects.filter(item=item).count()
    if not user.has_perm("reviews.view_jury_file", item.application):
        screen.recused = True
        return screen
    screen.file = jury_file_context(item.application)
    screen.opinions = advisory_opinions_for(item.application)
    screen.own_vote = (
        SessionVote.objects.filter(item=item, member=user).values_list("choice", flat=True).first()
        or ""
    )
    screen.may_vote = (
        item.is_voting
        and screen.is_present
        and session.members_convened.filter(pk=user.pk).exists()
        and not user.has_perm("reviews.lead_jury_session")
    )
    return screen


# --- The minutes of a sitting ----------------------------------------------------------------


def advisory_opinions_for(application):
    """The advisory panels' opinions on a file, panel by panel (the jury reads who gave them)."""
    return list(
        AdvisoryOpinion.objects.filter(application=application)
        .select_related("panel", "member")
        .order_by("panel__name", "member__full_name", "pk")
    )


def advisory_panels_for_member(user):
    """The panels the user sits on, with their wave, newest wave first."""
    return list(
        AdvisoryPanel.objects.filter(members=user).select_related("wave").order_by("-wave__number")
    )


@dataclass
class ItemMinutes:
    item: SessionItem
    counts: list  # [(label, number)] every choice, abstentions included
    first_round: list  # the same for a reopened vote's first round, else []
    recusals: list
    opinions: list = field(default_factory=list)  # advisory opinions, cited in the minutes


@dataclass
class SessionMinutes:
    session: JurySession
    present: list
    convened_count: int
    quorum: int
    items: list = field(default_factory=list)
    withheld: int = 0

    @property
    def quorum_met(self):
        return len(self.present) >= self.quorum


def _count_rows(counts):
    counts = counts or {}
    return [(label, counts.get(value, 0)) for value, label in VoteChoice.choices]


def session_minutes(session, *, reader=None):
    """The procès-verbal of one sitting as `reader` may read it: members present, quorum, and
    per file the counts of the votes (never who voted what), the outcome and its motivation,
    the atouts, a reopening and its reason, the recusals.

    A reader who may not see a file (recused, in conflict, or a member after the
    announcement) gets neither its title nor its votes: it is counted as withheld. Without a
    reader nothing is filtered.
    """
    present = [
        attendance.member
        for attendance in Attendance.objects.filter(session=session)
        .select_related("member")
        .order_by("member__full_name", "member__email")
    ]
    items = list(
        SessionItem.objects.filter(session=session)
        .select_related("application__wave")
        .prefetch_related(
            Prefetch(
                "application__recusals",
                queryset=Recusal.objects.select_related("member").order_by("created_at", "pk"),
                to_attr="all_recusals",
            )
        )
        .order_by("position", "pk")
    )
    minutes = SessionMinutes(
        session=session,
        present=present,
        convened_count=User.objects.filter(pk__in=session.members_convened.all()).count(),
        quorum=session.quorum_required,
    )
    for item in items:
        if reader is not None and not reader.has_perm("reviews.view_jury_file", item.application):
            minutes.withheld += 1
            continue
        minutes.items.append(
            ItemMinutes(
                item=item,
                counts=_count_rows(item.counts),
                first_round=_count_rows(item.first_round["counts"]) if item.first_round else [],
                recusals=item.application.all_recusals,
                opinions=advisory_opinions_for(item.application),
            )
        )
    return minutes


def advisory_files_for_member(panel, user):
    """The panel's shortlisted files the member may read (conflicts left out, as for
    reviewers), each with the member's own opinion: [(application, opinion or None)]."""
    applications = list(
        Application.objects.filter(wave_id=panel.wave_id, state=ApplicationState.DELIBERATION)
        .prefetch_related("communes")
        .order_by("reference", "pk")
    )
    conflicts = {pk for pk, _member in conflict_map(applications, [user])}
    own = {
        opinion.application_id: opinion
        for opinion in AdvisoryOpinion.objects.filter(panel=panel, member=user)
    }
    return [(a, own.get(a.pk)) for a in applications if a.pk not in conflicts]
