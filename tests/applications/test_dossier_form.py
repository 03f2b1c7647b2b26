"""The dossier follows the wave's form (issue 12): questions staff add appear in the editor,
are validated by their kind next to the field (on save and on autosave), a conditional
question is asked only when its condition holds (its answer dropped otherwise), completeness
asks the form, filing locks the form, and deleting a question takes its drafts' answers."""

import pytest
from django.urls import reverse

from applications import services, workflow
from applications.conditions import missing_items
from applications.models import Application, Attachment
from callforms.declaration import form_for
from callforms.models import CallForm, Question, Section
from callforms.registry import answer_count
from callforms.services import question_delete
from tests.conftest import login
from tests.factories import ApplicationFactory, AttachmentFactory

pytestmark = pytest.mark.django_db


def section_url(application, section):
    return reverse("applications:dossier", kwargs={"pk": application.pk, "section": section})


def autosave_url(application, section):
    return reverse(
        "applications:dossier_autosave", kwargs={"pk": application.pk, "section": section}
    )


def add_questions(wave):
    """Staff add to the « projet » section a yes/no question, a question asked only when it
    is « oui », a number between 0 and 500 and a date (a new version of the form)."""
    form_for(wave)
    section = Section.objects.get(form__wave=wave, key="projet")
    rows = [
        dict(key="has_site", label="Le projet a-t-il un lieu ?", kind="yesno", required=True),
        dict(
            key="site_address",
            label="Adresse du lieu",
            kind="short_text",
            required=True,
            condition_key="has_site",
            condition_value="true",
        ),
        dict(
            key="volunteers",
            label="Nombre de bénévoles",
            kind="number",
            options={"min": 0, "max": 500},
        ),
        dict(key="start_date", label="Date de début", kind="date"),
    ]
    for position, row in enumerate(rows, start=100):
        Question.objects.create(section=section, position=position, **row)
    call_form = CallForm.objects.get(wave=wave)
    call_form.version += 1
    call_form.save()
    return form_for(wave)


@pytest.fixture
def draft(applicant, open_wave):
    add_questions(open_wave)
    return ApplicationFactory(owner=applicant, wave=open_wave)


@pytest.fixture
def client_in(client, applicant):
    return login(client, applicant)


def test_the_editor_asks_the_questions_staff_added(client_in, draft):
    html = client_in.get(section_url(draft, "projet")).content.decode()

    assert "Le projet a-t-il un lieu ?" in html
    assert 'name="has_site"' in html and 'name="volunteers"' in html
    assert 'name="start_date"' in html and 'type="date"' in html
    # The conditional question says when it is asked.
    assert "À remplir seulement si vous avez répondu « oui » à « Le projet a-t-il un lieu ? »" in (
        html.replace("&#x27;", "'").replace("&laquo;", "«")
    )


def test_answers_are_validated_by_their_kind_with_the_message_next_to_the_field(client_in, draft):
    response = client_in.post(
        section_url(draft, "projet"),
        {"title": "Jardins", "volunteers": "mille", "start_date": "31/02/2027", "action": "save"},
    )

    html = response.content.decode()
    draft.refresh_from_db()
    assert draft.title == ""  # nothing saved while a field is wrong
    assert "Saisissez un nombre, par exemple 12 000,50." in html
    assert 'id="id_volunteers_error"' in html or "id_volunteers_error" in html
    assert "Saisissez une date valide" in html
    assert 'value="mille"' in html


def test_autosave_saves_the_valid_answers_and_names_the_others(client_in, draft):
    response = client_in.post(
        autosave_url(draft, "projet"), {"volunteers": "600", "start_date": "2027-03-04"}
    )

    data = response.json()
    draft.refresh_from_db()
    assert draft.answers == {"start_date": "2027-03-04"}
    assert "inférieur ou égal à 500" in data["errors"]["volunteers"][0]
    assert "start_date" in data["saved"] and "volunteers" not in data["saved"]


def test_a_conditional_answer_is_kept_only_while_its_condition_holds(client_in, draft):
    client_in.post(
        section_url(draft, "projet"),
        {"has_site": "true", "site_address": "Base 11/19, Loos-en-Gohelle", "action": "save"},
    )
    draft.refresh_from_db()
    assert draft.answers["site_address"] == "Base 11/19, Loos-en-Gohelle"

    client_in.post(section_url(draft, "projet"), {"has_site": "false", "action": "save"})

    draft.refresh_from_db()
    assert draft.answers == {"has_site": False}


def test_completeness_asks_the_form_and_a_hidden_question_is_not_required(applicant, open_wave):
    add_questions(open_wave)
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)

    assert missing_items(application) == ["Renseignez « Le projet a-t-il un lieu ? »."]

    application.answers = {**application.answers, "has_site": True}
    application.save()
    assert missing_items(application) == ["Renseignez « Adresse du lieu »."]

    application.answers = {**application.answers, "has_site": False}
    application.save()
    assert missing_items(application) == []


def test_filing_the_first_dossier_locks_the_wave_form(applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)
    form_for(open_wave)
    assert CallForm.objects.get(wave=open_wave).locked_at is None

    workflow.application_submit(application=application, by=applicant)

    assert CallForm.objects.get(wave=open_wave).locked_at is not None


def test_deleting_a_question_counts_and_drops_its_drafts_answers(
    applicant, open_wave, instruction_user, django_capture_on_commit_callbacks
):
    spec = add_questions(open_wave)
    answered = ApplicationFactory(owner=applicant, wave=open_wave)
    services.application_update_section(
        application=answered, by=applicant, section="projet", values={"volunteers": 12}
    )
    ApplicationFactory(owner=applicant, wave=open_wave)  # a draft that did not answer
    question = Question.objects.get(section__form__wave=open_wave, key="volunteers")

    assert answer_count(open_wave, "volunteers") == 1

    question_delete(question=question, version=spec.version, user=instruction_user)

    answered.refresh_from_db()
    assert "volunteers" not in answered.answers
    assert answer_count(open_wave, "volunteers") == 0


def test_deleting_a_file_question_removes_the_drafts_documents(
    applicant, open_wave, instruction_user, django_capture_on_commit_callbacks
):
    spec = form_for(open_wave)
    draft = ApplicationFactory(owner=applicant, wave=open_wave)
    AttachmentFactory(application=draft, kind="photos")
    question = Question.objects.get(section__form__wave=open_wave, key="photos")

    assert answer_count(open_wave, "photos") == 1

    with django_capture_on_commit_callbacks(execute=True):
        question_delete(question=question, version=spec.version, user=instruction_user)

    assert not Attachment.objects.filter(application=draft, kind="photos").exists()
    assert Application.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("extra", [5, 40])
def test_the_editor_reads_a_form_of_any_length_in_the_same_queries(
    client_in, applicant, open_wave, extra, django_assert_num_queries
):
    """A section of 5 or 40 more questions: the page's queries do not grow with them."""
    form_for(open_wave)
    section = Section.objects.get(form__wave=open_wave, key="contribution")
    Question.objects.bulk_create(
        Question(
            section=section,
            position=100 + number,
            key=f"extra-{number}",
            label=f"Question {number}",
            kind=("short_text", "number", "yesno", "choice", "date")[number % 5],
            options={"choices": [["a", "A"], ["b", "B"]]} if number % 5 == 3 else {},
        )
        for number in range(extra)
    )
    call_form = CallForm.objects.get(wave=open_wave)
    call_form.version += 1
    call_form.save()
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)
    client_in.get(section_url(application, "contribution"))  # the declaration is cached

    with django_assert_num_queries(12):
        response = client_in.get(section_url(application, "contribution"))

    assert response.status_code == 200
    assert f"Question {extra - 1}" in response.content.decode()
