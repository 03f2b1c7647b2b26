"""Members voting at the same moment, and a vote racing the closing of the vote (issue 16).

Only PostgreSQL has real row locks (SQLite serialises writers on the whole database), so this
runs on PostgreSQL only; CI runs the suite there.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from label.enums import Role
from reviews.jury import sessions
from reviews.models import SessionVote
from reviews.models.sessions import VoteChoice, VoteState
from tests.factories import UserFactory, WaveFactory
from tests.factories.jury import file_in_deliberation, jury_member
from tests.factories.reviews import grid_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL only"
    ),
]


def _run_together(targets):
    """Run each target in its own thread, released at once, each with its own connection."""
    barrier = threading.Barrier(len(targets), timeout=10)
    results = [None] * len(targets)

    def run(index):
        try:
            barrier.wait()
            results[index] = targets[index]()
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def sitting(roles):
    wave = WaveFactory(number=11)
    grid_for(wave)
    staff = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])
    members = [jury_member(full_name=f"Membre {n}") for n in range(3)]
    application = file_in_deliberation(wave, reviews=[{"value": 4}])
    session = sessions.jury_session_open(
        wave=wave,
        by=staff,
        held_on=datetime.date(2027, 6, 20),
        place="Lens",
        members_convened=members,
        president=members[0],
    )
    for member in members:
        sessions.session_check_in(session=session, member=member, by=staff)
    item = session.items.get(application=application)
    sessions.session_vote_open(item=item, by=staff)
    return staff, members, item


def test_simultaneous_votes_are_all_counted_once(sitting):
    staff, members, item = sitting
    choices = [VoteChoice.LABEL, VoteChoice.LABEL, VoteChoice.DEFERRED]

    results = _run_together(
        [
            lambda member=member, choice=choice: sessions.session_vote_cast(
                item=item, member=member, choice=choice
            )
            for member, choice in zip(members, choices, strict=True)
        ]
    )

    assert not any(isinstance(result, Exception) for result in results), results
    assert SessionVote.objects.filter(item=item).count() == 3
    closed = sessions.session_vote_close(item=item, by=staff)
    assert closed.counts[VoteChoice.LABEL] == 2
    assert closed.outcome == VoteChoice.LABEL


def test_same_member_voting_twice_at_once_keeps_one_vote(sitting):
    staff, members, item = sitting

    results = _run_together(
        [
            lambda choice=choice: sessions.session_vote_cast(
                item=item, member=members[1], choice=choice
            )
            for choice in (VoteChoice.LABEL, VoteChoice.REFUSED)
        ]
    )

    assert not any(isinstance(result, Exception) for result in results), results
    assert SessionVote.objects.filter(item=item, member=members[1]).count() == 1


def test_vote_racing_the_close_is_counted_or_refused_never_lost(sitting):
    staff, members, item = sitting

    results = _run_together(
        [
            lambda: sessions.session_vote_cast(
                item=item, member=members[1], choice=VoteChoice.ESPOIRS
            ),
            lambda: sessions.session_vote_close(item=item, by=staff),
        ]
    )

    item.refresh_from_db()
    assert item.vote_state == VoteState.CLOSED
    vote_result = results[0]
    if isinstance(vote_result, ValidationError):
        # Closed first: the vote is refused, said so, and nothing of it remains.
        assert "clos" in vote_result.messages[0]
        assert not SessionVote.objects.filter(item=item).exists()
        assert item.counts[VoteChoice.ESPOIRS] == 0
    else:
        # Voted first: the count taken at closing includes it.
        assert item.counts[VoteChoice.ESPOIRS] == 1
