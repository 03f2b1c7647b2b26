"""The form builder of a wave in the browser: its pages pass axe-core at desktop and phone
widths, and staff add questions of several kinds with the keyboard alone."""

import os
from pathlib import Path

import pytest

from callforms import services
from callforms.declaration import form_for
from callforms.models import Question, Section
from tests.conftest import login
from tests.e2e.a11y import assert_no_axe_violation, format_vnu_errors, vnu_check
from tests.factories.label import WaveFactory

AXE = "axe-core/axe.min.js"
NARROW = {"width": 320, "height": 640}
# Screenshots for a person to look at, when asked: CALLFORMS_SCREENSHOTS=/tmp/callforms.
SHOTS = os.environ.get("CALLFORMS_SCREENSHOTS")


def _shoot(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _watch_csp(page):
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


def _check(page, axe, label):
    assert page.locator("h1").count() == 1
    assert_no_axe_violation(page, axe, label=label)
    page.set_viewport_size(NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], label
    assert_no_axe_violation(page, axe, label=f"{label} (320 px)")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_builder_pages_pass_axe(page, browser_login, instruction_user, node_tool):
    axe = node_tool(AXE)
    wave = WaveFactory(number=11)
    form_for(wave)
    description = form_for(wave).question("description")
    assert description is not None
    browser_login(page.context, instruction_user)
    csp_errors = _watch_csp(page)
    base = f"/instruction/vagues/{wave.number}/formulaire/"
    projet = Section.objects.get(form__wave=wave, key="projet")

    page.goto(base)
    _shoot(page, "editeur")
    _check(page, axe, "éditeur du formulaire")

    page.goto(f"{base}questions/nouvelle/?section={projet.pk}&type=table")
    _shoot(page, "question-tableau")
    _check(page, axe, "nouvelle question (tableau)")

    page.goto(f"{base}apercu/")
    # The counter of a long text is drawn by static/js/callforms-counter.js.
    assert page.locator("#id_description-counter").inner_text().startswith("Il reste 10")
    page.locator("#id_description").fill("Un projet.")
    assert "Il reste 9" in page.locator("#id_description-counter").inner_text()
    _shoot(page, "apercu")
    _check(page, axe, "aperçu du formulaire")
    page.locator("button[type=submit]", has_text="Essayer").click()
    page.wait_for_load_state()
    assert page.locator("#resume-erreurs").is_visible()
    _shoot(page, "apercu-essai")
    _check(page, axe, "aperçu après essai")

    description_pk = Question.objects.get(section__form__wave=wave, key="description").pk
    page.goto(f"{base}questions/{description_pk}/supprimer/")
    _shoot(page, "suppression")
    _check(page, axe, "confirmation de suppression")

    services.form_lock(wave=wave)
    page.goto(base)
    _shoot(page, "editeur-verrouille")
    _check(page, axe, "éditeur verrouillé")
    title_pk = Question.objects.get(section__form__wave=wave, key="title").pk
    page.goto(f"{base}questions/{title_pk}/modifier/")
    _shoot(page, "champ-du-portail-verrouille")
    _check(page, axe, "champ du portail, formulaire verrouillé")
    assert not csp_errors, "The content security policy blocked:\n" + "\n".join(csp_errors)


def _tab_until(page, predicate, limit=200):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"No Tab stop matched {predicate}")


def _focused_name(page, name):
    return f"() => document.activeElement && document.activeElement.name === {name!r}"


def _add_question(page, section_pk, kind_label, fill):
    """From the editor, choose the kind in the section's select and fill the form by keyboard."""
    _tab_until(page, f"() => document.activeElement.id === 'type-{section_pk}'")
    page.keyboard.press("Home")  # a native select moves with the arrows without opening
    select = page.locator(f"#type-{section_pk}")
    while select.evaluate("el => el.options[el.selectedIndex].text") != kind_label:
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for name, value in fill:
        _tab_until(page, _focused_name(page, name))
        if value is True:
            page.keyboard.press("Space")
        else:
            page.keyboard.type(value)
    _tab_until(page, "() => document.activeElement.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.django_db(transaction=True)
def test_staff_add_questions_of_several_kinds_with_the_keyboard(
    page, browser_login, instruction_user
):
    wave = WaveFactory(number=11)
    form_for(wave)
    projet = Section.objects.get(form__wave=wave, key="projet")
    browser_login(page.context, instruction_user)
    base = f"/instruction/vagues/{wave.number}/formulaire/"

    page.goto(base)
    _add_question(
        page, projet.pk, "Oui / non", [("label", "Le projet emploie-t-il des salariés ?")]
    )
    assert "est ajoutée" in page.locator("main").inner_text()

    page.goto(base)
    _add_question(
        page,
        projet.pk,
        "Un choix parmi plusieurs",
        [
            ("label", "Taille de la structure"),
            ("choices", "Petite\nMoyenne\nGrande"),
            ("required", True),
        ],
    )
    page.goto(base)
    _add_question(
        page, projet.pk, "Date", [("label", "Date de début"), ("help_text", "Même approximative.")]
    )

    spec = form_for(wave)
    yesno = spec.question("le_projet_emploie_t_il_des_salaries")
    choice = spec.question("taille_de_la_structure")
    date = spec.question("date_de_debut")
    assert yesno.kind == "yesno"
    assert choice.kind == "choice" and choice.required
    assert [label for _value, label in choice.options["choices"]] == ["Petite", "Moyenne", "Grande"]
    assert date.kind == "date" and date.help_text == "Même approximative."
    _shoot(page, "editeur-apres-ajouts")

    # Move the date question up with the keyboard: its « Monter » button, then Enter.
    date_row = f"question-{Section.objects.get(pk=projet.pk).questions.get(key='date_de_debut').pk}"
    _tab_until(
        page,
        f"() => document.activeElement.closest('#{date_row}') !== null"
        " && document.activeElement.value === 'up'",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    keys = [q.key for q in form_for(wave).questions()]
    assert keys.index("date_de_debut") < keys.index("taille_de_la_structure")


@pytest.mark.django_db
def test_builder_pages_have_no_html_error(client, instruction_user, java, node_tool, tmp_path):
    """The editor, a question's page, the deletion page and the tried preview pass the Nu
    HTML checker (warnings allowed)."""
    vnu = node_tool("vnu-jar/build/dist/vnu.jar")
    wave = WaveFactory(number=11)
    form_for(wave)
    login(client, instruction_user)
    base = f"/instruction/vagues/{wave.number}/formulaire/"
    projet = Section.objects.get(form__wave=wave, key="projet")
    description = Question.objects.get(section__form__wave=wave, key="description")
    pages = {
        "editeur": client.get(base),
        "question-tableau": client.get(f"{base}questions/nouvelle/?section={projet.pk}&type=table"),
        "question-modifier": client.get(f"{base}questions/{description.pk}/modifier/"),
        "question-supprimer": client.get(f"{base}questions/{description.pk}/supprimer/"),
        "section": client.get(f"{base}sections/{projet.pk}/modifier/"),
        "apercu": client.get(f"{base}apercu/"),
        "apercu-essai": client.post(f"{base}apercu/", {"siret": "1"}),
    }
    documents = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        documents[name] = response.content.decode()
    errors = vnu_check(java, vnu, documents, tmp_path)
    assert not errors, "The Nu HTML checker found errors:\n" + format_vnu_errors(errors)


# One question of each kind, with the options its page asks (field name -> value).
EVERY_KIND = [
    ("short_text", "Nom court du projet", {"max_length": "80"}),
    ("long_text", "Gouvernance", {"max_length": "1500"}),
    ("number", "Nombre de bénévoles", {"min": "0", "max": "500"}),
    ("amount", "Budget de fonctionnement", {}),
    ("date", "Date de début", {}),
    ("yesno", "Le projet emploie-t-il des salariés ?", {}),
    ("choice", "Taille de la structure", {"choices": "Petite\nMoyenne\nGrande"}),
    ("multichoice", "Publics", {"choices": "Enfants\nFamilles\nSeniors"}),
    ("email", "E-mail de la comptabilité", {}),
    ("url", "Site du projet", {}),
    ("phone", "Téléphone du chantier", {}),
    ("siret", "SIRET du partenaire principal", {}),
    ("communes", "Communes touchées indirectement", {}),
    ("files", "Statuts de la structure", {"accept": ".pdf", "max_files": "1"}),
    ("table", "Dépenses prévues", {"columns": "Poste ; texte\nMontant ; montant"}),
]


@pytest.mark.django_db(transaction=True)
def test_staff_add_a_question_of_each_kind_and_see_it_in_the_preview(
    page, browser_login, instruction_user
):
    wave = WaveFactory(number=11)
    form_for(wave)
    projet = Section.objects.get(form__wave=wave, key="projet")
    browser_login(page.context, instruction_user)
    base = f"/instruction/vagues/{wave.number}/formulaire/"
    for kind, label, options in EVERY_KIND:
        page.goto(base)
        page.locator(f"#type-{projet.pk}").select_option(kind)
        add_form = page.locator(f"#type-{projet.pk}").locator("xpath=ancestor::form")
        add_form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        page.locator("[name=label]").fill(label)
        for name, value in options.items():
            page.locator(f"[name={name}]").fill(value)
        page.locator("button[type=submit]", has_text="Enregistrer la question").click()
        page.wait_for_load_state()
        assert f"La question « {label} » est ajoutée." in page.locator("main").inner_text(), kind

    spec = form_for(wave)
    added = {question.label: question for question in spec.questions()}
    for kind, label, _options in EVERY_KIND:
        assert added[label].kind == kind
    page.goto(f"{base}apercu/")
    text = page.locator("main").inner_text()
    for _kind, label, _options in EVERY_KIND:
        assert label in text
    _shoot(page, "apercu-tous-les-types")
