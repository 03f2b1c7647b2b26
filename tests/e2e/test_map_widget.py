"""The public map and the embeddable widget in a real browser (issue 15).

MAP_SCREENSHOTS=/tmp/map saves screenshots at 1280 and 390 px for a person to look at.
"""

import os
from pathlib import Path

import pytest

from catalogue.services import CATALOGUE_CSV, catalogue_import

SHOTS = os.environ.get("MAP_SCREENSHOTS")


def _shoot(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def history(transactional_db):
    report = catalogue_import(source=CATALOGUE_CSV)
    assert report.ok, report.errors


@pytest.mark.django_db(transaction=True)
def test_map_counts_the_twenty_projects_and_lievin_leads_to_its_projects(page, history):
    page.goto("/projets/carte/")

    communes = page.locator("svg.territory-map a.map-commune")
    assert communes.count() == 150
    assert "20 projets labellisés" in page.locator("main").inner_text()
    lievin = page.locator('svg.territory-map a[aria-label^="Liévin :"]')
    assert lievin.get_attribute("aria-label") == "Liévin : 2 projets labellisés"
    # The table says the same as the map, commune by commune.
    rows = page.locator("table.map-table tbody tr")
    table = {
        rows.nth(i).locator("th").inner_text(): int(rows.nth(i).locator("td").nth(1).inner_text())
        for i in range(rows.count())
    }
    labels = communes.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    on_map = {}
    for label in labels:
        name, count = label.rsplit(" : ", 1)
        number = int(count.split()[0])
        if number:
            on_map[name] = number
    assert table == on_map
    assert "IGN, Admin Express" in page.locator("svg.territory-map").inner_html()
    _shoot(page, "carte")

    lievin.click()

    page.wait_for_url("**/projets/?commune=62510")
    names = page.locator("h3.card-title a").all_inner_texts()
    assert set(names) == {
        "Cuisine centrale de Liévin",
        "Aménagements d'accès et de desserte du Louvre-Lens",
    }


@pytest.mark.django_db(transaction=True)
def test_project_page_shows_a_locator_map(page, history):
    page.goto("/projets/parc-des-berges-de-la-souchez/")

    locator = page.locator("svg.locator-map")
    assert locator.is_visible()
    box = locator.bounding_box()
    assert 150 < box["width"] <= 360
    assert "Harnes" in locator.get_attribute("aria-labelledby") or "Harnes" in (
        page.locator("#locator-titre").text_content()
    )
    _shoot(page, "projet-localisation")
