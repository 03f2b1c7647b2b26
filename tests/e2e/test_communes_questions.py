"""A communes question staff add to the wave's form, in a real browser: its picker works on
its own beside the portal's one (filter, count, ticks, map), ticked with the keyboard and
saved as INSEE codes, in the dossier and in the builder's preview; axe finds nothing at 1280
and 390 px.

COMMUNES_SCREENSHOTS=/tmp/communes saves screenshots at both widths for a person to look at.
"""

import os
from pathlib import Path

import pytest

from applications.models import Application
from callforms import services
from callforms.declaration import form_for
from callforms.enums import QuestionKind
from callforms.models import CallForm, Section
from label.enums import Role
from tests.conftest import login
from tests.e2e.a11y import assert_no_axe_violation, format_vnu_errors, vnu_check
from tests.factories import ApplicationFactory, UserFactory

AXE = "axe-core/axe.min.js"
SHOTS = os.environ.get("COMMUNES_SCREENSHOTS")
KEY = "communes_impact"
LIEVIN = "62510"


def _shot(page, name, width):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def _lit(locator):
    return set(
        locator.locator("path.locator-lit").evaluate_all("els => els.map(e => e.dataset.insee)")
    )


def _add_question(wave):
    form_for(wave)
    services.question_create(
        section=Section.objects.get(form__wave=wave, key="projet"),
        version=CallForm.objects.get(wave=wave).version,
        user=None,
        key=KEY,
        kind=QuestionKind.COMMUNES,
        label="Communes où le projet a un impact",
    )


def _watch(page):
    """Script errors and content security policy messages of the page (there must be none)."""
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return problems


@pytest.mark.django_db(transaction=True)
def test_an_added_communes_question_is_filtered_ticked_by_keyboard_and_saved(
    page, browser_login, roles, open_wave, node_tool
):
    axe = node_tool(AXE)
    _add_question(open_wave)
    applicant = UserFactory(roles=[Role.APPLICANT])
    draft = ApplicationFactory(owner=applicant, wave=open_wave)
    draft.communes.clear()
    browser_login(page.context, applicant)
    problems = _watch(page)

    page.goto(f"/mon-espace/candidatures/{draft.pk}/dossier/projet/")

    added = page.locator(f"#{KEY}-fieldset")
    own = page.locator("#communes-fieldset")
    search = page.get_by_role("searchbox", name="Rechercher une commune")
    assert search.count() == 2  # one per picker, each shown by the script
    assert added.get_by_label("Le projet concerne tout le territoire").count() == 0
    # Filter the added picker: only its own list narrows, and the count is announced.
    added.get_by_label("Rechercher une commune").fill("liév")
    assert added.locator("[data-commune-name]:visible").count() == 1
    assert own.locator("[data-commune-name]:visible").count() == 150
    count = page.locator(f"#{KEY}-commune-filter-count")
    count.filter(has_text="1 commune correspond à « liév ».").wait_for()
    assert page.locator("#commune-filter-count").inner_text() == ""

    # Tab from the search box to the one commune left, Space ticks it.
    page.keyboard.press("Tab")
    box = page.locator(f"#id_{KEY}_{LIEVIN}")
    assert box.evaluate("el => el === document.activeElement")
    page.keyboard.press("Space")
    assert box.is_checked()
    assert page.locator(f"#{KEY}-commune-selected-count").inner_text() == "Communes cochées : 1."
    assert page.locator("#commune-selected-count").inner_text() == "Communes cochées : 0."
    assert _lit(added.locator("[data-commune-locator]")) == {LIEVIN}
    assert _lit(own.locator("[data-commune-locator]")) == set()
    # « Tout le territoire » belongs to the portal's question: the added list stays usable.
    page.locator("#id_territory_wide").check()
    assert len(_lit(own.locator("[data-commune-locator]"))) == 150
    assert _lit(added.locator("[data-commune-locator]")) == {LIEVIN}
    assert box.is_enabled()
    page.locator("#id_territory_wide").uncheck()
    # Escape clears the search: the whole list is back.
    added.get_by_label("Rechercher une commune").press("Escape")
    assert added.locator("[data-commune-name]:visible").count() == 150
    # A draft restored by the autosave script ticks boxes, then tells the form: counts follow.
    page.evaluate(
        """() => {
            document.getElementById("id_communes_impact_62498").checked = true;
            const form = document.getElementById("communes_impact-fieldset").closest("form");
            form.dispatchEvent(new Event("change", {bubbles: true}));
        }"""
    )
    assert page.locator(f"#{KEY}-commune-selected-count").inner_text() == "Communes cochées : 2."
    assert _lit(added.locator("[data-commune-locator]")) == {LIEVIN, "62498"}
    page.locator("#id_communes_impact_62498").uncheck()

    _shot(page, "dossier-communes-ajoutees", 1280)
    assert_no_axe_violation(page, axe, label="dossier, projet, two pickers (1280 px)")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "dossier-communes-ajoutees", 390)
    assert_no_axe_violation(page, axe, label="dossier, projet, two pickers (390 px)")

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    assert "est enregistrée" in page.locator("main").inner_text()
    assert Application.objects.get(pk=draft.pk).answers[KEY] == [LIEVIN]
    assert page.locator(f"#id_{KEY}_{LIEVIN}").is_checked()
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_the_builders_preview_draws_both_pickers_and_axe_finds_nothing(
    page, browser_login, instruction_user, open_wave, node_tool
):
    axe = node_tool(AXE)
    _add_question(open_wave)
    browser_login(page.context, instruction_user)
    problems = _watch(page)

    page.goto(f"/instruction/vagues/{open_wave.number}/formulaire/apercu/")

    added = page.locator(f"#{KEY}-fieldset")
    added.get_by_label("Rechercher une commune").fill("62510")
    assert added.locator("[data-commune-name]:visible").count() == 1
    added.get_by_label("Liévin").check()
    assert _lit(added.locator("[data-commune-locator]")) == {LIEVIN}
    assert _lit(page.locator("#communes-fieldset [data-commune-locator]")) == set()
    _shot(page, "apercu-communes-ajoutees", 1280)
    assert_no_axe_violation(page, axe, label="form preview, two pickers (1280 px)")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violation(page, axe, label="form preview, two pickers (390 px)")

    page.get_by_role("button", name="Essayer ces réponses").click()
    page.wait_for_load_state()
    assert page.locator(f"#id_{KEY}_{LIEVIN}").is_checked()
    assert problems == []


@pytest.mark.django_db
def test_pages_with_two_pickers_have_no_html_error(
    client, applicant, instruction_user, open_wave, java, node_tool, tmp_path
):
    """The dossier's section and the builder's preview, each with two pickers (one of them in
    error), pass the Nu HTML checker: no id is used twice."""
    vnu = node_tool("vnu-jar/build/dist/vnu.jar")
    _add_question(open_wave)
    draft = ApplicationFactory(owner=applicant, wave=open_wave)
    section = f"/mon-espace/candidatures/{draft.pk}/dossier/projet/"
    preview = f"/instruction/vagues/{open_wave.number}/formulaire/apercu/"
    login(client, applicant)
    pages = {
        "dossier": client.get(section),
        "dossier-erreur": client.post(section, {KEY: ["99999"], "action": "save"}),
    }
    login(client, instruction_user)
    pages["apercu-erreur"] = client.post(preview, {KEY: ["99999"]})
    documents = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        documents[name] = response.content.decode()
    assert f'id="{KEY}-error"' in documents["dossier-erreur"]
    assert f'id="{KEY}-error"' in documents["apercu-erreur"]
    errors = vnu_check(java, vnu, documents, tmp_path)
    assert not errors, "The Nu HTML checker found errors:\n" + format_vnu_errors(errors)
