"""The applicant's other moves: withdraw (with a confirmation) and answer a completion request."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import workflow
from applications.enums import ApplicationState as S
from applications.enums import Transition
from applications.models import Application, ApplicationEvent
from label.models import OutboxMail
from tests.conftest import login
from tests.factories import ApplicationFactory, WaveFactory


def _text(response):
    return html.unescape(response.content.decode())


def _in_state(state, **kwargs):
    application = ApplicationFactory(complete=True, **kwargs)
    Application.objects.filter(pk=application.pk).update(state=state, reference="EL11-0007")
    return Application.objects.get(pk=application.pk)


def _url(name, application):
    return reverse(f"applications:{name}", kwargs={"pk": application.pk})


# --- Withdraw --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_withdraw_confirmation_explains_it_is_irreversible(client, applicant):
    application = _in_state(S.SUBMITTED, owner=applicant)

    response = login(client, applicant).get(_url("withdraw", application))

    assert "Ce retrait est définitif" in _text(response)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


@pytest.mark.django_db
def test_withdraw_post_withdraws_the_file(client, applicant):
    application = _in_state(S.IN_REVIEW, owner=applicant)

    response = login(client, applicant).post(_url("withdraw", application))

    application.refresh_from_db()
    assert response["Location"] == _url("detail", application)
    assert application.state == S.WITHDRAWN
    assert application.withdrawn_at is not None
    assert ApplicationEvent.objects.get(transition=Transition.WITHDRAW).actor == applicant
    assert OutboxMail.objects.filter(recipient=applicant).exists()


@pytest.mark.django_db
def test_detail_offers_withdraw_only_when_allowed(client, applicant):
    submitted = _in_state(S.SUBMITTED, owner=applicant)
    draft = ApplicationFactory(owner=applicant)
    login(client, applicant)

    assert _url("withdraw", submitted) in _text(client.get(_url("detail", submitted)))
    assert _url("withdraw", draft) not in _text(client.get(_url("detail", draft)))


@pytest.mark.django_db
def test_withdraw_of_a_draft_is_refused_with_a_message(client, applicant):
    draft = ApplicationFactory(owner=applicant)

    response = login(client, applicant).post(_url("withdraw", draft), follow=True)

    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    assert "ne peut pas être retiré" in _text(response)


# --- Answer a completion request -------------------------------------------------------------


@pytest.fixture
def changes_requested(applicant, instruction_user):
    application = _in_state(S.SUBMITTED, owner=applicant)
    workflow.application_request_changes(
        application=application,
        by=instruction_user,
        message="Ajoutez une lettre de soutien de la commune.",
        deadline=timezone.localdate() + timedelta(days=10),
    )
    return Application.objects.get(pk=application.pk)


@pytest.mark.django_db
def test_resubmit_page_shows_the_staff_message_and_the_reply_form(
    client, applicant, changes_requested
):
    response = login(client, applicant).get(_url("resubmit", changes_requested))

    content = _text(response)
    assert "Ajoutez une lettre de soutien de la commune." in content
    assert "Réponse attendue avant le" in content
    assert 'name="reply"' in content


@pytest.mark.django_db
def test_resubmit_with_a_reply_files_again(client, applicant, changes_requested):
    response = login(client, applicant).post(
        _url("resubmit", changes_requested), {"reply": "Lettre de la mairie jointe."}
    )

    changes_requested.refresh_from_db()
    assert response["Location"] == _url("detail", changes_requested)
    assert changes_requested.state == S.SUBMITTED
    event = ApplicationEvent.objects.get(transition=Transition.RESUBMIT)
    assert event.message == "Lettre de la mairie jointe."
    assert event.actor == applicant


@pytest.mark.django_db
def test_resubmit_without_a_reply_is_refused_in_french(client, applicant, changes_requested):
    response = login(client, applicant).post(_url("resubmit", changes_requested), {"reply": ""})

    changes_requested.refresh_from_db()
    assert changes_requested.state == S.CHANGES_REQUESTED
    assert "Expliquez en quelques mots ce que vous avez complété." in _text(response)


@pytest.mark.django_db
def test_resubmit_of_an_incomplete_dossier_is_refused_keeping_the_reply(
    client, applicant, changes_requested
):
    Application.objects.filter(pk=changes_requested.pk).update(answers={})

    response = login(client, applicant).post(
        _url("resubmit", changes_requested), {"reply": "Voici ma réponse détaillée."}
    )

    changes_requested.refresh_from_db()
    assert changes_requested.state == S.CHANGES_REQUESTED
    content = _text(response)
    assert "Renseignez « Plan de financement »." in content
    assert "Voici ma réponse détaillée." in content


@pytest.mark.django_db
def test_resubmit_is_allowed_after_the_wave_closed(client, applicant, instruction_user):
    wave = WaveFactory(
        number=10,
        opens_at=timezone.now() - timedelta(days=90),
        closes_at=timezone.now() - timedelta(days=5),
    )
    application = _in_state(S.SUBMITTED, owner=applicant, wave=wave)
    workflow.application_request_changes(application=application, by=instruction_user, message="x")

    login(client, applicant).post(_url("resubmit", application), {"reply": "Fait."})

    application.refresh_from_db()
    assert application.state == S.SUBMITTED


@pytest.mark.django_db
def test_resubmit_when_nothing_is_requested_changes_nothing(client, applicant):
    application = _in_state(S.ELIGIBLE, owner=applicant)

    login(client, applicant).post(_url("resubmit", application), {"reply": "Bonjour"})

    application.refresh_from_db()
    assert application.state == S.ELIGIBLE
    assert not ApplicationEvent.objects.filter(transition=Transition.RESUBMIT).exists()
