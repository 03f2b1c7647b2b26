"""Issue 12, « Done when », in the browser: an applicant answers questions staff added to the
wave's form — short and long text (with its counter), amount, date, yes/no, one choice,
several choices and a table row — with the keyboard alone (Tab, typing, Space, arrows, Enter),
saves, and finds the answers stored and on the dossier's summary; the section page passes
axe-core at desktop and phone widths."""

import os
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from applications.models import Application
from callforms import services
from callforms.declaration import form_for
from label.enums import Role
from tests.e2e.a11y import assert_no_axe_violation
from tests.factories import ApplicationFactory, UserFactory

AXE = "axe-core/axe.min.js"
# Screenshots for a person to look at, when asked: FORM_ANSWERS_SCREENSHOTS=/tmp/answers.
SHOTS = os.environ.get("FORM_ANSWERS_SCREENSHOTS")
LONG_LIMIT = 300
LONG_TEXT = "Un collectif de voisins."

QUESTIONS = [
    dict(key="lieu_nom", label="Nom du lieu d'accueil", kind="short_text"),
    dict(
        key="historique",
        label="Historique du collectif",
        kind="long_text",
        options={"max_length": LONG_LIMIT},
    ),
    dict(key="apport_nature", label="Apport en nature valorisé", kind="amount"),
    dict(key="premiere_action", label="Date de la première action", kind="date"),
    dict(key="accessible", label="Le lieu est-il accessible en fauteuil ?", kind="yesno"),
    dict(
        key="public_vise",
        label="Public visé en priorité",
        kind="choice",
        options={
            "choices": [
                ["habitants", "Habitants du quartier"],
                ["ecoles", "Écoles et collèges"],
                ["seniors", "Personnes âgées"],
            ]
        },
    ),
    dict(
        key="saisons",
        label="Saisons d'activité",
        kind="multichoice",
        options={"choices": [["printemps", "Printemps"], ["ete", "Été"], ["automne", "Automne"]]},
    ),
    dict(
        key="apports",
        label="Apports en nature",
        kind="table",
        options={
            "columns": [
                {"key": "source", "label": "Apport", "kind": "text"},
                {"key": "montant", "label": "Valeur", "kind": "amount"},
                {"key": "acquis", "label": "Acquis", "kind": "yesno"},
            ]
        },
    ),
]


def add_section(wave, staff):
    """Staff add a section of the questions above to the wave's form (callforms.services)."""
    section = services.section_create(
        wave=wave, version=form_for(wave).version, user=staff, title="Compléments sur le lieu"
    )
    for question in QUESTIONS:
        services.question_create(
            section=section, version=form_for(wave).version, user=staff, **question
        )
    return section


def tab_until(page, predicate, limit=250):
    """Press Tab until the focused element matches `predicate` (a JS function source)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"No Tab stop matched {predicate}")


def focused(name, value=None):
    check = f"el.name === {name!r}"
    if value is not None:
        check += f" && el.value === {value!r}"
    return f"() => {{ const el = document.activeElement; return !!el && {check}; }}"


def checked_values(page, name):
    return page.evaluate(
        "(name) => Array.from(document.getElementsByName(name))"
        ".filter((el) => el.checked).map((el) => el.value)",
        name,
    )


def shoot(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_applicant_answers_added_questions_with_the_keyboard_alone(
    browser, live_server, browser_login, roles, open_wave, node_tool
):
    axe = node_tool(AXE)
    staff = UserFactory(roles=[Role.INSTRUCTION])
    section = add_section(open_wave, staff)
    applicant = UserFactory(roles=[Role.APPLICANT])
    draft = ApplicationFactory(owner=applicant, wave=open_wave)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    browser_login(context, applicant)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = f"{live_server.url}/mon-espace/candidatures/{draft.pk}/dossier/{section.key}/"
    page.goto(url)

    # The section page passes axe before anything is typed, at desktop and phone widths.
    assert_no_axe_violation(page, axe, label="section ajoutée (1280 px)")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_axe_violation(page, axe, label="section ajoutée (390 px)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "section-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Short text.
    tab_until(page, focused("lieu_nom"))
    page.keyboard.type("La Halle aux grains")
    # Long text, with the counter the script draws under it.
    page.keyboard.press("Tab")
    assert page.evaluate(focused("historique"))
    counter = page.locator("#id_historique-counter")
    assert counter.inner_text() == f"Il reste {LONG_LIMIT} caractères sur {LONG_LIMIT}"
    page.keyboard.type(LONG_TEXT)
    left = LONG_LIMIT - len(LONG_TEXT)
    assert counter.inner_text() == f"Il reste {left} caractères sur {LONG_LIMIT}"
    # Amount, typed the French way.
    tab_until(page, focused("apport_nature"))
    page.keyboard.type("48 500,50")
    # Date: Chromium's date input takes its segments in the order of the browser's own
    # language (not the page's): day first in French, month first in English.
    tab_until(page, focused("premiere_action"))
    date = page.locator("[name='premiere_action']")
    page.keyboard.type("04032027")
    if date.input_value() == "2027-04-03":
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type("03042027")
    assert date.input_value() == "2027-03-04"
    # Yes/no: Tab enters the radio group, Space ticks « Oui ».
    tab_until(page, focused("accessible"))
    page.keyboard.press("Space")
    assert checked_values(page, "accessible") == ["true"]
    # One choice: Tab enters the group, the arrow keys move the choice.
    tab_until(page, focused("public_vise"))
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert checked_values(page, "public_vise") == ["ecoles"]
    # Several choices: Space ticks each box the Tab key reaches.
    tab_until(page, focused("saisons", "printemps"))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(focused("saisons", "automne"))
    page.keyboard.press("Space")
    assert checked_values(page, "saisons") == ["printemps", "automne"]
    # A row of the table: text, amount, and its yes/no box.
    tab_until(page, focused("apports-0-source"))
    page.keyboard.type("Prêt de salle par la mairie")
    tab_until(page, focused("apports-0-montant"))
    page.keyboard.type("3 200")
    tab_until(page, focused("apports-0-acquis"))
    page.keyboard.press("Space")
    shoot(page, "section-remplie-1280")

    # Save with the keyboard: the « Enregistrer » button, then Enter.
    tab_until(page, focused("action", "save"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "est enregistrée" in page.locator("body").inner_text()
    draft = Application.objects.get(pk=draft.pk)
    assert draft.answers["lieu_nom"] == "La Halle aux grains"
    assert draft.answers["historique"] == LONG_TEXT
    assert draft.answers["apport_nature"] == "48500.50"
    assert draft.answers["premiere_action"] == "2027-03-04"
    assert draft.answers["accessible"] is True
    assert draft.answers["public_vise"] == "ecoles"
    assert draft.answers["saisons"] == ["printemps", "automne"]
    assert draft.answers["apports"] == [
        {"source": "Prêt de salle par la mairie", "montant": "3200.00", "acquis": True}
    ]

    # The saved section passes axe too (messages, filled fields, the table's saved row).
    assert_no_axe_violation(page, axe, label="section enregistrée (1280 px)")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_axe_violation(page, axe, label="section enregistrée (390 px)")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The dossier's summary before filing (« Récapitulatif du dossier ») shows the answers
    # written the French way.
    page.goto(live_server.url + reverse("applications:submit", kwargs={"pk": draft.pk}))
    assert "Récapitulatif du dossier" in page.locator("main").inner_text()
    summary = unescape(page.locator("main").inner_text()).replace("\u202f", " ")
    summary = summary.replace("\u00a0", " ")
    shoot(page, "sommaire-1280")
    for expected in (
        "La Halle aux grains",
        LONG_TEXT,
        "48 500,50 €",
        "4 mars 2027",
        "Écoles et collèges",
        "Printemps, Automne",
        "Prêt de salle par la mairie",
        "3 200,00 €",
    ):
        assert expected in summary, expected
    assert errors == []
    context.close()
