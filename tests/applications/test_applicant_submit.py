"""Filing a dossier from the applicant area: confirmation page, then the submit move."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications.enums import ApplicationState as S
from applications.enums import Transition
from applications.models import Application, ApplicationEvent
from label.models import OutboxMail
from tests.conftest import login
from tests.factories import ApplicationFactory, WaveFactory

PARIS = ZoneInfo("Europe/Paris")
OPENS = datetime(2026, 3, 11, 9, 0, tzinfo=PARIS)
CLOSES = datetime(2026, 5, 31, 23, 59, tzinfo=PARIS)


def _text(response):
    return html.unescape(response.content.decode())


def _submit_url(application):
    return reverse("applications:submit", kwargs={"pk": application.pk})


@pytest.fixture
def wave(db):
    return WaveFactory(number=12, opens_at=OPENS, closes_at=CLOSES)


@pytest.mark.django_db
def test_confirmation_page_sums_up_a_complete_dossier_with_the_button(client, applicant):
    application = ApplicationFactory(complete=True, owner=applicant, title="Ferme urbaine")

    response = login(client, applicant).get(_submit_url(application))

    content = _text(response)
    assert "Récapitulatif du dossier" in content
    assert "Ferme urbaine" in content
    assert "Association Terre d'Artois" in content
    assert "Région Hauts-de-France" in content
    assert "Déposer définitivement le dossier" in content
    assert response.context["can_submit"] is True
    application.refresh_from_db()
    assert application.state == S.DRAFT


@pytest.mark.django_db
def test_confirmation_page_of_an_incomplete_dossier_lists_what_is_missing_without_button(
    client, applicant
):
    application = ApplicationFactory(owner=applicant)

    response = login(client, applicant).get(_submit_url(application))

    content = _text(response)
    assert "Renseignez le titre du projet." in content
    assert "Acceptez le traitement de vos données personnelles." in content
    assert "Déposer définitivement le dossier" not in content
    assert response.context["can_submit"] is False


@pytest.mark.django_db
def test_submit_files_the_dossier_and_mails_a_confirmation(
    client, applicant, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(complete=True, owner=applicant)

    # The confirmation is rendered once the filing is committed (applications/workflow.py).
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, applicant).post(_submit_url(application))

    application.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", kwargs={"pk": application.pk})
    assert application.state == S.SUBMITTED
    assert application.reference == "EL11-0001"
    assert ApplicationEvent.objects.filter(
        application=application, transition=Transition.SUBMIT, actor=applicant
    ).exists()
    assert OutboxMail.objects.filter(recipient=applicant, subject__contains="EL11-0001").exists()
    page = _text(client.get(response["Location"]))
    assert "EL11-0001" in page
    assert reverse("applications:receipt", kwargs={"pk": application.pk}) in page


@pytest.mark.django_db
def test_submit_of_an_incomplete_dossier_is_refused_with_the_list(client, applicant):
    application = ApplicationFactory(owner=applicant, title="")

    response = login(client, applicant).post(_submit_url(application))

    application.refresh_from_db()
    assert application.state == S.DRAFT
    assert response.status_code == 200
    content = _text(response)
    assert "Le dossier est incomplet" in content
    assert "Renseignez le titre du projet." in content
    assert not OutboxMail.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "filed"),
    [
        (CLOSES - timedelta(minutes=1), True),
        (CLOSES, False),
        (CLOSES + timedelta(days=2), False),
    ],
)
def test_hand_made_post_after_the_deadline_is_refused_by_the_workflow(
    client, applicant, wave, moment, filed
):
    application = ApplicationFactory(complete=True, owner=applicant, wave=wave)
    login(client, applicant)

    with time_machine.travel(moment):
        response = client.post(_submit_url(application))

    application.refresh_from_db()
    assert application.state == (S.SUBMITTED if filed else S.DRAFT)
    assert application.reference == ("EL12-0001" if filed else None)
    if not filed:
        content = _text(response)
        assert "est clos depuis le 31 mai 2026 à 23:59 (heure de Paris)" in content
        assert not ApplicationEvent.objects.filter(transition=Transition.SUBMIT).exists()


@pytest.mark.django_db
def test_confirmation_page_after_closing_says_so_and_offers_no_button(client, applicant, wave):
    application = ApplicationFactory(complete=True, owner=applicant, wave=wave)

    with time_machine.travel(CLOSES + timedelta(hours=3)):
        response = login(client, applicant).get(_submit_url(application))

    content = _text(response)
    assert "est clos depuis le 31 mai 2026 à 23:59" in content
    assert "Déposer définitivement le dossier" not in content


@pytest.mark.django_db
def test_submit_twice_gives_one_submission(client, applicant):
    application = ApplicationFactory(complete=True, owner=applicant)
    login(client, applicant)

    client.post(_submit_url(application))
    second = client.post(_submit_url(application))

    assert second.status_code == 302
    assert ApplicationEvent.objects.filter(transition=Transition.SUBMIT).count() == 1
    assert Application.objects.get().reference == "EL11-0001"


@pytest.mark.django_db
def test_submit_page_of_a_completion_request_leads_to_the_answer(client, applicant):
    application = ApplicationFactory(complete=True, owner=applicant)
    Application.objects.filter(pk=application.pk).update(state=S.CHANGES_REQUESTED)

    response = login(client, applicant).get(_submit_url(application))

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:resubmit", kwargs={"pk": application.pk})


@pytest.mark.django_db
def test_submit_requires_login(client):
    application = ApplicationFactory(complete=True)

    response = client.post(_submit_url(application))

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.state == S.DRAFT
