"""The map, a project page and the dossier's locator in a real browser (issue 15): axe finds
nothing at 1280 and 390 px, the map's table says what the map says, Liévin leads to its
projects, and the dossier's locator follows the commune checkboxes.

MAP_SCREENSHOTS=/tmp/map saves screenshots at both widths for a person to look at.
"""

import os
from pathlib import Path

import pytest

from catalogue.models import CatalogueEntry
from catalogue.services import CATALOGUE_CSV, catalogue_import
from tests.e2e.a11y import assert_no_axe_violation
from tests.factories import ApplicationFactory

AXE = "axe-core/axe.min.js"
SHOTS = os.environ.get("MAP_SCREENSHOTS")
WIDTHS = (1280, 390)
LIEVIN = "62510"


def _csp_watch(page):
    """Messages of the content security policy the page triggers (there must be none)."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


def _shot(page, name, width):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.fixture
def history(transactional_db):
    report = catalogue_import(source=CATALOGUE_CSV)
    assert report.ok, report.errors


@pytest.mark.django_db(transaction=True)
def test_the_map_counts_the_twenty_projects_and_its_table_matches(page, history):
    page.goto("/projets/carte/")

    communes = page.locator("svg.territory-map a.map-commune")
    assert communes.count() == 150
    assert "20 projets labellisés" in page.locator("main").inner_text()
    labels = communes.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    on_map = {}
    for label in labels:
        name, count = label.rsplit(" : ", 1)
        if int(count.split()[0]):
            on_map[name] = int(count.split()[0])
    rows = page.locator("table.map-table tbody tr")
    table = {
        rows.nth(i).locator("th").inner_text(): int(rows.nth(i).locator("td").nth(1).inner_text())
        for i in range(rows.count())
    }
    assert table == on_map
    # The written counts on the drawing say the same (for sighted visitors, not colour alone).
    written = page.locator("svg.territory-map text.map-count").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert sorted(int(text) for text in written) == sorted(on_map.values())
    # Projects without a commune are named under the map; with those on the map, all 20.
    with_commune = CatalogueEntry.objects.filter(communes__isnull=False).distinct().count()
    without = page.locator("#tableau-titre ~ ul li").count()
    assert with_commune + without == 20


@pytest.mark.django_db(transaction=True)
def test_a_click_on_lievin_leads_to_the_catalogue_filtered_on_it(page, history):
    page.goto("/projets/carte/")

    page.locator('svg.territory-map a[aria-label^="Liévin :"]').click()

    page.wait_for_url(f"**/projets/?commune={LIEVIN}")
    names = page.locator("h3.card-title a").all_inner_texts()
    assert sorted(names) == sorted(
        CatalogueEntry.objects.filter(communes__insee_code=LIEVIN).values_list("name", flat=True)
    )
    assert len(names) == 2
    assert "Liévin" in page.locator("main").inner_text()  # the filter in force is named


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("name", "path"),
    [("carte", "/projets/carte/"), ("projet", "/projets/parc-des-berges-de-la-souchez/")],
)
def test_axe_finds_nothing_on_the_map_and_a_project_page(page, history, node_tool, name, path):
    axe = node_tool(AXE)
    csp_errors = _csp_watch(page)

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(path)
        assert response.status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, name, width)
        assert_no_axe_violation(page, axe, label=f"{path} ({width} px)")

    assert not csp_errors, csp_errors


def _lit(page):
    return set(
        page.locator("[data-commune-locator] path.locator-lit").evaluate_all(
            "els => els.map(e => e.dataset.insee)"
        )
    )


def test_the_dossier_locator_follows_the_checkboxes(page, applicant, browser_login, node_tool):
    axe = node_tool(AXE)
    draft = ApplicationFactory(owner=applicant)
    draft.communes.clear()
    browser_login(page.context, applicant)
    csp_errors = _csp_watch(page)

    page.goto(f"/mon-espace/candidatures/{draft.pk}/dossier/projet/")

    locator = page.locator("[data-commune-locator] svg")
    assert locator.is_visible()
    assert locator.get_attribute("aria-hidden") == "true"
    assert _lit(page) == set()
    page.locator(f'[data-commune-code="{LIEVIN}"] input').check()
    assert _lit(page) == {LIEVIN}
    assert "Communes cochées : 1." in page.locator("#commune-selected-count").inner_text()
    page.locator('[data-commune-code="62498"] input').check()
    assert _lit(page) == {LIEVIN, "62498"}
    page.locator(f'[data-commune-code="{LIEVIN}"] input').uncheck()
    assert _lit(page) == {"62498"}
    page.locator('[data-commune-code="62498"] input').uncheck()
    page.locator("#id_territory_wide").check()
    assert len(_lit(page)) == 150
    page.locator("#id_territory_wide").uncheck()
    assert _lit(page) == set()
    page.locator(f'[data-commune-code="{LIEVIN}"] input').check()
    _shot(page, "dossier-localisation", 1280)
    assert_no_axe_violation(page, axe, label="dossier, projet (1280 px)")

    # On a phone the map is left out: the list and its count are enough there.
    page.set_viewport_size({"width": 390, "height": 844})
    assert not locator.is_visible()
    _shot(page, "dossier-localisation", 390)
    assert_no_axe_violation(page, axe, label="dossier, projet (390 px)")
    assert not csp_errors, csp_errors
