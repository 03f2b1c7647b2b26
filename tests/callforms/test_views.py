"""The staff's form builder and its preview: who may reach them, what a lock allows, two staff
editing at once, the deletion confirmation, an impossible form, the query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callforms import registry, services
from callforms.declaration import form_for
from callforms.enums import QuestionKind
from callforms.models import CallForm, Question, Section
from label.models import Wave
from tests.callforms.conftest import text, url
from tests.conftest import login
from tests.factories import UserFactory, WaveFactory

K = QuestionKind
pytestmark = pytest.mark.django_db


def version(wave):
    return CallForm.objects.get(wave=wave).version


def question(wave, key):
    return Question.objects.get(section__form__wave=wave, key=key)


def section(wave, key):
    return Section.objects.get(form__wave=wave, key=key)


@pytest.mark.parametrize("page", ["form_edit", "form_preview", "section_create"])
def test_anonymous_applicant_and_reviewer_are_refused(client, wave, roles, page):
    response = client.get(url(page, wave))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    for role in ("applicant", "reviewer", "jury"):
        user = UserFactory(roles=[role])
        login(client, user)
        assert client.get(url(page, wave)).status_code == 403
    client.logout()


def test_staff_without_the_second_factor_is_refused(client, wave, instruction_user):
    login(client, instruction_user, otp_verified=False)
    assert client.get(url("form_edit", wave)).status_code in (302, 403)


def test_the_editor_lists_sections_and_questions_in_order(staff, wave):
    response = staff.get(url("form_edit", wave))
    assert response.status_code == 200
    page = text(response)
    assert page.index("Porteur du projet") < page.index("Le projet") < page.index("Pièces jointes")
    assert page.index("Nom de la structure porteuse") < page.index("Type de porteur")
    assert "Champ du portail" in page
    assert "Monter" in page and "Descendre" in page
    assert "Formulaire verrouillé" not in page


def test_staff_add_a_choice_question_then_a_conditional_one(staff, wave):
    projet = section(wave, "projet")
    response = staff.post(
        url("question_create", wave) + f"?section={projet.pk}&type=choice",
        {
            "version": version(wave),
            "label": "Le projet a-t-il des salariés ?",
            "help_text": "",
            "required": "on",
            "choices": "Oui, plusieurs\nUn seul\nAucun",
            "visible_to_reviewers": "on",
            "visible_to_jury": "on",
        },
    )
    assert response.status_code == 302, text(response)
    added = question(wave, "le_projet_a_t_il_des_salaries")
    assert added.options["choices"] == [
        ["oui_plusieurs", "Oui, plusieurs"],
        ["un_seul", "Un seul"],
        ["aucun", "Aucun"],
    ]
    response = staff.post(
        url("question_create", wave) + f"?section={projet.pk}&type=number",
        {
            "version": version(wave),
            "label": "Combien ?",
            "min": "1",
            "condition": f"{added.key}=oui_plusieurs",
            "required": "on",
        },
    )
    assert response.status_code == 302, text(response)
    spec = form_for(wave)
    assert spec.question("combien").condition_key == added.key
    assert spec.question("combien").options == {"min": 1}
    # The choices of the condition question are offered on the next question's page.
    page = text(staff.get(url("question_create", wave) + f"?section={projet.pk}&type=short_text"))
    assert "« Le projet a-t-il des salariés ? » a pour réponse « Un seul »" in page


def test_a_table_and_a_files_question_take_their_options(staff, wave):
    budget = section(wave, "budget")
    response = staff.post(
        url("question_create", wave) + f"?section={budget.pk}&type=table",
        {
            "version": version(wave),
            "label": "Dépenses",
            "columns": "Poste ; texte\nMontant ; montant\nDevis reçu ; oui/non",
            "total_equals_cost": "on",
        },
    )
    assert response.status_code == 302, text(response)
    assert question(wave, "depenses").options == {
        "columns": [
            {"key": "poste", "label": "Poste", "kind": "text"},
            {"key": "montant", "label": "Montant", "kind": "amount"},
            {"key": "devis_recu", "label": "Devis reçu", "kind": "yesno"},
        ],
        "total_equals": "total_cost",
    }
    pieces = section(wave, "pieces")
    response = staff.post(
        url("question_create", wave) + f"?section={pieces.pk}&type=files",
        {
            "version": version(wave),
            "label": "Statuts",
            "accept": "pdf, .odt",
            "max_size_mb": "5",
            "max_files": "1",
        },
    )
    assert response.status_code == 302, text(response)
    assert question(wave, "statuts").options == {
        "accept": [".pdf", ".odt"],
        "max_size_mb": 5,
        "max_files": 1,
    }
    response = staff.post(
        url("question_create", wave) + f"?section={pieces.pk}&type=files",
        {"version": version(wave), "label": "Programme", "accept": ".exe"},
    )
    assert response.status_code == 200
    assert "n'est pas un type accepté" in text(response)


def test_an_impossible_form_is_refused_with_the_reason_and_the_input_kept(staff, wave):
    projet = section(wave, "projet")
    services.question_create(
        section=section(wave, "budget"),
        version=version(wave),
        user=None,
        kind=K.YESNO,
        label="Employeur",
    )
    response = staff.post(
        url("question_create", wave) + f"?section={projet.pk}&type=short_text",
        {
            "version": version(wave),
            "label": "Nombre de salariés",
            "required": "on",
            "condition": "employeur=true",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "Sélectionnez un choix valide" in page or "placée après elle" in page
    # Offered only before: the question placed after is not a possible condition here.
    assert form_for(wave).question("nombre_de_salaries") is None


def test_an_impossible_condition_saved_through_an_edit_is_refused(staff, wave):
    employer = services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.YESNO,
        label="Employeur",
    )
    detail = services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.SHORT_TEXT,
        label="Détail",
        required=True,
        condition_key=employer.key,
        condition_value="true",
    )
    # Moving the condition below its dependant would hide it for ever: refused with the reason.
    response = staff.post(
        url("question_move", wave, employer.pk),
        {"version": version(wave), "direction": "down"},
        follow=True,
    )
    assert "placée après elle" in text(response)
    detail.refresh_from_db()
    employer.refresh_from_db()
    assert employer.position < detail.position


def test_two_staff_at_once_the_second_is_told_and_keeps_the_input(staff, wave):
    description = question(wave, "description")
    page_version = version(wave)
    services.question_update(question=description, version=page_version, user=None, label="Autre")
    response = staff.post(
        url("question_update", wave, description.pk),
        {"version": page_version, "label": "Présentez le projet", "help_text": "Mon aide"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Le formulaire a été modifié par une autre personne pendant votre saisie" in page
    assert 'value="Présentez le projet"' in page
    assert "Mon aide" in page
    assert f'name="version" value="{version(wave)}"' in page
    description.refresh_from_db()
    assert description.label == "Autre"


def test_a_locked_form_offers_only_the_wording_and_says_why(staff, wave):
    services.form_lock(wave=wave)
    page = text(staff.get(url("form_edit", wave)))
    assert "Formulaire verrouillé" in page
    assert "Un premier dossier a été déposé" in page
    assert "Ajouter une question" not in page
    assert "Monter" not in page
    description = question(wave, "description")
    page = text(staff.get(url("question_update", wave, description.pk)))
    assert 'name="label"' in page and 'name="required"' not in page
    response = staff.post(
        url("question_update", wave, description.pk),
        {"version": version(wave), "label": "Description du projet", "required": ""},
    )
    assert response.status_code == 302
    description.refresh_from_db()
    assert description.label == "Description du projet" and description.required
    response = staff.post(url("question_delete", wave, description.pk), {"version": version(wave)})
    assert response.status_code == 200
    assert "verrouillé" in text(response)
    assert Question.objects.filter(pk=description.pk).exists()
    response = staff.get(
        url("question_create", wave) + f"?section={description.section_id}&type=date"
    )
    assert response.status_code == 302


def test_a_builtin_question_is_reworded_never_deleted(staff, wave):
    title = question(wave, "title")
    page = text(staff.get(url("question_update", wave, title.pk)))
    assert "C'est un champ du portail" in page
    assert 'name="required"' not in page
    response = staff.post(
        url("question_update", wave, title.pk),
        {"version": version(wave), "label": "Nom du projet", "help_text": "Court."},
    )
    assert response.status_code == 302
    assert form_for(wave).question("title").label == "Nom du projet"
    assert staff.get(url("question_delete", wave, title.pk)).status_code == 302
    staff.post(url("question_delete", wave, title.pk), {"version": version(wave)})
    assert Question.objects.filter(pk=title.pk).exists()


def test_deleting_a_question_confirms_with_the_number_of_drafts_that_answered(staff, wave):
    description = question(wave, "description")

    def counter(counted_wave, key):
        return 3 if (counted_wave.pk, key) == (wave.pk, "description") else 0

    registry.register_answer_counter(counter)
    try:
        page = text(staff.get(url("question_delete", wave, description.pk)))
    finally:
        registry._answer_counters.remove(counter)
    assert "3 brouillons ont déjà répondu à cette question" in page
    assert Question.objects.filter(pk=description.pk).exists()
    response = staff.post(url("question_delete", wave, description.pk), {"version": version(wave)})
    assert response.status_code == 302
    assert form_for(wave).question("description") is None
    page = text(staff.get(url("question_delete", wave, question(wave, "partners").pk)))
    assert "Aucun brouillon n'a encore répondu" in page


def test_sections_are_added_edited_moved_and_deleted(staff, wave):
    response = staff.post(
        url("section_create", wave), {"version": version(wave), "title": "Gouvernance"}
    )
    assert response.status_code == 302
    added = section(wave, "gouvernance")
    staff.post(url("section_move", wave, added.pk), {"version": version(wave), "direction": "up"})
    assert [s.key for s in form_for(wave).sections][-2:] == ["gouvernance", "consentement"]
    response = staff.post(
        url("section_update", wave, added.pk),
        {
            "version": version(wave),
            "title": "Gouvernance du projet",
            "introduction": "Qui décide ?",
        },
    )
    assert response.status_code == 302
    assert form_for(wave).section("gouvernance").introduction == "Qui décide ?"
    staff.post(url("section_delete", wave, added.pk), {"version": version(wave)})
    assert form_for(wave).section("gouvernance") is None


def test_an_old_version_moves_nothing(staff, wave):
    holder = question(wave, "holder_name")
    page_version = version(wave)
    services.question_update(question=holder, version=page_version, user=None, label="Porteur")
    response = staff.post(
        url("question_move", wave, holder.pk),
        {"version": page_version, "direction": "down"},
        follow=True,
    )
    assert "rien n'a été déplacé" in text(response)
    assert [q.key for q in form_for(wave).questions()][0] == "holder_name"


def _form_with(wave, count):
    """Give the wave's form exactly `count` questions (the default has fewer than 40)."""
    form_for(wave)
    questions = Question.objects.filter(section__form__wave=wave)
    extra = questions.count() - count
    if extra > 0:
        Question.objects.filter(
            pk__in=list(questions.values_list("pk", flat=True)[:extra])
        ).delete()
    target = section(wave, "contribution")
    for number in range(count - questions.count()):
        services.question_create(
            section=target,
            version=version(wave),
            user=None,
            kind=K.SHORT_TEXT,
            label=f"Question {number}",
        )
    assert questions.count() == count


def test_the_editor_query_count_does_not_grow_with_the_questions(staff, wave):
    small = WaveFactory(number=12)
    _form_with(small, 5)
    _form_with(wave, 40)
    staff.get(url("form_edit", small))  # the session and the caches are warm
    counts = []
    for target in (small, wave):
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url("form_edit", target)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_preview_shows_the_form_with_its_counter_and_saves_nothing(staff, wave):
    response = staff.get(url("form_preview", wave))
    page = text(response)
    assert response.status_code == 200
    assert page.index("Porteur du projet") < page.index("Contribution aux critères")
    assert 'data-maxlength="10000"' in page
    assert "js/callforms-counter.js" in page
    assert "<script>" not in page


def test_trying_the_form_shows_errors_next_to_the_fields(staff, wave):
    before = Question.objects.count(), version(wave)
    response = staff.post(
        url("form_preview", wave),
        {
            "holder_name": "Association",
            "siret": "73282932000075",
            "contact_email": "pas-une-adresse",
            "total_cost": "1000",
            "financing_lines-rows": "1",
            "financing_lines-0-source": "Région",
            "financing_lines-0-amount": "400",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "clé de contrôle incorrecte" in page
    assert "Saisissez une adresse e-mail valide" in page
    assert "elle est obligatoire pour déposer le dossier" in page
    assert "doit être égal au coût total du projet" in page
    assert 'id="id_siret_error"' in page
    assert (Question.objects.count(), version(wave)) == before


def test_a_question_whose_condition_is_not_met_is_not_checked_when_trying(staff, wave):
    employer = services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.YESNO,
        label="Employeur",
    )
    services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.NUMBER,
        label="Salariés",
        required=True,
        condition_key=employer.key,
        condition_value="true",
    )
    page = text(staff.post(url("form_preview", wave), {"employeur": "false", "salaries": "x"}))
    assert 'id="id_salaries_error"' not in page
    assert "Saisissez un nombre" not in page
    page = text(staff.post(url("form_preview", wave), {"employeur": "true"}))
    assert 'id="id_salaries_error"' in page
    assert "Question posée seulement si « Employeur » a pour réponse « Oui »." in page


def test_trying_the_form_checks_the_files_against_the_question(staff, wave):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = text(
        staff.post(
            url("form_preview", wave),
            {"financing_plan": SimpleUploadedFile("plan.exe", b"MZ", "application/octet-stream")},
        )
    )
    assert "« plan.exe » : formats acceptés .pdf" in page
    page = text(
        staff.post(
            url("form_preview", wave),
            {"financing_plan": SimpleUploadedFile("plan.pdf", b"%PDF-1.4", "application/pdf")},
        )
    )
    assert 'id="id_financing_plan_error"' not in page


def test_a_new_wave_from_the_previous_starts_from_its_form_with_the_same_keys(staff, wave):
    services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.URL,
        label="Site du projet",
    )
    services.form_lock(wave=wave)
    response = staff.post(
        reverse("label:wave_create") + "?depuis=precedente",
        {
            "number": "12",
            "year": "2027",
            "title": "Label Euralens — vague 12",
            "opens_at": "2030-03-10T09:00",
            "closes_at": "2030-05-31T23:59",
        },
    )
    assert response.status_code == 302, text(response)
    new = form_for(Wave.objects.get(number=12))
    assert [q.key for q in new.questions()] == [q.key for q in form_for(wave).questions()]
    assert new.question("site_du_projet").kind == K.URL
    assert not new.locked
    page = text(staff.get(url("form_edit", Wave.objects.get(number=12))))
    assert "Site du projet" in page


def test_a_question_is_tied_to_the_criteria_of_the_wave_s_grid(staff, wave):
    from tests.factories.reviews import grid_for

    grid_for(wave)
    contribution = section(wave, "contribution")
    create = url("question_create", wave) + f"?section={contribution.pk}&type=long_text"
    page = text(staff.get(create))
    assert "B2. " in page
    stale = version(wave)
    services.section_update(section=contribution, version=stale, user=None, title="Critères")
    data = {"version": stale, "label": "Gouvernance", "max_length": "2000", "criteria_codes": "B2"}
    response = staff.post(create, data)
    # Another person saved meanwhile: told, the input kept, nothing created.
    assert "modifié par une autre personne" in text(response)
    assert 'value="Gouvernance"' in text(response)
    assert form_for(wave).question("gouvernance") is None
    response = staff.post(create, {**data, "version": version(wave)})
    assert response.status_code == 302
    created = form_for(wave).question("gouvernance")
    assert created.criteria_codes == ("B2",)
    assert created.options == {"max_length": 2000}


def test_trying_the_form_accepts_the_whole_territory_instead_of_communes(staff, wave):
    page = text(staff.post(url("form_preview", wave), {"territory_wide": "on"}))
    assert "tout le territoire du Pôle métropolitain" in page
    assert 'id="communes-error"' not in page
    page = text(staff.post(url("form_preview", wave), {}))
    assert 'id="communes-error"' in page


def test_removing_the_choice_a_condition_names_is_refused_with_the_reason(staff, wave):
    size = services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.CHOICE,
        label="Taille",
        options={"choices": [["petite", "Petite"], ["grande", "Grande"]]},
    )
    services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.SHORT_TEXT,
        label="Effectif",
        required=True,
        condition_key=size.key,
        condition_value="grande",
    )
    response = staff.post(
        url("question_update", wave, size.pk),
        {"version": version(wave), "label": "Taille", "choices": "Petite\nMoyenne"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "La question obligatoire « Effectif » ne pourrait jamais être remplie" in page
    assert "« grande » n'est pas l'une des réponses possibles de « Taille »" in page
    size.refresh_from_db()
    assert size.options["choices"] == [["petite", "Petite"], ["grande", "Grande"]]


def test_the_editor_says_a_condition_in_words(staff, wave):
    employer = services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.YESNO,
        label="Employeur",
    )
    services.question_create(
        section=section(wave, "projet"),
        version=version(wave),
        user=None,
        kind=K.NUMBER,
        label="Salariés",
        condition_key=employer.key,
        condition_value="true",
    )
    page = text(staff.get(url("form_edit", wave)))
    assert "Question posée seulement si « Employeur » a pour réponse « Oui »." in page


def test_a_locked_form_still_takes_a_section_s_new_wording(staff, wave):
    services.form_lock(wave=wave)
    projet = section(wave, "projet")
    response = staff.post(
        url("section_update", wave, projet.pk),
        {"version": version(wave), "title": "Votre projet", "introduction": "En quelques mots."},
    )
    assert response.status_code == 302
    assert form_for(wave).section("projet").title == "Votre projet"
    response = staff.post(
        url("section_move", wave, projet.pk),
        {"version": version(wave), "direction": "up"},
        follow=True,
    )
    assert "verrouillé" in text(response)
    assert [s.key for s in form_for(wave).sections][:2] == ["porteur", "projet"]


def test_no_builtin_question_is_created_by_hand_and_other_forms_are_out_of_reach(staff, wave):
    projet = section(wave, "projet")
    assert (
        staff.get(url("question_create", wave) + f"?section={projet.pk}&type=builtin").status_code
        == 404
    )
    other = WaveFactory(number=12)
    form_for(other)
    foreign = question(other, "description")
    assert staff.get(url("question_update", wave, foreign.pk)).status_code == 404
    assert staff.get(url("form_edit", wave).replace("/11/", "/99/")).status_code == 404
