"""Two submissions of the same complete draft at the same moment give one submission.

Only PostgreSQL has real row locks (SQLite serialises writers on the whole database), so this
runs on PostgreSQL only; CI runs the suite there.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from applications import workflow
from applications.enums import ApplicationState as S
from applications.enums import Transition
from applications.models import Application, ApplicationEvent
from tests.conftest import login
from tests.factories import ApplicationFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL only"
    ),
]


def _together(monkeypatch, count):
    """Make `count` threads reach the workflow's row lock at the same moment."""
    barrier = threading.Barrier(count, timeout=10)
    original_lock = workflow._lock

    def lock_together(application):
        barrier.wait()
        return original_lock(application)

    monkeypatch.setattr(workflow, "_lock", lock_together)


def _run_in_threads(targets):
    """Run callables in threads, each with its own connection (closed at the end)."""
    results = [None] * len(targets)

    def run(index, target):
        try:
            results[index] = target()
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_simultaneous_submits_file_the_dossier_once(applicant, monkeypatch):
    application = ApplicationFactory(complete=True, owner=applicant)
    _together(monkeypatch, 2)

    def submit():
        return workflow.application_submit(
            application=Application.objects.get(pk=application.pk), by=applicant
        )

    results = _run_in_threads([submit, submit])

    refused = [result for result in results if isinstance(result, TransitionNotAllowed)]
    filed = [result for result in results if isinstance(result, Application)]
    assert (len(filed), len(refused)) == (1, 1), results
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert application.reference == "EL11-0001"
    assert ApplicationEvent.objects.filter(transition=Transition.SUBMIT).count() == 1
    assert Application.objects.exclude(reference=None).count() == 1


def test_simultaneous_submit_requests_give_one_submission(applicant, monkeypatch):
    application = ApplicationFactory(complete=True, owner=applicant)
    other = ApplicationFactory(complete=True, owner=applicant, wave=application.wave)
    clients = [login(Client(), applicant), login(Client(), applicant), login(Client(), applicant)]
    _together(monkeypatch, 3)
    url = reverse("applications:submit", kwargs={"pk": application.pk})
    other_url = reverse("applications:submit", kwargs={"pk": other.pk})

    responses = _run_in_threads(
        [
            lambda: clients[0].post(url),
            lambda: clients[1].post(url),
            lambda: clients[2].post(other_url),
        ]
    )

    assert all(response.status_code == 302 for response in responses), responses
    application.refresh_from_db()
    other.refresh_from_db()
    assert application.state == other.state == S.SUBMITTED
    events = ApplicationEvent.objects.filter(transition=Transition.SUBMIT)
    assert sorted(events.values_list("application_id", flat=True)) == sorted(
        [application.pk, other.pk]
    )
    # Numbering is serialised by the wave's row lock: two files, two distinct references.
    assert {application.reference, other.reference} == {"EL11-0001", "EL11-0002"}
