"""The applicant area: the list of one's applications, a file's page, its thread."""

import html
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import workflow
from applications.enums import ApplicationState as S
from applications.enums import Transition
from applications.models import Application, ApplicationEvent, Message
from tests.conftest import login
from tests.factories import ApplicationFactory, UserFactory, WaveFactory
from tests.factories.applications import MINIMAL_PDF


def _in_state(state, **kwargs):
    application = ApplicationFactory(complete=True, **kwargs)
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


def _text(response):
    return html.unescape(response.content.decode())


def _detail(application):
    return reverse("applications:detail", kwargs={"pk": application.pk})


# --- The list --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_applicant_home_requires_login(client):
    response = client.get(reverse("applications:applicant_home"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_applicant_home_lists_only_own_applications_with_next_action(client, applicant, roles):
    mine = ApplicationFactory(owner=applicant, title="Mon jardin partagé")
    other = ApplicationFactory(owner=UserFactory(), title="Projet d'une autre personne")

    response = login(client, applicant).get(reverse("applications:applicant_home"))

    content = _text(response)
    assert "Mon jardin partagé" in content
    assert "Projet d'une autre personne" not in content
    assert "Compléter et déposer avant le" in content
    assert [application for application, _action in response.context["rows"]] == [mine]
    assert other.pk not in [row[0].pk for row in response.context["rows"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (S.SUBMITTED, "Aucune action : dossier en cours de vérification"),
        (S.CHANGES_REQUESTED, "Répondre à la demande de compléments"),
        (S.IN_REVIEW, "Aucune action : dossier en instruction"),
        (S.DELIBERATION, "Aucune action : dossier en délibération du jury"),
        (S.REFUSED, "Lire la décision du jury"),
        (S.WITHDRAWN, "Aucune action : dossier clos"),
    ],
)
def test_applicant_home_states_the_next_action_in_words(client, applicant, state, expected):
    _in_state(state, owner=applicant)

    response = login(client, applicant).get(reverse("applications:applicant_home"))

    assert expected in _text(response)


@pytest.mark.django_db
def test_applicant_home_says_a_draft_of_a_closed_wave_cannot_be_filed(client, applicant):
    wave = WaveFactory(
        number=9,
        opens_at=timezone.now() - timedelta(days=100),
        closes_at=timezone.now() - timedelta(days=10),
    )
    ApplicationFactory(owner=applicant, wave=wave)

    response = login(client, applicant).get(reverse("applications:applicant_home"))

    assert "l'appel est clos depuis le" in _text(response)


def _make_rows(owner, count):
    waves = [
        WaveFactory(number=11),
        WaveFactory(
            number=8,
            opens_at=timezone.now() - timedelta(days=400),
            closes_at=timezone.now() - timedelta(days=300),
        ),
    ]
    states = [S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.DEFERRED, S.WITHDRAWN]
    for index in range(count):
        application = ApplicationFactory(
            owner=owner, wave=waves[index % 2], title=f"Projet {index}"
        )
        Application.objects.filter(pk=application.pk).update(state=states[index % len(states)])


@pytest.mark.django_db
def test_applicant_home_query_count_does_not_grow_with_rows(
    client, applicant, django_assert_num_queries
):
    login(client, applicant)
    _make_rows(applicant, 1)
    client.get(reverse("applications:applicant_home"))  # warm the session and role caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("applications:applicant_home"))
    _make_rows(applicant, 14)

    with django_assert_num_queries(len(one_row.captured_queries)):
        response = client.get(reverse("applications:applicant_home"))

    assert len(response.context["rows"]) == 15


# --- A file's page ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["detail", "submit", "resubmit", "withdraw", "carry_over", "receipt"],
)
def test_another_users_application_answers_404_everywhere(client, applicant, roles, url_name):
    other = _in_state(S.SUBMITTED, owner=UserFactory(), title="Dossier confidentiel")
    Application.objects.filter(pk=other.pk).update(reference="EL11-0099")

    response = login(client, applicant).get(
        reverse(f"applications:{url_name}", kwargs={"pk": other.pk})
    )
    post = client.post(reverse(f"applications:{url_name}", kwargs={"pk": other.pk}), {"body": "x"})

    assert response.status_code == 404
    assert post.status_code == (405 if url_name == "receipt" else 404)
    assert b"Dossier confidentiel" not in response.content
    other.refresh_from_db()
    assert other.state == S.SUBMITTED
    assert not Message.objects.filter(application=other).exists()


@pytest.mark.django_db
def test_detail_shows_public_timeline_without_internal_notes_or_staff_names(
    client, applicant, instruction_user
):
    application = ApplicationFactory(complete=True, owner=applicant)
    workflow.application_submit(application=application, by=applicant)
    instruction_user.full_name = "Dominique Instructrice"
    instruction_user.save()
    workflow.application_declare_eligible(
        application=application,
        by=instruction_user,
        checklist={"territory": True, "holder": True, "transition": True, "budget": True},
        note="Note confidentielle de l'équipe",
    )

    response = login(client, applicant).get(_detail(application))

    content = _text(response)
    assert "Déclarée recevable" in content
    assert "Dépôt" in content
    assert "Équipe d'instruction" in content
    assert "Note confidentielle" not in content
    assert "Dominique Instructrice" not in content
    assert ApplicationEvent.objects.filter(application=application).count() == 2


@pytest.mark.django_db
def test_detail_of_a_draft_after_closing_says_so_with_the_date(client, applicant):
    paris = timezone.get_fixed_timezone(120)
    wave = WaveFactory(
        number=9,
        opens_at=timezone.datetime(2025, 3, 11, 9, 0, tzinfo=paris),
        closes_at=timezone.datetime(2025, 5, 31, 23, 59, tzinfo=paris),
    )
    application = ApplicationFactory(owner=applicant, wave=wave, complete=True)

    response = login(client, applicant).get(_detail(application))

    content = _text(response)
    assert "est clos depuis le 31 mai 2025 à 23:59" in content
    assert reverse("applications:submit", kwargs={"pk": application.pk}) not in content


@pytest.mark.django_db
def test_detail_of_an_incomplete_draft_lists_what_is_missing(client, applicant):
    application = ApplicationFactory(owner=applicant)

    response = login(client, applicant).get(_detail(application))

    content = _text(response)
    assert "Renseignez le titre du projet." in content
    assert "Joignez la pièce obligatoire : Plan de financement." in content
    assert "Candidature sans titre" in content


@pytest.mark.django_db
def test_detail_of_a_completion_request_shows_the_message_and_deadline(
    client, applicant, instruction_user
):
    application = _in_state(S.SUBMITTED, owner=applicant)
    deadline = timezone.localdate() + timedelta(days=15)
    workflow.application_request_changes(
        application=application,
        by=instruction_user,
        message="Merci de préciser le plan de financement.",
        deadline=deadline,
    )

    response = login(client, applicant).get(_detail(application))

    content = _text(response)
    assert "Merci de préciser le plan de financement." in content
    assert "Réponse attendue avant le" in content
    assert reverse("applications:resubmit", kwargs={"pk": application.pk}) in content


# --- The thread ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_message_is_posted_to_the_instruction_team(client, applicant):
    application = _in_state(S.SUBMITTED, owner=applicant)

    response = login(client, applicant).post(
        _detail(application), {"body": "Pouvez-vous confirmer la réception ?"}
    )

    assert response.status_code == 302
    message = Message.objects.get(application=application)
    assert message.body == "Pouvez-vous confirmer la réception ?"
    assert message.author == applicant
    assert message.from_instruction is False
    page = _text(client.get(_detail(application)))
    assert "Pouvez-vous confirmer la réception ?" in page


@pytest.mark.django_db
def test_message_with_an_attachment_keeps_the_document(client, applicant):
    application = _in_state(S.SUBMITTED, owner=applicant)
    upload = SimpleUploadedFile("devis.pdf", MINIMAL_PDF, content_type="application/pdf")

    login(client, applicant).post(
        _detail(application), {"body": "Voici le devis.", "attachment": upload}
    )

    message = Message.objects.get(application=application)
    assert message.attachment is not None
    assert message.attachment.original_name == "devis.pdf"
    assert message.attachment.extension == "pdf"


@pytest.mark.django_db
def test_message_with_a_disguised_executable_is_refused_keeping_the_text(client, applicant):
    application = _in_state(S.SUBMITTED, owner=applicant)
    upload = SimpleUploadedFile("devis.pdf", b"MZ\x90\x00" + b"\x00" * 200)

    response = login(client, applicant).post(
        _detail(application), {"body": "Voici le devis.", "attachment": upload}
    )

    assert response.status_code == 200
    assert not Message.objects.filter(application=application).exists()
    assert response.context["form"].errors["attachment"]
    assert "Voici le devis." in _text(response)


@pytest.mark.django_db
def test_empty_message_is_refused_in_french(client, applicant):
    application = _in_state(S.SUBMITTED, owner=applicant)

    response = login(client, applicant).post(_detail(application), {"body": "  "})

    assert response.status_code == 200
    assert "Écrivez votre message avant de l'envoyer." in _text(response)
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_thread_shows_staff_messages_without_staff_names(client, applicant, instruction_user):
    from applications.services import message_post

    application = _in_state(S.SUBMITTED, owner=applicant)
    instruction_user.full_name = "Camille Instructeur"
    instruction_user.save()
    message_post(application=application, author=instruction_user, body="Bien reçu.")

    content = _text(login(client, applicant).get(_detail(application)))

    assert "Bien reçu." in content
    assert "Camille Instructeur" not in content
    assert Message.objects.get().from_instruction is True


@pytest.mark.django_db
def test_creation_event_is_shown_for_a_new_draft(client, applicant, open_wave):
    application = workflow.application_create(wave=open_wave, by=applicant)

    content = _text(login(client, applicant).get(_detail(application)))

    assert str(Transition.CREATE.label) in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "state"),
    [
        ("applicant_home", None),
        ("detail", S.DRAFT),
        ("submit", S.DRAFT),
        ("detail", S.CHANGES_REQUESTED),
        ("resubmit", S.CHANGES_REQUESTED),
        ("withdraw", S.SUBMITTED),
        ("detail", S.DEFERRED),
        ("carry_over", S.DEFERRED),
    ],
)
def test_applicant_pages_have_one_h1_and_no_inline_script_or_style(
    client, applicant, url_name, state
):
    kwargs = {}
    if state is not None:
        kwargs["pk"] = _in_state(state, owner=applicant).pk

    content = _text(
        login(client, applicant).get(reverse(f"applications:{url_name}", kwargs=kwargs))
    )

    assert content.count("<h1") == 1
    assert " style=" not in content
    assert "<script>" not in content
