"""Two staff members move the same application at once: one wins, the other is told.

Only PostgreSQL has real row locks (SQLite locks the whole database and serialises writers
differently), so these tests run on PostgreSQL only; CI runs them there.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications import workflow
from applications.enums import ApplicationState as S
from applications.models import ApplicationEvent
from label.enums import Role
from label.models import OutboxMail
from tests.applications.test_instruction_dashboard import staff_application
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL only"
    ),
]


def _race(monkeypatch, requests):
    """Run the (client, url, data) requests in parallel threads; return their responses.

    Both threads have loaded the application (the view's dispatch) before either takes the
    row lock: a barrier placed in front of the workflow's lock makes them collide there.
    """
    barrier = threading.Barrier(len(requests), timeout=10)
    original_lock = workflow._lock

    def lock_together(application):
        barrier.wait()
        return original_lock(application)

    monkeypatch.setattr(workflow, "_lock", lock_together)
    responses = [None] * len(requests)
    errors = []

    def run(index, client, url, data):
        try:
            responses[index] = client.post(url, data)
        except Exception as error:  # re-raised in the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return responses


@pytest.fixture
def two_staff(roles):
    return [
        login(Client(), UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])) for _ in range(2)
    ]


@pytest.fixture
def submitted(open_wave):
    return staff_application(open_wave, number=1, state=S.SUBMITTED)


def test_two_different_moves_at_once_one_wins_the_other_is_told(monkeypatch, two_staff, submitted):
    first, second = two_staff
    url = "applications:instruction_{}".format
    responses = _race(
        monkeypatch,
        [
            (
                first,
                reverse(url("request_changes"), kwargs={"pk": submitted.pk}),
                {"request_changes-message": "Joignez le budget."},
            ),
            (
                second,
                reverse(url("declare_ineligible"), kwargs={"pk": submitted.pk}),
                {"declare_ineligible-motivation": "Hors territoire."},
            ),
        ],
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302, 409]
    loser = next(response for response in responses if response.status_code == 409)
    html = loser.content.decode()
    assert "a peut-être changé entre-temps" in html
    submitted.refresh_from_db()
    assert submitted.state in {S.CHANGES_REQUESTED, S.INELIGIBLE}
    assert ApplicationEvent.objects.filter(application=submitted).count() == 1
    assert OutboxMail.objects.filter(recipient=submitted.owner).count() == 1
    # The loser's text is kept on its page so that nothing typed is lost.
    assert "Joignez le budget." in html or "Hors territoire." in html


def test_the_same_move_twice_at_once_is_made_once(monkeypatch, two_staff, open_wave):
    eligible = staff_application(open_wave, number=2, state=S.ELIGIBLE)
    url = reverse("applications:instruction_select_for_review", kwargs={"pk": eligible.pk})

    responses = _race(monkeypatch, [(client, url, {}) for client in two_staff])

    assert sorted(response.status_code for response in responses) == [302, 409]
    eligible.refresh_from_db()
    assert eligible.state == S.IN_REVIEW
    assert ApplicationEvent.objects.filter(application=eligible).count() == 1
    assert OutboxMail.objects.filter(recipient=eligible.owner).count() == 1
