"""The staff page of one application: its content, the thread, private notes, the moves."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from applications import services, workflow
from applications.enums import ApplicationState as S
from applications.enums import Transition
from applications.models import Application, ApplicationEvent, Message, StaffNote
from label.models import OutboxMail
from tests.applications.test_instruction_dashboard import BETHUNE, LENS, staff_application
from tests.conftest import login
from tests.factories import UserFactory

CHECKLIST_YES = {
    "declare_eligible-item_territory": "yes",
    "declare_eligible-item_holder": "yes",
    "declare_eligible-item_transition": "yes",
    "declare_eligible-item_budget": "yes",
}


def detail_url(application):
    return reverse("applications:instruction_detail", kwargs={"pk": application.pk})


def move_url(name, application):
    return reverse(f"applications:instruction_{name}", kwargs={"pk": application.pk})


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


@pytest.fixture
def submitted(open_wave):
    return staff_application(open_wave, number=7, title="Jardins de Béthune", state=S.SUBMITTED)


def mails_to(user):
    return list(OutboxMail.objects.filter(recipient=user).order_by("pk"))


# What the page shows


def test_staff_page_shows_the_whole_dossier(staff_client, open_wave):
    application = staff_application(
        open_wave,
        number=3,
        title="Ressourcerie du Louvre",
        holder_name="Association Réemploi",
        communes=[LENS, BETHUNE],
        answers={"milestones": "Ouverture au printemps 2027."},
    )

    html = staff_client.get(detail_url(application)).content.decode()
    html = html.replace("\u00a0", " ").replace("\u202f", " ")  # French thousands separators

    for expected in [
        "Ressourcerie du Louvre",
        "EL11-0003",
        "Association Réemploi",
        "Béthune",
        "Lens",
        "Région Hauts-de-France",  # the financing plan, line by line
        "12 000,00 €",
        "20 000,00 €",  # its total
        "Ouverture au printemps 2027.",
        "Biodiversité et lien social.",  # contribution A
        "plan-de-financement.pdf",
        application.owner.email,
    ]:
        assert expected in html, expected
    attachment = application.attachments.get()
    download = reverse(
        "applications:attachment_download",
        kwargs={"pk": application.pk, "attachment_pk": attachment.pk},
    )
    assert f'href="{download}"' in html


def test_staff_page_timeline_shows_internal_notes_and_actors(staff_client, submitted):
    colleague = UserFactory(full_name="Claire Instructrice", roles=["applicant", "instruction"])
    workflow.application_declare_eligible(
        application=submitted,
        by=colleague,
        checklist={"territory": True, "holder": True, "transition": True, "budget": True},
        note="Vérifié avec la commune.",
    )

    html = staff_client.get(detail_url(submitted)).content.decode()

    assert "Vérifié avec la commune." in html
    assert "Claire Instructrice" in html
    assert "Déclarée recevable" in html


def test_staff_page_shows_only_the_moves_of_the_current_state(staff_client, open_wave):
    submitted = staff_application(open_wave, state=S.SUBMITTED)
    eligible = staff_application(open_wave, state=S.ELIGIBLE)
    ineligible = staff_application(open_wave, state=S.INELIGIBLE)
    labelled = staff_application(open_wave, state=S.LABELLED)

    def moves(application):
        response = staff_client.get(detail_url(application))
        return {move.key for move, _form in response.context["moves"]}

    assert moves(submitted) == {"request_changes", "declare_eligible", "declare_ineligible"}
    assert moves(eligible) == {"select_for_review", "not_select"}
    assert moves(ineligible) == {"reopen"}
    assert moves(labelled) == set()
    html = staff_client.get(detail_url(eligible)).content.decode()
    assert move_url("select_for_review", eligible) in html
    assert move_url("request_changes", eligible) not in html


def test_send_to_jury_is_offered_only_in_review(staff_client, open_wave):
    in_review = staff_application(open_wave, state=S.IN_REVIEW)
    eligible = staff_application(open_wave, state=S.ELIGIBLE)
    try:
        url = reverse("reviews:send_to_jury", kwargs={"pk": in_review.pk})
    except NoReverseMatch:
        url = None

    in_review_page = staff_client.get(detail_url(in_review))
    eligible_page = staff_client.get(detail_url(eligible))

    assert eligible_page.context["send_to_jury_url"] == ""
    assert in_review_page.context["send_to_jury_url"] == (url or "")
    if url:
        assert f'action="{url}"' in in_review_page.content.decode()


# The moves


def test_request_changes_from_the_page(staff_client, submitted, instruction_user):
    deadline = timezone.localdate() + timedelta(days=10)

    response = staff_client.post(
        move_url("request_changes", submitted),
        {
            "request_changes-message": "Joignez le budget détaillé.",
            "request_changes-deadline": deadline.isoformat(),
        },
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == S.CHANGES_REQUESTED
    assert submitted.changes_deadline == deadline
    event = submitted.events.get(transition=Transition.REQUEST_CHANGES)
    assert (event.actor, event.message) == (instruction_user, "Joignez le budget détaillé.")
    (mail,) = mails_to(submitted.owner)
    assert "Joignez le budget détaillé." in mail.body_text


def test_request_changes_without_message_keeps_the_deadline_typed(staff_client, submitted):
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()

    response = staff_client.post(
        move_url("request_changes", submitted),
        {"request_changes-message": "   ", "request_changes-deadline": deadline},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Le message au porteur est obligatoire." in html
    assert 'id="resume-erreurs"' in html
    assert f'value="{deadline}"' in html
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED
    assert mails_to(submitted.owner) == []


def test_request_changes_refuses_a_past_deadline(staff_client, submitted):
    response = staff_client.post(
        move_url("request_changes", submitted),
        {
            "request_changes-message": "Précisez le calendrier.",
            "request_changes-deadline": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )

    assert "La date limite ne peut pas être passée." in response.content.decode()
    assert "Précisez le calendrier." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


def test_declare_eligible_stores_the_checklist_and_the_internal_note(
    staff_client, submitted, instruction_user
):
    response = staff_client.post(
        move_url("declare_eligible", submitted),
        {**CHECKLIST_YES, "declare_eligible-note": "Porteur connu du Pôle."},
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == S.ELIGIBLE
    assert submitted.eligibility_checklist == {
        "territory": True,
        "holder": True,
        "transition": True,
        "budget": True,
    }
    event = submitted.events.get(transition=Transition.DECLARE_ELIGIBLE)
    assert (event.actor, event.internal_note) == (instruction_user, "Porteur connu du Pôle.")
    (mail,) = mails_to(submitted.owner)
    assert "recevable" in mail.subject
    assert "Porteur connu" not in mail.body_text


def test_declare_eligible_with_a_failed_item_needs_a_note_and_keeps_the_answers(
    staff_client, submitted
):
    data = {**CHECKLIST_YES, "declare_eligible-item_budget": "no"}

    response = staff_client.post(move_url("declare_eligible", submitted), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "justifiez la recevabilité" in html
    assert response.context["form"]["item_budget"].value() == "no"
    assert re.search(r'value="no"\s+id="id_declare_eligible-item_budget_1" required checked', html)
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


def test_declare_eligible_needs_every_answer(staff_client, submitted):
    data = dict(CHECKLIST_YES)
    del data["declare_eligible-item_holder"]

    response = staff_client.post(move_url("declare_eligible", submitted), data)

    assert "Répondez par oui ou par non." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


def test_declare_ineligible_mails_the_motivation(staff_client, submitted):
    response = staff_client.post(
        move_url("declare_ineligible", submitted),
        {"declare_ineligible-motivation": "Projet hors du territoire du Pôle."},
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == S.INELIGIBLE
    assert submitted.closing_motivation == "Projet hors du territoire du Pôle."
    assert submitted.events.filter(transition=Transition.DECLARE_INELIGIBLE).exists()
    (mail,) = mails_to(submitted.owner)
    assert "Projet hors du territoire du Pôle." in mail.body_text


def test_declare_ineligible_without_motivation_is_refused(staff_client, submitted):
    response = staff_client.post(
        move_url("declare_ineligible", submitted), {"declare_ineligible-motivation": ""}
    )

    assert "La motivation est obligatoire." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED
    assert not submitted.events.filter(transition=Transition.DECLARE_INELIGIBLE).exists()


def test_select_for_review_from_the_page(staff_client, open_wave):
    eligible = staff_application(open_wave, state=S.ELIGIBLE)

    response = staff_client.post(move_url("select_for_review", eligible), {})

    assert response.status_code == 302
    eligible.refresh_from_db()
    assert eligible.state == S.IN_REVIEW
    assert eligible.events.filter(transition=Transition.SELECT_FOR_REVIEW).exists()
    (mail,) = mails_to(eligible.owner)
    assert "retenu" in mail.subject


def test_not_select_needs_and_mails_a_motivation(staff_client, open_wave):
    eligible = staff_application(open_wave, state=S.ELIGIBLE)

    refused = staff_client.post(move_url("not_select", eligible), {"not_select-motivation": ""})
    accepted = staff_client.post(
        move_url("not_select", eligible), {"not_select-motivation": "Projet encore peu mûr."}
    )

    assert "La motivation est obligatoire." in refused.content.decode()
    assert accepted.status_code == 302
    eligible.refresh_from_db()
    assert eligible.state == S.NOT_SELECTED
    assert eligible.events.get(transition=Transition.NOT_SELECT).message == (
        "Projet encore peu mûr."
    )
    (mail,) = mails_to(eligible.owner)
    assert "Projet encore peu mûr." in mail.body_text


def test_reopen_needs_and_mails_a_reason(staff_client, open_wave):
    ineligible = staff_application(open_wave, state=S.INELIGIBLE)

    refused = staff_client.post(move_url("reopen", ineligible), {"reopen-reason": " "})
    accepted = staff_client.post(
        move_url("reopen", ineligible), {"reopen-reason": "Pièce retrouvée dans le courrier."}
    )

    assert "La raison de la réouverture est obligatoire." in refused.content.decode()
    assert accepted.status_code == 302
    ineligible.refresh_from_db()
    assert ineligible.state == S.SUBMITTED
    (mail,) = mails_to(ineligible.owner)
    assert "Pièce retrouvée dans le courrier." in mail.body_text


def test_a_workflow_validation_error_is_shown_on_the_field_with_the_text_kept(
    staff_client, submitted, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("Le service refuse ce message.")

    monkeypatch.setattr(workflow, "application_request_changes", refuse)

    response = staff_client.post(
        move_url("request_changes", submitted),
        {"request_changes-message": "Mon texte soigneusement rédigé."},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["message"] == ["Le service refuse ce message."]
    assert "Mon texte soigneusement rédigé." in response.content.decode()


# Moves that are not available


def test_a_move_not_available_in_the_state_is_refused(staff_client, open_wave):
    eligible = staff_application(open_wave, state=S.ELIGIBLE)

    response = staff_client.post(
        move_url("request_changes", eligible),
        {"request_changes-message": "Texte à ne pas perdre."},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "a peut-être changé entre-temps" in html
    assert "Texte à ne pas perdre." in html
    eligible.refresh_from_db()
    assert eligible.state == S.ELIGIBLE
    assert not ApplicationEvent.objects.filter(application=eligible).exists()
    assert mails_to(eligible.owner) == []


def test_a_stale_page_is_told_the_state_changed_meanwhile(
    staff_client, submitted, roles, instruction_user
):
    other_staff = UserFactory(roles=["applicant", "instruction"])
    staff_client.get(detail_url(submitted))  # the page was loaded while "submitted"
    workflow.application_declare_ineligible(
        application=submitted, by=other_staff, motivation="Hors territoire."
    )

    response = staff_client.post(
        move_url("declare_eligible", submitted), {**CHECKLIST_YES, "declare_eligible-note": ""}
    )

    assert response.status_code == 409
    assert "Irrecevable" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == S.INELIGIBLE
    assert submitted.events.filter(actor=instruction_user).count() == 0


def test_get_of_a_move_not_available_goes_back_to_the_page(staff_client, open_wave):
    labelled = staff_application(open_wave, state=S.LABELLED)

    response = staff_client.get(move_url("reopen", labelled), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(labelled)
    assert "est maintenant « Labellisée »" in response.content.decode()


def test_get_of_an_available_move_shows_its_form(staff_client, submitted):
    response = staff_client.get(move_url("declare_ineligible", submitted))

    assert response.status_code == 200
    assert 'name="declare_ineligible-motivation"' in response.content.decode()


# Messages and private notes


def test_staff_message_is_posted_and_mailed_to_the_applicant(
    staff_client, submitted, instruction_user
):
    response = staff_client.post(
        move_url("message", submitted), {"message-body": "Pouvez-vous préciser le calendrier ?"}
    )

    assert response.status_code == 302
    message = Message.objects.get(application=submitted)
    assert (message.author, message.from_instruction) == (instruction_user, True)
    (mail,) = mails_to(submitted.owner)
    assert "Pouvez-vous préciser le calendrier ?" in mail.body_text
    page = staff_client.get(detail_url(submitted)).content.decode()
    assert "Pouvez-vous préciser le calendrier ?" in page


def test_empty_staff_message_is_refused(staff_client, submitted):
    response = staff_client.post(move_url("message", submitted), {"message-body": "  "})

    assert response.status_code == 200
    assert "Le message ne peut pas être vide." in response.content.decode()
    assert not Message.objects.exists()
    assert mails_to(submitted.owner) == []


def test_private_note_is_shown_to_staff_and_never_to_the_applicant(
    staff_client, client_factory, submitted, instruction_user
):
    staff_client.post(move_url("note", submitted), {"note-body": "Porteur très fragile."})
    staff_client.post(
        move_url("declare_eligible", submitted),
        {**CHECKLIST_YES, "declare_eligible-note": "Note de recevabilité confidentielle."},
    )

    note = StaffNote.objects.get(application=submitted)
    assert (note.author, note.body) == (instruction_user, "Porteur très fragile.")
    assert "Porteur très fragile." in staff_client.get(detail_url(submitted)).content.decode()
    owner_client = login(client_factory(), submitted.owner)
    owner_page = owner_client.get(reverse("applications:detail", kwargs={"pk": submitted.pk}))
    assert owner_page.status_code == 200
    owner_html = owner_page.content.decode()
    assert "Porteur très fragile." not in owner_html
    assert "Note de recevabilité confidentielle." not in owner_html
    assert mails_to(submitted.owner)[0].body_text.count("confidentielle") == 0


def test_empty_private_note_is_refused(staff_client, submitted):
    response = staff_client.post(move_url("note", submitted), {"note-body": ""})

    assert "La note ne peut pas être vide." in response.content.decode()
    assert not StaffNote.objects.exists()


@pytest.fixture
def client_factory():
    return Client


def test_unknown_application_is_404_for_staff(staff_client, open_wave):
    missing = Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = staff_client.get(
        reverse("applications:instruction_detail", kwargs={"pk": missing + 1})
    )

    assert response.status_code == 404


def _page_queries(client, application):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail_url(application))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_staff_page_queries_do_not_grow_with_the_thread_and_the_timeline(
    staff_client, submitted, instruction_user
):
    def add_activity():
        services.message_post(application=submitted, author=instruction_user, body="Question")
        services.message_post(application=submitted, author=submitted.owner, body="Réponse")
        services.staff_note_create(application=submitted, author=instruction_user, body="Note")
        ApplicationEvent.objects.create(
            application=submitted,
            transition=Transition.SUBMIT,
            to_state=S.SUBMITTED,
            actor=UserFactory(),
            internal_note="Suivi",
        )

    add_activity()
    staff_client.get(detail_url(submitted))  # warm the session and permission caches
    few = _page_queries(staff_client, submitted)
    for _ in range(8):
        add_activity()
    many = _page_queries(staff_client, submitted)

    assert many == few


def test_send_to_jury_shortcut_leads_to_the_form_on_the_same_page(staff_client, open_wave):
    in_review = staff_application(open_wave, state=S.IN_REVIEW)

    html = staff_client.get(detail_url(in_review)).content.decode()

    # The shortcut is an in-page link (the hand-over itself only accepts a POST).
    assert 'href="#transmettre-au-jury"' in html
    assert 'id="transmettre-au-jury"' in html
    assert f'action="{reverse("reviews:send_to_jury", kwargs={"pk": in_review.pk})}"' in html
