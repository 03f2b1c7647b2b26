"""Moves of the state machine attempted without the right: by the workflow functions
themselves (whatever view calls them) and through the pages. The file stays as it was, its
history has no new row and no mail leaves."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications import workflow
from applications.enums import ApplicationState as S
from applications.models import Application, ApplicationEvent
from label.models import OutboxMail
from tests.conftest import login
from tests.factories import AssignmentFactory, UserFactory
from tests.factories.reviews import application_in_state
from tests.privacy.test_privacy import application_in
from tests.security.conftest import fingerprint

pytestmark = pytest.mark.django_db

CHECKLIST = {"territory": "yes", "holder": "yes", "transition": "yes", "budget": "yes"}

# (workflow function, source state, extra arguments): one per transition of DESIGN.md §3.
STAFF_MOVES = [
    (workflow.application_request_changes, S.SUBMITTED, {"message": "Complétez"}),
    (workflow.application_declare_eligible, S.SUBMITTED, {"checklist": CHECKLIST}),
    (workflow.application_declare_ineligible, S.SUBMITTED, {"motivation": "Non"}),
    (workflow.application_select_for_review, S.ELIGIBLE, {}),
    (workflow.application_not_select, S.ELIGIBLE, {"motivation": "Non"}),
    (workflow.application_send_to_jury, S.IN_REVIEW, {"pending_reviews": 0}),
    (workflow.application_announce, S.DELIBERATION, {"outcome": S.LABELLED, "award": "label"}),
    (workflow.application_revoke, S.LABELLED, {"motivation": "Non"}),
    (workflow.application_reopen, S.INELIGIBLE, {"reason": "Oui"}),
]
APPLICANT_MOVES = [
    (workflow.application_submit, S.DRAFT, {}),
    (workflow.application_resubmit, S.CHANGES_REQUESTED, {"reply": "Voilà"}),
    (workflow.application_withdraw, S.SUBMITTED, {}),
]


def _ids(moves):
    return [move.__name__ for move, _state, _kwargs in moves]


@pytest.mark.parametrize(("move", "state", "kwargs"), STAFF_MOVES, ids=_ids(STAFF_MOVES))
@pytest.mark.parametrize("account", ["applicant", "reviewer", "jury_member"])
def test_staff_moves_refuse_everyone_but_the_instruction_team(
    request, open_wave, applicant, move, state, kwargs, account
):
    application = application_in(state, owner=applicant, wave=open_wave)
    actor = request.getfixturevalue(account)
    before = fingerprint()

    with pytest.raises(PermissionDenied):
        move(application=application, by=actor, **kwargs)

    assert Application.objects.get(pk=application.pk).state == state
    assert fingerprint() == before


@pytest.mark.parametrize(("move", "state", "kwargs"), APPLICANT_MOVES, ids=_ids(APPLICANT_MOVES))
@pytest.mark.parametrize("account", ["other_applicant", "instruction_user", "reviewer"])
def test_applicant_moves_refuse_everyone_but_the_owner(
    request, roles, open_wave, applicant, move, state, kwargs, account
):
    application = application_in(state, owner=applicant, wave=open_wave)
    actor = UserFactory() if account == "other_applicant" else request.getfixturevalue(account)
    before = fingerprint()

    with pytest.raises(PermissionDenied):
        move(application=application, by=actor, **kwargs)

    assert Application.objects.get(pk=application.pk).state == state
    assert fingerprint() == before


def test_an_owner_cannot_declare_their_own_file_eligible_through_the_page(
    client, applicant, open_wave
):
    application = application_in(S.SUBMITTED, owner=applicant, wave=open_wave)
    login(client, applicant)

    response = client.post(
        reverse("applications:instruction_declare_eligible", kwargs={"pk": application.pk}),
        {f"declare_eligible-item_{key}": "yes" for key in CHECKLIST},
    )

    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED
    assert not ApplicationEvent.objects.filter(application=application).exists()
    assert not OutboxMail.objects.exists()


def test_an_owner_cannot_withdraw_a_decided_file(client, applicant, open_wave):
    application = application_in(S.REFUSED, owner=applicant, wave=open_wave)
    login(client, applicant)

    client.post(reverse("applications:withdraw", kwargs={"pk": application.pk}), {"confirm": "on"})

    assert Application.objects.get(pk=application.pk).state == S.REFUSED
    assert not ApplicationEvent.objects.filter(application=application).exists()


def test_a_reviewer_cannot_send_their_file_to_the_jury(client, open_wave):
    application = application_in_state(S.IN_REVIEW, wave=open_wave)
    assignment = AssignmentFactory(application=application, accepted=True)
    login(client, assignment.reviewer)

    response = client.post(
        reverse("reviews:send_to_jury", kwargs={"pk": application.pk}), {"waive_missing": "on"}
    )

    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).state == S.IN_REVIEW
