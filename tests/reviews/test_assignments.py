"""Committees and assignment: by hand, automatically, conflicts refused; accept or stand down."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState
from label.models import Commune, OutboxMail
from reviews.assignment import services
from reviews.enums import CommitteeKind
from reviews.models import Assignment, Committee
from tests.conftest import login
from tests.factories import AssignmentFactory, CommitteeFactory
from tests.factories.reviews import application_in_state

pytestmark = pytest.mark.django_db

IN_TWO_WEEKS = timezone.localdate() + timedelta(days=14)


def _elect(reviewer, commune_name):
    services.reviewer_profile_update(
        user=reviewer, organisation="", mandate_communes=[Commune.objects.get(name=commune_name)]
    )


# --- Committees -----------------------------------------------------------------------------


def test_committee_page_creates_a_committee_with_reviewers(
    client, instruction_user, wave, reviewer
):
    login(client, instruction_user)

    response = client.post(
        reverse("reviews:committees", kwargs={"wave_pk": wave.pk}),
        {"kind": CommitteeKind.TECHNICAL, "name": "Comité technique", "members": [reviewer.pk]},
    )

    assert response.status_code == 302
    committee = Committee.objects.get(wave=wave)
    assert (committee.kind, committee.name) == (CommitteeKind.TECHNICAL, "Comité technique")
    assert list(committee.members.all()) == [reviewer]


def test_committee_refuses_a_member_without_the_reviewer_role(instruction_user, wave, applicant):
    with pytest.raises(ValidationError, match="rôle d'évaluateur"):
        services.committee_create(
            wave=wave, by=instruction_user, kind="other", name="X", members=[applicant]
        )

    assert not Committee.objects.exists()


def test_committee_update_changes_name_and_members(instruction_user, committee, make_reviewer):
    other = make_reviewer()

    services.committee_update(
        committee=committee, by=instruction_user, kind="technical", name="CTP", members=[other]
    )

    committee.refresh_from_db()
    assert committee.name == "CTP"
    assert list(committee.members.all()) == [other]


# --- Manual assignment -----------------------------------------------------------------------


def test_assignment_create_assigns_and_mails_the_reviewer(
    instruction_user, committee, reviewer, file_in_review
):
    assignment = services.assignment_create(
        application=file_in_review, reviewer=reviewer, due_on=IN_TWO_WEEKS, by=instruction_user
    )

    assert (assignment.committee, assignment.assigned_by) == (committee, instruction_user)
    mail = OutboxMail.objects.get(recipient=reviewer)
    assert file_in_review.reference in mail.subject
    assert reverse("reviews:engagement", kwargs={"pk": assignment.pk}) in mail.body_text
    # The title and holder are for the portal, after confidentiality is accepted.
    assert file_in_review.title not in mail.body_text


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("elected_in_lens", "conflit territorial : élu à Lens"),
        ("holder_member", "conflit d'organisation"),
        ("declared_before", "conflit déclaré"),
    ],
)
def test_assignment_create_refuses_a_conflicted_reviewer_with_the_reason(
    instruction_user, committee, reviewer, file_in_review, setup, message
):
    if setup == "elected_in_lens":
        _elect(reviewer, "Lens")
    elif setup == "holder_member":
        reviewer.organisation = "Terre d'Artois"
        reviewer.save(update_fields=["organisation"])
    else:
        AssignmentFactory(application=file_in_review, reviewer=reviewer, conflicted=True)
    before = Assignment.objects.count()

    with pytest.raises(ValidationError, match=message):
        services.assignment_create(
            application=file_in_review, reviewer=reviewer, due_on=IN_TWO_WEEKS, by=instruction_user
        )

    assert Assignment.objects.count() == before
    assert not OutboxMail.objects.filter(recipient=reviewer, template="reviewer_event").exists()


def test_hand_made_post_assigning_a_conflicted_reviewer_is_refused_with_a_message(
    client, instruction_user, committee, reviewer, file_in_review, wave
):
    _elect(reviewer, "Lens")
    login(client, instruction_user)

    response = client.post(
        reverse("reviews:assignment_create", kwargs={"wave_pk": wave.pk}),
        {
            "application": file_in_review.pk,
            "reviewer": reviewer.pk,
            "due_on": IN_TWO_WEEKS.isoformat(),
        },
    )

    assert response.status_code == 400
    assert not Assignment.objects.exists()
    assert "conflit territorial : élu à Lens" in response.content.decode()


@pytest.mark.parametrize("case", ["not_in_review", "not_a_member", "twice", "past_due"])
def test_assignment_create_refuses_bad_requests(
    instruction_user, committee, reviewer, file_in_review, make_reviewer, wave, case
):
    application, person, due_on = file_in_review, reviewer, IN_TWO_WEEKS
    if case == "not_in_review":
        application = application_in_state(ApplicationState.ELIGIBLE, wave=wave)
    elif case == "not_a_member":
        person = make_reviewer()
    elif case == "twice":
        services.assignment_create(
            application=application, reviewer=person, due_on=due_on, by=instruction_user
        )
    else:
        due_on = timezone.localdate() - timedelta(days=1)
    before = Assignment.objects.count()

    with pytest.raises(ValidationError):
        services.assignment_create(
            application=application, reviewer=person, due_on=due_on, by=instruction_user
        )

    assert Assignment.objects.count() == before


def test_assignment_create_by_a_reviewer_is_denied(reviewer, committee, file_in_review):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            application=file_in_review, reviewer=reviewer, due_on=IN_TWO_WEEKS, by=reviewer
        )


# --- Automatic assignment --------------------------------------------------------------------


def test_assignment_auto_fills_every_file_evenly_and_skips_conflicts(
    client, instruction_user, wave, make_reviewer
):
    reviewers = [make_reviewer() for _ in range(4)]
    CommitteeFactory(wave=wave, members=reviewers[:2])
    CommitteeFactory(wave=wave, kind=CommitteeKind.TECHNICAL, members=reviewers[2:])
    _elect(reviewers[0], "Lens")  # every factory file is in Lens
    files = [application_in_state(wave=wave) for _ in range(5)]
    login(client, instruction_user)

    response = client.post(
        reverse("reviews:assignment_auto", kwargs={"wave_pk": wave.pk}),
        {"per_application": 2, "cap": 4, "due_on": IN_TWO_WEEKS.isoformat()},
    )

    assert response.status_code == 302
    assignments = Assignment.objects.all()
    assert assignments.count() == 10
    assert not assignments.filter(reviewer=reviewers[0]).exists()
    for file in files:
        assert assignments.filter(application=file).count() == 2
    loads = sorted(assignments.filter(reviewer=r).count() for r in reviewers[1:])
    assert max(loads) - min(loads) <= 1
    assert OutboxMail.objects.filter(template="reviewer_event").count() == 10


def test_assignment_auto_reports_files_left_short(client, instruction_user, wave, make_reviewer):
    CommitteeFactory(wave=wave, members=[make_reviewer()])
    file = application_in_state(wave=wave)
    login(client, instruction_user)

    response = client.post(
        reverse("reviews:assignment_auto", kwargs={"wave_pk": wave.pk}),
        {"per_application": 3, "cap": 4, "due_on": IN_TWO_WEEKS.isoformat()},
        follow=True,
    )

    assert Assignment.objects.filter(application=file).count() == 1
    assert f"Dossier {file.reference} : il manque 2 évaluateurs" in response.content.decode()


def test_assignment_auto_keeps_existing_assignments_and_the_cap(
    instruction_user, wave, make_reviewer
):
    first, second = make_reviewer(), make_reviewer()
    CommitteeFactory(wave=wave, members=[first, second])
    files = [application_in_state(wave=wave) for _ in range(3)]
    AssignmentFactory(application=files[0], reviewer=first)

    result = services.assignment_auto(
        wave=wave, by=instruction_user, per_application=1, cap=2, due_on=IN_TWO_WEEKS
    )

    assert len(result.created) == 2
    assert Assignment.objects.filter(application=files[0]).count() == 1
    assert Assignment.objects.filter(reviewer=first).count() == 2
    assert Assignment.objects.filter(reviewer=second).count() == 1


def test_assignment_board_shows_why_a_reviewer_is_excluded(
    client, instruction_user, committee, reviewer, file_in_review, wave
):
    _elect(reviewer, "Lens")
    login(client, instruction_user)

    response = client.get(reverse("reviews:assignments", kwargs={"wave_pk": wave.pk}))

    assert response.status_code == 200
    assert "conflit territorial : élu à Lens" in response.content.decode()


# --- The reviewer's engagement ------------------------------------------------------------------


def test_reviewer_accepts_confidentiality_and_the_file_opens(client, reviewer, file_in_review):
    assignment = AssignmentFactory(application=file_in_review, reviewer=reviewer)
    login(client, reviewer)
    assert client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).status_code == 302

    response = client.post(
        reverse("reviews:accept", kwargs={"pk": assignment.pk}),
        {"confidentiality": "on", "no_conflict": "on"},
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.confidentiality_accepted_at is not None
    page = client.get(reverse("reviews:review", kwargs={"pk": assignment.pk}))
    assert page.status_code == 200
    assert file_in_review.title in page.content.decode()


def test_reviewer_must_tick_both_engagements(client, reviewer, file_in_review):
    assignment = AssignmentFactory(application=file_in_review, reviewer=reviewer)
    login(client, reviewer)

    response = client.post(
        reverse("reviews:accept", kwargs={"pk": assignment.pk}), {"confidentiality": "on"}
    )

    assert response.status_code == 400
    assignment.refresh_from_db()
    assert assignment.confidentiality_accepted_at is None


def test_declared_conflict_keeps_the_row_flagged_and_hides_the_file(
    client, reviewer, instruction_user, file_in_review
):
    assignment = AssignmentFactory(
        application=file_in_review, reviewer=reviewer, assigned_by=instruction_user
    )
    login(client, reviewer)

    response = client.post(
        reverse("reviews:conflict", kwargs={"pk": assignment.pk}),
        {"reason": "Je préside l'association porteuse."},
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.conflict_declared_at is not None
    assert assignment.conflict_reason == "Je préside l'association porteuse."
    home = client.get(reverse("reviews:reviewer_home")).content.decode()
    assert file_in_review.reference not in home
    assert client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).status_code == 403
    staff_mail = OutboxMail.objects.get(recipient=instruction_user)
    assert "Je préside l'association porteuse." in staff_mail.body_text


def test_declaring_a_conflict_requires_a_reason(reviewer, file_in_review):
    assignment = AssignmentFactory(application=file_in_review, reviewer=reviewer)

    with pytest.raises(ValidationError):
        services.assignment_declare_conflict(assignment=assignment, by=reviewer, reason="  ")

    assignment.refresh_from_db()
    assert assignment.conflict_declared_at is None


def test_another_reviewer_cannot_accept_or_declare_for_someone(
    reviewer, make_reviewer, file_in_review
):
    assignment = AssignmentFactory(application=file_in_review, reviewer=reviewer)
    intruder = make_reviewer()

    with pytest.raises(PermissionDenied):
        services.assignment_accept(assignment=assignment, by=intruder)
    with pytest.raises(PermissionDenied):
        services.assignment_declare_conflict(assignment=assignment, by=intruder, reason="x")

    assignment.refresh_from_db()
    assert assignment.confidentiality_accepted_at is None
    assert assignment.conflict_declared_at is None


def test_reviewer_profile_records_organisation_and_mandates(client, reviewer):
    login(client, reviewer)
    lievin = Commune.objects.get(name="Liévin")

    response = client.post(
        reverse("reviews:reviewer_profile"),
        {"organisation": "Région Hauts-de-France", "mandate_communes": [lievin.pk]},
    )

    assert response.status_code == 302
    profile = reviewer.reviewer_profile
    assert profile.organisation == "Région Hauts-de-France"
    assert list(profile.mandate_communes.all()) == [lievin]
