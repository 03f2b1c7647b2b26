"""The state machine: the whole graph against a literal table, and each workflow function."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from applications import workflow
from applications.enums import ApplicationState as S
from applications.enums import Transition
from applications.models import Application, ApplicationEvent
from label.enums import OutboxStatus
from label.models import OutboxMail
from tests.factories import ApplicationFactory, WaveFactory

# (transition method, source state) → target state. Anything not listed must be refused.
EXPECTED_GRAPH = {
    ("submit", S.DRAFT): S.SUBMITTED,
    ("request_changes", S.SUBMITTED): S.CHANGES_REQUESTED,
    ("resubmit", S.CHANGES_REQUESTED): S.SUBMITTED,
    ("declare_eligible", S.SUBMITTED): S.ELIGIBLE,
    ("declare_ineligible", S.SUBMITTED): S.INELIGIBLE,
    ("select_for_review", S.ELIGIBLE): S.IN_REVIEW,
    ("not_select", S.ELIGIBLE): S.NOT_SELECTED,
    ("send_to_jury", S.IN_REVIEW): S.DELIBERATION,
    ("announce", S.DELIBERATION): S.LABELLED,
    ("withdraw", S.SUBMITTED): S.WITHDRAWN,
    ("withdraw", S.CHANGES_REQUESTED): S.WITHDRAWN,
    ("withdraw", S.ELIGIBLE): S.WITHDRAWN,
    ("withdraw", S.IN_REVIEW): S.WITHDRAWN,
    ("withdraw", S.DELIBERATION): S.WITHDRAWN,
    ("revoke", S.LABELLED): S.REVOKED,
    ("reopen", S.INELIGIBLE): S.SUBMITTED,
    ("reopen", S.NOT_SELECTED): S.SUBMITTED,
}
METHOD_KWARGS = {
    "request_changes": {"deadline": None},
    "declare_ineligible": {"motivation": "Hors territoire."},
    "not_select": {"motivation": "Projet moins mûr."},
    "announce": {"outcome": S.LABELLED, "award": "label"},
    "revoke": {"motivation": "Convention non respectée."},
}
TRANSITIONS = sorted({method for method, _source in EXPECTED_GRAPH})


def _in_state(state, **kwargs):
    """A complete application forced into a state (bypassing the protected field)."""
    application = ApplicationFactory(complete=True, **kwargs)
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("method", TRANSITIONS)
def test_state_machine_matches_the_design_table(state, method):
    application = _in_state(state)
    if method == "declare_eligible":
        application.eligibility_checklist = {
            "territory": True,
            "holder": True,
            "transition": True,
            "budget": True,
        }
    expected = EXPECTED_GRAPH.get((method, state))

    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            getattr(application, method)(**METHOD_KWARGS.get(method, {}))
        assert application.state == state
    else:
        getattr(application, method)(**METHOD_KWARGS.get(method, {}))
        assert application.state == expected


def test_every_state_of_the_design_is_reachable_or_initial():
    targets = set(EXPECTED_GRAPH.values()) | {S.DEFERRED, S.REFUSED, S.DRAFT}
    assert targets == set(S)


@pytest.mark.django_db
def test_state_field_is_protected_from_direct_assignment():
    application = ApplicationFactory()
    with pytest.raises(AttributeError):
        application.state = S.LABELLED


@pytest.mark.django_db(transaction=True)
def test_submit_files_the_dossier_with_reference_history_and_mail(applicant):
    application = ApplicationFactory(complete=True, owner=applicant)

    application = workflow.application_submit(application=application, by=applicant)

    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert application.reference == "EL11-0001"
    assert application.submitted_at is not None
    event = application.events.get(transition=Transition.SUBMIT)
    assert (event.from_state, event.to_state, event.actor) == (S.DRAFT, S.SUBMITTED, applicant)
    mail = OutboxMail.objects.get(recipient=applicant)
    assert "EL11-0001" in mail.subject
    assert mail.status == OutboxStatus.SENT  # sent on commit by the in-process task


@pytest.mark.django_db
def test_submit_gives_consecutive_references_in_a_wave(applicant):
    first = ApplicationFactory(complete=True, owner=applicant)
    second = ApplicationFactory(complete=True, owner=applicant)

    workflow.application_submit(application=first, by=applicant)
    workflow.application_submit(application=second, by=applicant)

    references = set(Application.objects.values_list("reference", flat=True))
    assert references == {"EL11-0001", "EL11-0002"}


@pytest.mark.django_db
def test_submit_refuses_an_incomplete_dossier(applicant):
    application = ApplicationFactory(owner=applicant, title="Un titre seul")

    with pytest.raises(TransitionNotAllowed):
        workflow.application_submit(application=application, by=applicant)

    application.refresh_from_db()
    assert application.state == S.DRAFT
    assert not application.events.filter(transition=Transition.SUBMIT).exists()
    assert not OutboxMail.objects.exists()


@pytest.mark.django_db
def test_submit_by_another_user_is_denied(applicant, roles):
    from tests.factories import UserFactory

    application = ApplicationFactory(complete=True, owner=applicant)
    intruder = UserFactory()

    with pytest.raises(PermissionDenied):
        workflow.application_submit(application=application, by=intruder)

    application.refresh_from_db()
    assert application.state == S.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        ("2026-05-31 23:58:59", True),
        ("2026-05-31 23:59:00", False),
        ("2026-06-01 00:00:01", False),
    ],
)
def test_submit_deadline_is_the_paris_wall_clock(applicant, moment, allowed):
    paris = timezone.get_fixed_timezone(120)  # CEST in May
    opens = timezone.datetime(2026, 3, 11, 9, 0, tzinfo=paris)
    closes = timezone.datetime(2026, 5, 31, 23, 59, tzinfo=paris)
    wave = WaveFactory(number=12, opens_at=opens, closes_at=closes)
    application = ApplicationFactory(complete=True, owner=applicant, wave=wave)

    with time_machine.travel(timezone.datetime.fromisoformat(moment).replace(tzinfo=paris)):
        if allowed:
            workflow.application_submit(application=application, by=applicant)
        else:
            with pytest.raises(TransitionNotAllowed):
                workflow.application_submit(application=application, by=applicant)

    application.refresh_from_db()
    assert application.state == (S.SUBMITTED if allowed else S.DRAFT)


@pytest.mark.django_db
def test_rolled_back_move_leaves_no_history_and_sends_nothing(
    applicant, django_capture_on_commit_callbacks, mailoutbox
):
    application = ApplicationFactory(complete=True, owner=applicant)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.application_submit(application=application, by=applicant)
        raise RuntimeError("the request failed after the move")

    application.refresh_from_db()
    assert application.state == S.DRAFT
    assert not ApplicationEvent.objects.filter(transition=Transition.SUBMIT).exists()
    assert not OutboxMail.objects.exists()
    assert callbacks == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_request_changes_requires_a_message_and_mails_it(instruction_user):
    application = _in_state(S.SUBMITTED)

    with pytest.raises(ValidationError):
        workflow.application_request_changes(
            application=application, by=instruction_user, message=" "
        )

    deadline = date.today() + timedelta(days=15)
    workflow.application_request_changes(
        application=application,
        by=instruction_user,
        message="Ajoutez le budget.",
        deadline=deadline,
    )
    application.refresh_from_db()
    assert application.state == S.CHANGES_REQUESTED
    assert application.changes_deadline == deadline
    assert (
        application.events.get(transition=Transition.REQUEST_CHANGES).message
        == "Ajoutez le budget."
    )
    assert "Ajoutez le budget." in OutboxMail.objects.get().body_text


@pytest.mark.django_db
def test_request_changes_by_an_applicant_is_denied(applicant):
    application = _in_state(S.SUBMITTED, owner=applicant)

    with pytest.raises(PermissionDenied):
        workflow.application_request_changes(application=application, by=applicant, message="x")

    application.refresh_from_db()
    assert application.state == S.SUBMITTED


@pytest.mark.django_db
def test_resubmit_is_allowed_after_the_wave_closed(applicant):
    wave = WaveFactory(
        number=13,
        opens_at=timezone.now() - timedelta(days=90),
        closes_at=timezone.now() - timedelta(days=1),
    )
    application = _in_state(S.CHANGES_REQUESTED, owner=applicant, wave=wave)

    workflow.application_resubmit(application=application, by=applicant, reply="Budget ajouté.")

    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert application.events.get(transition=Transition.RESUBMIT).message == "Budget ajouté."


@pytest.mark.django_db
def test_declare_eligible_needs_every_checklist_answer(instruction_user):
    application = _in_state(S.SUBMITTED)

    with pytest.raises(TransitionNotAllowed):
        workflow.application_declare_eligible(
            application=application, by=instruction_user, checklist={"territory": True}
        )
    workflow.application_declare_eligible(
        application=application,
        by=instruction_user,
        checklist={"territory": True, "holder": True, "transition": True, "budget": False},
        note="Budget à préciser à l'instruction.",
    )

    application.refresh_from_db()
    assert application.state == S.ELIGIBLE
    assert application.eligibility_checklist["budget"] is False
    event = application.events.get(transition=Transition.DECLARE_ELIGIBLE)
    assert event.internal_note == "Budget à préciser à l'instruction."
    assert "Budget à préciser" not in OutboxMail.objects.get().body_text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("function", "state", "target"),
    [
        (workflow.application_declare_ineligible, S.SUBMITTED, S.INELIGIBLE),
        (workflow.application_not_select, S.ELIGIBLE, S.NOT_SELECTED),
        (workflow.application_revoke, S.LABELLED, S.REVOKED),
    ],
)
def test_motivated_moves_require_and_keep_the_motivation(instruction_user, function, state, target):
    application = _in_state(state)

    with pytest.raises(ValidationError):
        function(application=application, by=instruction_user, motivation="")
    function(application=application, by=instruction_user, motivation="Motif détaillé.")

    application.refresh_from_db()
    assert application.state == target
    assert application.closing_motivation == "Motif détaillé."
    assert "Motif détaillé." in OutboxMail.objects.get().body_text


@pytest.mark.django_db
def test_select_for_review_moves_and_mails(instruction_user):
    application = _in_state(S.ELIGIBLE)

    workflow.application_select_for_review(application=application, by=instruction_user)

    application.refresh_from_db()
    assert application.state == S.IN_REVIEW
    assert application.selected_at is not None
    assert OutboxMail.objects.filter(recipient=application.owner).count() == 1


@pytest.mark.django_db
def test_send_to_jury_waits_for_reviews_unless_waived(instruction_user):
    application = _in_state(S.IN_REVIEW)

    with pytest.raises(ValidationError):
        workflow.application_send_to_jury(
            application=application, by=instruction_user, pending_reviews=2
        )
    workflow.application_send_to_jury(
        application=application, by=instruction_user, pending_reviews=2, waive_missing=True
    )

    application.refresh_from_db()
    assert application.state == S.DELIBERATION
    assert application.missing_reviews_waived is True
    assert not OutboxMail.objects.exists()  # deliberation is internal


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "award", "target"),
    [(S.LABELLED, "espoirs", S.LABELLED), (S.DEFERRED, "", S.DEFERRED), (S.REFUSED, "", S.REFUSED)],
)
def test_announce_applies_the_outcome(instruction_user, outcome, award, target):
    application = _in_state(S.DELIBERATION)

    workflow.application_announce(
        application=application, by=instruction_user, outcome=outcome, award=award
    )

    application.refresh_from_db()
    assert application.state == target
    assert application.award == award
    assert application.announced_at is not None
    assert OutboxMail.objects.filter(recipient=application.owner).count() == 1


@pytest.mark.django_db
def test_announce_refuses_a_label_without_award(instruction_user):
    application = _in_state(S.DELIBERATION)

    with pytest.raises(ValidationError):
        workflow.application_announce(
            application=application, by=instruction_user, outcome=S.LABELLED
        )

    application.refresh_from_db()
    assert application.state == S.DELIBERATION


@pytest.mark.django_db
def test_withdraw_by_the_owner(applicant):
    application = _in_state(S.IN_REVIEW, owner=applicant)

    workflow.application_withdraw(application=application, by=applicant)

    application.refresh_from_db()
    assert application.state == S.WITHDRAWN
    assert application.events.get(transition=Transition.WITHDRAW).actor == applicant


@pytest.mark.django_db
def test_withdraw_of_a_draft_is_not_allowed(applicant):
    application = ApplicationFactory(owner=applicant)

    with pytest.raises(PermissionDenied):
        workflow.application_withdraw(application=application, by=applicant)


@pytest.mark.django_db
def test_reopen_requires_a_reason(instruction_user):
    application = _in_state(S.INELIGIBLE)

    with pytest.raises(ValidationError):
        workflow.application_reopen(application=application, by=instruction_user, reason="")
    workflow.application_reopen(application=application, by=instruction_user, reason="Erreur.")

    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert application.closing_motivation == ""


@pytest.mark.django_db
def test_stale_copy_cannot_overwrite_a_concurrent_move(instruction_user):
    application = _in_state(S.SUBMITTED)
    stale = Application.objects.get(pk=application.pk)
    workflow.application_declare_ineligible(
        application=application, by=instruction_user, motivation="Hors territoire."
    )

    # The workflow re-reads the row: the second move sees the new state and is refused.
    with pytest.raises(TransitionNotAllowed):
        workflow.application_request_changes(application=stale, by=instruction_user, message="x")

    application.refresh_from_db()
    assert application.state == S.INELIGIBLE
