"""Two announcements of the same wave at the same moment announce once.

Only PostgreSQL has real row locks (SQLite serialises writers on the whole database), so this
runs on PostgreSQL only; CI runs the suite there.
"""

import threading

import pytest
from django.db import connection

from applications.enums import ApplicationState, Transition
from applications.models import ApplicationEvent
from catalogue.models import CatalogueEntry
from certificates.models import Certificate
from label.enums import Role
from label.models import OutboxMail
from reviews.enums import JuryOutcome
from reviews.jury import workflow
from reviews.models import JuryDecision
from tests.factories import UserFactory, WaveFactory
from tests.factories.jury import decision_for, file_in_deliberation
from tests.factories.label import close_call
from tests.factories.reviews import grid_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL only"
    ),
]


def _run_together(target, count):
    """Run `target` in `count` threads released at once, each with its own connection."""
    barrier = threading.Barrier(count, timeout=10)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_simultaneous_announcements_apply_each_decision_once(roles, monkeypatch):
    # The rendering is not what this test is about: it would only slow the threads down.
    monkeypatch.setattr("certificates.services.certificate_schedule_render", lambda **kwargs: None)
    wave = close_call(WaveFactory(number=11))
    grid_for(wave)
    staff = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])
    labelled = file_in_deliberation(wave, reviews=[{"value": 5}])
    refused = file_in_deliberation(wave, reviews=[{"value": 1}])
    decision_for(labelled, outcome=JuryOutcome.LABEL)
    decision_for(refused, outcome=JuryOutcome.REFUSED)

    results = _run_together(lambda: workflow.wave_announce(wave=wave, by=staff), 2)

    assert not any(isinstance(result, Exception) for result in results), results
    assert sorted(len(result.applications) for result in results) == [0, 2]
    assert ApplicationEvent.objects.filter(transition=Transition.ANNOUNCE).count() == 2
    assert not JuryDecision.objects.filter(announced_at__isnull=True).exists()
    labelled.refresh_from_db()
    assert labelled.state == ApplicationState.LABELLED
    assert Certificate.objects.filter(application=labelled).count() == 1
    assert CatalogueEntry.objects.filter(source_application=labelled).count() == 1
    assert OutboxMail.objects.filter(template="application_event").count() == 2
