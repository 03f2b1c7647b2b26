"""Bulk actions of the staff table: confirm first, then file by file through the workflow,
with the files moved and the files refused and why."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState as S
from applications.enums import Transition
from applications.models import Application, ApplicationEvent, Message
from label.models import OutboxMail
from reviews.models import Assignment
from tests.applications.test_exports import export
from tests.conftest import login
from tests.factories import ApplicationFactory
from tests.factories.reviews import CommitteeFactory, ReviewerFactory, application_in_state

HOME = reverse("applications:instruction_home")
BULK = reverse("applications:instruction_bulk")


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


def post(client, action, files, confirm=False, **fields):
    data = {"wave": "11", "action": action, "ids": [f.pk for f in files], **fields}
    if confirm:
        data["confirm"] = "1"
    return client.post(BULK, data)


def states(*files):
    return [Application.objects.get(pk=f.pk).state for f in files]


def test_table_offers_labelled_checkboxes_and_the_actions(staff_client, open_wave):
    application = application_in_state(S.ELIGIBLE, wave=open_wave)

    html = staff_client.get(HOME).content.decode()

    assert f'name="ids" value="{application.pk}" id="choix-{application.pk}"' in html
    assert f'for="choix-{application.pk}">Sélectionner {application.reference}' in html
    for key in ("assign_reviewer", "select_for_review", "not_select", "message", "export"):
        assert f'<option value="{key}">' in html
    assert "?tout=1" in html
    assert f'id="choix-{application.pk}" checked' not in html


def test_select_all_without_javascript_ticks_every_box(staff_client, open_wave):
    files = [application_in_state(S.ELIGIBLE, wave=open_wave) for _ in range(3)]

    html = staff_client.get(HOME, {"tout": "1"}).content.decode()

    for application in files:
        assert f'id="choix-{application.pk}" checked' in html
    assert "Tout désélectionner" in html


def test_first_post_only_asks_for_confirmation(staff_client, open_wave):
    files = [application_in_state(S.ELIGIBLE, wave=open_wave) for _ in range(2)]

    response = post(staff_client, "select_for_review", files)

    assert states(*files) == [S.ELIGIBLE, S.ELIGIBLE]
    html = response.content.decode()
    assert "Rien n'est encore modifié" in html
    assert all(f.reference in html for f in files)
    assert 'name="confirm" value="1"' in html


def test_confirmed_selection_moves_the_files_it_can_and_says_why_not_the_others(
    staff_client, open_wave
):
    eligible = [application_in_state(S.ELIGIBLE, wave=open_wave) for _ in range(2)]
    submitted = application_in_state(S.SUBMITTED, wave=open_wave)

    response = post(staff_client, "select_for_review", [*eligible, submitted], confirm=True)

    assert states(*eligible, submitted) == [S.IN_REVIEW, S.IN_REVIEW, S.SUBMITTED]
    moved = [o.application.pk for o in response.context["moved"]]
    refused = {o.application.pk: o.reason for o in response.context["refused"]}
    assert moved == [f.pk for f in eligible]
    assert refused == {submitted.pk: "impossible depuis l'état « Déposée »"}
    assert "1 dossier refusé" in response.content.decode()
    assert ApplicationEvent.objects.filter(transition=Transition.SELECT_FOR_REVIEW).count() == 2


def test_not_select_needs_one_motivation_for_all(staff_client, open_wave):
    files = [application_in_state(S.ELIGIBLE, wave=open_wave) for _ in range(2)]

    missing = post(staff_client, "not_select", files, confirm=True)
    assert states(*files) == [S.ELIGIBLE, S.ELIGIBLE]
    assert "La motivation est obligatoire." in missing.content.decode()

    post(staff_client, "not_select", files, confirm=True, **{"bulk-motivation": "Projet à mûrir."})

    assert states(*files) == [S.NOT_SELECTED, S.NOT_SELECTED]
    events = ApplicationEvent.objects.filter(transition=Transition.NOT_SELECT)
    assert [event.message for event in events] == ["Projet à mûrir.", "Projet à mûrir."]


def test_message_reaches_every_holder(staff_client, open_wave):
    files = [application_in_state(S.SUBMITTED, wave=open_wave) for _ in range(3)]

    post(
        staff_client,
        "message",
        files,
        confirm=True,
        **{"bulk-body": "La réunion d'information a lieu le 3 avril."},
    )

    assert Message.objects.filter(body__contains="3 avril").count() == 3
    recipients = set(OutboxMail.objects.values_list("to", flat=True))
    assert recipients == {f.owner.email for f in files}


def test_export_of_the_selection_has_only_the_ticked_files(staff_client, open_wave):
    ticked = application_in_state(S.SUBMITTED, wave=open_wave, title="Coché")
    application_in_state(S.SUBMITTED, wave=open_wave, title="Pas coché")

    response = post(staff_client, "export", [ticked])
    # The export is written in the background: the job's file has the ticked files only.
    download = export(staff_client, url=response["Location"])

    content = download.content_bytes.decode("utf-8")
    assert "Coché" in content
    assert "Pas coché" not in content


def test_a_draft_in_the_selection_is_reported_not_found_and_left_alone(staff_client, open_wave):
    draft = ApplicationFactory(complete=True, wave=open_wave, title="Brouillon secret")
    eligible = application_in_state(S.ELIGIBLE, wave=open_wave)

    response = post(staff_client, "select_for_review", [eligible, draft], confirm=True)

    assert states(eligible, draft) == [S.IN_REVIEW, S.DRAFT]
    assert response.context["missing"] == [draft.pk]
    assert "Brouillon secret" not in response.content.decode()


def test_reviewer_assignment_in_bulk_goes_through_the_reviews_service(staff_client, open_wave):
    reviewer = ReviewerFactory(full_name="Émile Expert")
    CommitteeFactory(wave=open_wave, members=[reviewer])
    in_review = [application_in_state(S.IN_REVIEW, wave=open_wave) for _ in range(2)]
    eligible = application_in_state(S.ELIGIBLE, wave=open_wave)
    due_on = (timezone.localdate() + timedelta(days=20)).isoformat()

    response = post(
        staff_client,
        "assign_reviewer",
        [*in_review, eligible],
        confirm=True,
        **{"bulk-reviewer": reviewer.pk, "bulk-due_on": due_on},
    )

    assigned = set(
        Assignment.objects.filter(reviewer=reviewer).values_list("application_id", flat=True)
    )
    assert assigned == {f.pk for f in in_review}
    refused = {o.application.pk: o.reason for o in response.context["refused"]}
    assert refused == {
        eligible.pk: "Seul un dossier en instruction peut être attribué à un évaluateur."
    }


def test_bulk_actions_are_refused_to_other_accounts(client, applicant, open_wave):
    files = [application_in_state(S.ELIGIBLE, wave=open_wave)]

    response = post(login(client, applicant), "select_for_review", files, confirm=True)

    assert response.status_code == 403
    assert states(*files) == [S.ELIGIBLE]


def test_nothing_ticked_comes_back_with_a_message(staff_client, open_wave):
    response = staff_client.post(BULK, {"wave": "11", "action": "select_for_review"}, follow=True)

    assert "Sélectionnez au moins un dossier." in response.content.decode()
