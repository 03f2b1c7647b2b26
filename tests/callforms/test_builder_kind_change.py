"""Changing a question's kind in the form builder, and the preview's commune picker.

A kind changes while the form is unlocked: to any kind while no draft answered the question,
once drafts did only to a kind that keeps their answers valid; never so that another
question's condition on it breaks; a builtin question keeps its kind. The preview draws the
dossier's commune picker for the portal's communes question.
"""

import re

import pytest
from django.contrib.messages import get_messages

from applications.models import Application
from callforms import services
from callforms.declaration import form_for
from callforms.enums import QuestionKind
from callforms.models import CallForm, Question, Section
from label.models import AuditAction, AuditEvent, Commune
from tests.callforms.conftest import text, url
from tests.factories import ApplicationFactory

K = QuestionKind
pytestmark = pytest.mark.django_db


def kind_url(wave, question, kind):
    return f"{url('question_kind', wave, question.pk)}?type={kind}"


def version(wave):
    return CallForm.objects.get(wave=wave).version


def add(wave, kind, label, **fields):
    section = Section.objects.get(form__wave=wave, key="projet")
    return services.question_create(
        section=section, version=version(wave), user=None, kind=kind, label=label, **fields
    )


def draft(wave, **answers):
    return ApplicationFactory(wave=wave, answers=answers)


def post_data(wave, label, **fields):
    return {
        "version": version(wave),
        "label": label,
        "visible_to_reviewers": "on",
        "visible_to_jury": "on",
        **fields,
    }


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_kind_change_without_answers_asks_the_new_kinds_options_and_keeps_the_rest(staff, wave):
    venue = add(wave, K.SHORT_TEXT, "Lieu principal", required=True, criteria_codes=["B2"])
    page = text(staff.get(url("question_update", wave, venue.pk)))
    assert "Changer le type" in page
    offered = re.search(r'<select[^>]*id="nouveau-type".*?</select>', page, re.S).group(0)
    assert "Un choix parmi plusieurs" in offered and "Communes du territoire" in offered

    page = text(staff.get(kind_url(wave, venue, K.CHOICE)))
    assert "Type : Un choix parmi plusieurs (au lieu de « Texte court »)." in page
    assert 'name="choices"' in page
    before = version(wave)
    response = staff.post(kind_url(wave, venue, K.CHOICE), post_data(wave, "Lieu principal"))
    assert "Écrivez au moins deux réponses, une par ligne." in text(response)
    assert version(wave) == before

    response = staff.post(
        kind_url(wave, venue, K.CHOICE),
        post_data(wave, "Lieu principal", required="on", choices="Friche\nParc", criteria_codes=[]),
    )
    assert response.status_code == 302
    spec = form_for(wave).question(venue.key)
    assert spec.kind == K.CHOICE
    assert spec.required is True
    assert [label for _value, label in spec.options["choices"]] == ["Friche", "Parc"]
    assert version(wave) == before + 1
    assert "est maintenant de type « Un choix parmi plusieurs »" in " ".join(flashed(response))
    # Audited like every edit of the builder (the refused try too): the trail names the page.
    events = AuditEvent.objects.filter(
        action=AuditAction.STAFF_ACTION, name="callforms:question_kind"
    ).order_by("pk")
    assert [event.status_code for event in events] == [200, 302]


def test_short_text_answered_by_drafts_becomes_long_text_and_its_answers_stay_valid(staff, wave):
    venue = add(wave, K.SHORT_TEXT, "Lieu principal")
    application = draft(wave, **{venue.key: "La friche Sainte-Henriette, à Hénin-Beaumont"})
    draft(wave, **{venue.key: "Le parc des Cytises"})
    page = text(staff.get(url("question_update", wave, venue.pk)))
    assert "2 brouillons ont déjà répondu à cette question" in page
    offered = re.search(r'<select[^>]*id="nouveau-type".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", offered) == ["Texte long"]

    response = staff.post(
        kind_url(wave, venue, K.LONG_TEXT), post_data(wave, "Lieu principal", max_length="2000")
    )

    assert response.status_code == 302
    spec = form_for(wave).question(venue.key)
    assert spec.kind == K.LONG_TEXT
    application.refresh_from_db()
    stored = application.answers[venue.key]
    assert spec.clean(stored) == stored == "La friche Sainte-Henriette, à Hénin-Beaumont"


def test_a_text_limit_shorter_than_the_old_one_is_refused_when_drafts_answered(staff, wave):
    venue = add(wave, K.SHORT_TEXT, "Lieu principal")
    draft(wave, **{venue.key: "x" * 180})
    before = version(wave)

    response = staff.post(
        kind_url(wave, venue, K.LONG_TEXT), post_data(wave, "Lieu principal", max_length="100")
    )

    page = text(response)
    assert response.status_code == 200
    assert "1 brouillon a déjà répondu à cette question" in page
    assert "permettez au moins 200 caractères" in page
    venue.refresh_from_db()
    assert venue.kind == K.SHORT_TEXT and version(wave) == before


def test_a_kind_that_would_break_the_drafts_answers_is_refused_with_their_number(staff, wave):
    venue = add(wave, K.SHORT_TEXT, "Lieu principal")
    draft(wave, **{venue.key: "Friche"})
    draft(wave, **{venue.key: "Parc"})
    before = version(wave)

    response = staff.get(kind_url(wave, venue, K.NUMBER))
    assert response.status_code == 302
    assert response["Location"] == url("question_update", wave, venue.pk)
    (message,) = flashed(response)
    assert message == (
        "« Lieu principal » ne peut pas devenir « Nombre » : 2 brouillons ont déjà répondu à "
        "cette question et leurs réponses ne seraient plus valides."
    )
    # Posted anyway (an old tab): the services refuse it the same way.
    response = staff.post(kind_url(wave, venue, K.NUMBER), post_data(wave, "Lieu principal"))
    assert "2 brouillons ont déjà répondu à cette question" in text(response)
    venue.refresh_from_db()
    assert venue.kind == K.SHORT_TEXT and version(wave) == before


def test_a_question_whose_answers_no_other_kind_keeps_offers_no_kind(staff, wave):
    volunteers = add(wave, K.NUMBER, "Nombre de bénévoles")
    draft(wave, **{volunteers.key: 12})

    page = text(staff.get(url("question_update", wave, volunteers.pk)))

    assert 'id="nouveau-type"' not in page
    assert (
        "Un brouillon a déjà répondu à cette question : aucun autre type ne garderait sa "
        "réponse valide. Pour poser la question autrement, ajoutez une nouvelle question."
    ) in page


def test_a_single_choice_answered_becomes_multiple_choices_if_its_choices_stay(staff, wave):
    stage = add(
        wave,
        K.CHOICE,
        "Avancement",
        options={"choices": [["idee", "Idée"], ["chantier", "Chantier"]]},
    )
    application = draft(wave, **{stage.key: "chantier"})

    response = staff.post(
        kind_url(wave, stage, K.MULTICHOICE), post_data(wave, "Avancement", choices="Idée\nAutre")
    )
    assert "gardez les réponses proposées « Chantier »" in text(response)
    stage.refresh_from_db()
    assert stage.kind == K.CHOICE

    response = staff.post(
        kind_url(wave, stage, K.MULTICHOICE),
        post_data(wave, "Avancement", choices="Idée\nChantier\nLivré"),
    )

    assert response.status_code == 302
    spec = form_for(wave).question(stage.key)
    assert spec.kind == K.MULTICHOICE
    application.refresh_from_db()
    stored = application.answers[stage.key]
    assert stored == "chantier"
    # The single value a draft stored reads as a list of one everywhere.
    assert spec.display(stored) == "Chantier"
    assert spec.clean(stored) == ["chantier"]


def test_a_condition_on_the_question_is_kept_if_still_met_and_refused_if_broken(staff, wave):
    employer = add(wave, K.YESNO, "Êtes-vous employeur ?")
    add(
        wave,
        K.SHORT_TEXT,
        "Nombre de salariés",
        condition_key=employer.key,
        condition_value="true",
    )
    page = text(staff.get(url("question_update", wave, employer.pk)))
    offered = re.search(r'<select[^>]*id="nouveau-type".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", offered) == [
        "Un choix parmi plusieurs",
        "Plusieurs choix",
    ]

    response = staff.get(kind_url(wave, employer, K.SHORT_TEXT))
    (message,) = flashed(response)
    assert message == (
        "« Êtes-vous employeur ? » ne peut pas devenir « Texte court » : la condition de "
        "« Nombre de salariés » porte sur sa réponse. Changez d'abord cette condition."
    )
    # A choice whose values do not hold the condition's « true » breaks it too.
    response = staff.post(
        kind_url(wave, employer, K.CHOICE),
        post_data(wave, "Êtes-vous employeur ?", choices="Oui\nNon"),
    )
    assert "la condition de « Nombre de salariés » porte sur sa réponse" in text(response)
    employer.refresh_from_db()
    assert employer.kind == K.YESNO


def test_a_locked_form_refuses_a_kind_change(staff, wave):
    venue = add(wave, K.SHORT_TEXT, "Lieu principal")
    services.form_lock(wave=wave)
    before = version(wave)
    assert "Changer le type" not in text(staff.get(url("question_update", wave, venue.pk)))

    response = staff.get(kind_url(wave, venue, K.LONG_TEXT))
    assert response.status_code == 302
    assert "Le formulaire est verrouillé" in flashed(response)[0]
    response = staff.post(kind_url(wave, venue, K.LONG_TEXT), post_data(wave, "Lieu principal"))

    assert "Le formulaire est verrouillé" in text(response)
    venue.refresh_from_db()
    assert venue.kind == K.SHORT_TEXT and version(wave) == before


def test_a_builtin_question_keeps_its_kind(staff, wave):
    title = Question.objects.get(section__form__wave=wave, key="title")
    assert "Changer le type" not in text(staff.get(url("question_update", wave, title.pk)))

    response = staff.get(kind_url(wave, title, K.LONG_TEXT))
    assert flashed(response) == ["Un champ du portail garde son type."]
    staff.post(kind_url(wave, title, K.LONG_TEXT), post_data(wave, "Titre du projet"))

    title.refresh_from_db()
    assert title.kind == K.BUILTIN
    with pytest.raises(services.ValidationError):
        services.question_update(question=title, version=version(wave), user=None, kind=K.LONG_TEXT)


def test_a_kind_change_on_an_older_version_is_a_conflict_that_keeps_the_input(staff, wave):
    venue = add(wave, K.SHORT_TEXT, "Lieu principal")
    stale = version(wave)
    services.question_update(question=venue, version=stale, user=None, help_text="Où ?")

    response = staff.post(
        kind_url(wave, venue, K.CHOICE),
        {**post_data(wave, "Lieu principal", choices="Friche\nParc"), "version": stale},
    )

    page = text(response)
    assert "modifié par une autre personne" in page
    assert "Friche\nParc" in page
    assert f'name="version" value="{version(wave)}"' in page
    venue.refresh_from_db()
    assert venue.kind == K.SHORT_TEXT
    with pytest.raises(services.FormConflict):
        services.question_update(question=venue, version=stale, user=None, kind=K.LONG_TEXT)


def test_the_preview_draws_the_dossiers_commune_picker(staff, wave):
    page = text(staff.get(url("form_preview", wave)))

    assert "data-commune-picker" in page
    assert 'id="commune-filter"' in page
    assert "data-commune-locator" in page
    assert "CA de Lens-Liévin" in page
    assert '<script src="/static/js/commune-picker.js"></script>' in page
    assert "css/dossier.css" in page
    # No inline script: the content security policy forbids it.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    lens = Commune.objects.get(name="Lens")
    assert f'name="communes" value="{lens.pk}" id="id_communes_{lens.pk}"' in page


def test_trying_the_preview_with_the_picker_validates_and_saves_nothing(staff, wave):
    lens = Commune.objects.get(name="Lens")
    applications = Application.objects.count()

    page = text(staff.post(url("form_preview", wave), {"communes": [str(lens.pk)]}))
    assert 'id="communes-error"' not in page
    assert f'value="{lens.pk}" id="id_communes_{lens.pk}" checked' in page

    page = text(staff.post(url("form_preview", wave), {}))
    assert 'id="communes-error"' in page
    # The error summary leads to the picker.
    assert '<a href="#communes-fieldset">Communes du projet : Répondez' in page

    page = text(
        staff.post(url("form_preview", wave), {"communes": [str(lens.pk)], "territory_wide": "on"})
    )
    assert "Choisissez des communes ou « tout le territoire », pas les deux" in page
    assert Application.objects.count() == applications
