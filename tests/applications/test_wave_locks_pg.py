"""One applicant's open transaction never makes another applicant of the same wave wait.

On deadline day every applicant of a wave autosaves, uploads and files at once. A lock taken
with `select_for_update()` on a query that joins the wave locks the wave's row too, and then
every applicant queues on that one row. These tests hold one applicant's transaction open in
a thread (a second, real connection) and check that another applicant's moves go through
under a short `lock_timeout`: a regression fails with "lock timeout" instead of hanging.

Only PostgreSQL has row locks (SQLite serialises writers on the whole database), so this runs
there only: skipped elsewhere, failed instead under REQUIRE_SERVICES=1 (CI's PostgreSQL leg).
"""

import os
import threading
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from applications import services, workflow
from applications.enums import ApplicationState as S
from applications.models import Application
from label.enums import Role
from label.models import OutboxMail
from tests.factories import ApplicationFactory, UserFactory, WaveFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" and os.environ.get("REQUIRE_SERVICES") != "1",
        reason="row locks are tested on PostgreSQL only",
    ),
]

# Long enough for any honest statement on a loaded machine, short enough to fail fast when a
# statement queues behind the transaction held open by the other thread.
LOCK_TIMEOUT = "3s"


@pytest.fixture(autouse=True)
def _postgres_required():
    """Under REQUIRE_SERVICES=1 a run on another database fails rather than passing empty."""
    assert connection.vendor == "postgresql", "REQUIRE_SERVICES=1 but no PostgreSQL database"


@contextmanager
def _held_open(move):
    """Run `move` in a thread inside a transaction kept open until the block ends.

    The thread has its own database connection, so its row locks are real locks against this
    test's connection. The block starts once the move is done and its locks are held.
    """
    done, release = threading.Event(), threading.Event()
    failure = []

    def run():
        try:
            with transaction.atomic():
                move()
                done.set()
                release.wait(timeout=30)
        except Exception as error:  # reported by the test
            failure.append(error)
            done.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert done.wait(timeout=30), "the held move never finished"
        assert not failure, failure
        yield
    finally:
        release.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert not failure, failure


@contextmanager
def _lock_timeout():
    """This connection gives up waiting for a row lock after LOCK_TIMEOUT."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def _applicant():
    return UserFactory(roles=[Role.APPLICANT])


def test_open_autosave_lets_another_applicant_autosave_and_file(roles):
    wave = WaveFactory(number=11)
    first = ApplicationFactory(wave=wave, owner=_applicant())
    second = ApplicationFactory(wave=wave, owner=_applicant(), complete=True)

    def first_autosave():
        services.application_update_section(
            application=first, by=first.owner, section="projet", values={"title": "Premier"}
        )

    with _held_open(first_autosave), _lock_timeout():
        services.application_update_section(
            application=second, by=second.owner, section="projet", values={"title": "Second"}
        )
        filed = workflow.application_submit(application=second, by=second.owner)

    second.refresh_from_db()
    assert (second.title, second.state, second.reference) == ("Second", S.SUBMITTED, "EL11-0001")
    assert filed.reference == "EL11-0001"
    first.refresh_from_db()
    assert first.title == "Premier"
    # The confirmation is rendered after the commit: one mail, with the reference.
    mails = OutboxMail.objects.filter(recipient=second.owner)
    assert list(mails.values_list("subject", flat=True)) == ["Votre dossier EL11-0001 est déposé"]


def test_open_filing_lets_another_applicant_autosave_and_start(roles):
    wave = WaveFactory(number=11)
    filer = ApplicationFactory(wave=wave, owner=_applicant(), complete=True)
    other = ApplicationFactory(wave=wave, owner=_applicant())

    def file_and_hold():
        workflow.application_submit(application=filer, by=filer.owner)

    # The filing holds the wave's numbering lock until it commits; that lock is on the
    # number only, so drafts of the wave are still saved and opened meanwhile.
    with _held_open(file_and_hold), _lock_timeout():
        services.application_update_section(
            application=other, by=other.owner, section="projet", values={"title": "Autre"}
        )
        started = workflow.application_create(wave=wave, by=other.owner)

    other.refresh_from_db()
    assert other.title == "Autre"
    assert Application.objects.filter(pk=started.pk, state=S.DRAFT).exists()
    filer.refresh_from_db()
    assert (filer.state, filer.reference) == (S.SUBMITTED, "EL11-0001")
    mails = OutboxMail.objects.filter(recipient=filer.owner, subject__contains="EL11-0001")
    assert mails.count() == 1
