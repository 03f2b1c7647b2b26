"""The jury in session: quorum, votes, the president's tie-break, reopening once, refusals,
and the decisions recorded at closing (issue 16)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reviews.enums import JuryOutcome
from reviews.jury import sessions
from reviews.models import JuryDecision, Recusal, SessionVote
from reviews.models.sessions import SessionState, VoteChoice, VoteState
from tests.factories.jury import jury_member

pytestmark = pytest.mark.django_db

C = VoteChoice


@pytest.fixture
def members(roles):
    """The president and two members, all convened."""
    return (
        jury_member(full_name="Paule Présidente"),
        jury_member(full_name="Marc Membre"),
        jury_member(full_name="Rita Récusée"),
    )


@pytest.fixture
def session(deliberation, wave, members, instruction_user):
    return sessions.jury_session_open(
        wave=wave,
        by=instruction_user,
        held_on=datetime.date(2027, 6, 20),
        place="Louvre-Lens, salle du jury",
        members_convened=members,
        president=members[0],
    )


def _item(session, application):
    return session.items.get(application=application)


def _all_present(session, members, by):
    for member in members:
        sessions.session_check_in(session=session, member=member, by=by)


def test_session_open_puts_files_in_ranking_order_and_halves_the_quorum(session, deliberation):
    strong, middle, weak = deliberation
    assert list(session.items.values_list("application_id", flat=True)) == [
        strong.pk,
        middle.pk,
        weak.pk,
    ]
    assert session.quorum_required == 2
    assert session.state == SessionState.OPEN


def test_agenda_move_reorders_the_items(session, deliberation, instruction_user):
    strong, middle, weak = deliberation
    sessions.session_agenda_move(item=_item(session, weak), by=instruction_user, offset=-1)
    assert list(session.items.values_list("application_id", flat=True)) == [
        strong.pk,
        weak.pk,
        middle.pk,
    ]


def test_vote_does_not_open_without_quorum(session, deliberation, members, instruction_user):
    sessions.session_check_in(session=session, member=members[0], by=members[0])
    item = _item(session, deliberation[0])

    with pytest.raises(ValidationError, match="quorum"):
        sessions.session_vote_open(item=item, by=instruction_user)

    sessions.session_check_in(session=session, member=members[1], by=instruction_user)
    sessions.session_vote_open(item=item, by=instruction_user)
    item.refresh_from_db()
    assert item.vote_state == VoteState.OPEN


def test_member_only_checks_themself_in(session, members):
    with pytest.raises(PermissionDenied):
        sessions.session_check_in(session=session, member=members[1], by=members[2])
    assert not session.attendances.exists()


def test_majority_of_votes_cast_decides(session, deliberation, members, instruction_user):
    _all_present(session, members, instruction_user)
    item = _item(session, deliberation[0])
    sessions.session_vote_open(item=item, by=instruction_user)
    sessions.session_vote_cast(item=item, member=members[0], choice=C.DEFERRED)
    sessions.session_vote_cast(item=item, member=members[1], choice=C.LABEL)
    sessions.session_vote_cast(item=item, member=members[2], choice=C.LABEL)

    sessions.session_vote_close(item=item, by=instruction_user)

    item.refresh_from_db()
    assert item.outcome == JuryOutcome.LABEL
    assert item.counts[C.LABEL] == 2 and item.counts[C.DEFERRED] == 1
    assert not item.tie_broken_by_president


def test_tie_is_broken_by_the_president(session, deliberation, members, instruction_user):
    _all_present(session, members, instruction_user)
    item = _item(session, deliberation[1])
    sessions.session_vote_open(item=item, by=instruction_user)
    sessions.session_vote_cast(item=item, member=members[0], choice=C.ESPOIRS)
    sessions.session_vote_cast(item=item, member=members[1], choice=C.DEFERRED)
    sessions.session_vote_cast(item=item, member=members[2], choice=C.ABSTENTION)

    sessions.session_vote_close(item=item, by=instruction_user)

    item.refresh_from_db()
    assert item.outcome == JuryOutcome.ESPOIRS
    assert item.tie_broken_by_president
    assert item.counts[C.ABSTENTION] == 1


def test_tie_without_the_presidents_vote_decides_nothing():
    counts, outcome, tie_broken = sessions.vote_outcome(
        [C.LABEL, C.REFUSED, C.ABSTENTION], president_choice=C.ABSTENTION
    )
    assert outcome == "" and not tie_broken
    assert sessions.vote_outcome([C.ABSTENTION, C.ABSTENTION])[1] == ""


def test_member_changes_their_vote_while_open(session, deliberation, members, instruction_user):
    _all_present(session, members, instruction_user)
    item = _item(session, deliberation[0])
    sessions.session_vote_open(item=item, by=instruction_user)
    sessions.session_vote_cast(item=item, member=members[1], choice=C.LABEL)
    sessions.session_vote_cast(item=item, member=members[1], choice=C.REFUSED)
    assert list(SessionVote.objects.filter(item=item).values_list("choice", flat=True)) == [
        C.REFUSED
    ]


def test_vote_after_closing_is_refused_and_said_so(
    session, deliberation, members, instruction_user
):
    _all_present(session, members, instruction_user)
    item = _item(session, deliberation[0])
    sessions.session_vote_open(item=item, by=instruction_user)
    sessions.session_vote_close(item=item, by=instruction_user)

    with pytest.raises(ValidationError, match="clos"):
        sessions.session_vote_cast(item=item, member=members[1], choice=C.LABEL)
    assert not SessionVote.objects.filter(item=item).exists()


def test_member_not_convened_is_refused(session, deliberation, members, instruction_user):
    _all_present(session, members[:2], instruction_user)
    outsider = jury_member(full_name="Olivier Outsider")
    item = _item(session, deliberation[0])
    sessions.session_vote_open(item=item, by=instruction_user)

    with pytest.raises(ValidationError, match="pas convoqué"):
        sessions.session_vote_cast(item=item, member=outsider, choice=C.LABEL)
    with pytest.raises(ValidationError, match="pas convoqué"):
        sessions.session_check_in(session=session, member=outsider, by=instruction_user)
    assert not SessionVote.objects.filter(item=item).exists()


def test_absent_member_is_refused(session, deliberation, members, instruction_user):
    _all_present(session, members[:2], instruction_user)
    item = _item(session, deliberation[0])
    sessions.session_vote_open(item=item, by=instruction_user)
    with pytest.raises(ValidationError, match="présence"):
        sessions.session_vote_cast(item=item, member=members[2], choice=C.LABEL)


def test_recused_member_is_refused(session, deliberation, members, instruction_user, wave):
    Recusal.objects.create(
        wave=wave, application=deliberation[0], member=members[2], reason="Lien personnel."
    )
    _all_present(session, members, instruction_user)
    item = _item(session, deliberation[0])
    sessions.session_vote_open(item=item, by=instruction_user)
    with pytest.raises(ValidationError, match="déporté"):
        sessions.session_vote_cast(item=item, member=members[2], choice=C.LABEL)
    assert not SessionVote.objects.filter(item=item).exists()


def test_vote_reopens_once_with_a_reason(session, deliberation, members, instruction_user):
    _all_present(session, members, instruction_user)
    item = _item(session, deliberation[0])
    sessions.session_vote_open(item=item, by=instruction_user)
    sessions.session_vote_cast(item=item, member=members[1], choice=C.LABEL)
    sessions.session_vote_close(item=item, by=instruction_user)

    with pytest.raises(ValidationError, match="motif"):
        sessions.session_vote_reopen(item=item, by=instruction_user, reason=" ")
    sessions.session_vote_reopen(item=item, by=instruction_user, reason="Erreur de saisie.")
    item.refresh_from_db()
    assert item.vote_state == VoteState.REOPENED
    assert item.first_round["outcome"] == JuryOutcome.LABEL
    assert not item.votes.exists()

    sessions.session_vote_cast(item=item, member=members[1], choice=C.DEFERRED)
    sessions.session_vote_close(item=item, by=instruction_user)
    with pytest.raises(ValidationError, match="déjà été rouvert"):
        sessions.session_vote_reopen(item=item, by=instruction_user, reason="Encore.")
    item.refresh_from_db()
    assert item.outcome == JuryOutcome.DEFERRED


def test_member_may_not_lead(session, deliberation, members, instruction_user):
    _all_present(session, members, instruction_user)
    with pytest.raises(PermissionDenied):
        sessions.session_vote_open(item=_item(session, deliberation[0]), by=members[0])


def test_closing_records_pending_decisions_with_motivation_and_atouts(
    session, deliberation, members, instruction_user
):
    strong, middle, weak = deliberation
    _all_present(session, members, instruction_user)
    item = _item(session, strong)
    sessions.session_vote_open(item=item, by=instruction_user)
    for member in members:
        sessions.session_vote_cast(item=item, member=member, choice=C.LABEL)
    sessions.session_vote_close(item=item, by=instruction_user)

    with pytest.raises(ValidationError, match="motivation"):
        sessions.jury_session_close(session=session, by=instruction_user)

    sessions.session_item_write(
        item=item,
        by=instruction_user,
        motivation="Projet exemplaire.",
        atouts="Implication des habitants.",
    )
    sessions.jury_session_close(session=session, by=instruction_user)

    session.refresh_from_db()
    assert session.state == SessionState.CLOSED
    decision = JuryDecision.objects.get(application=strong)
    assert decision.outcome == JuryOutcome.LABEL
    assert decision.motivation == "Projet exemplaire."
    assert decision.atouts == "Implication des habitants."
    assert decision.announced_at is None
    assert not JuryDecision.objects.filter(application__in=[middle, weak]).exists()
    with pytest.raises(ValidationError, match="close"):
        sessions.session_vote_open(item=_item(session, middle), by=instruction_user)


def test_closing_refuses_while_a_vote_is_open(session, deliberation, members, instruction_user):
    _all_present(session, members, instruction_user)
    sessions.session_vote_open(item=_item(session, deliberation[0]), by=instruction_user)
    with pytest.raises(ValidationError, match="encore ouvert"):
        sessions.jury_session_close(session=session, by=instruction_user)
    session.refresh_from_db()
    assert session.state == SessionState.OPEN
