"""The public map and the embeddable widget in a real browser (issue 15).

MAP_SCREENSHOTS=/tmp/map saves screenshots at 1280 and 390 px for a person to look at.
"""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


@pytest.fixture
def partner_site(live_server):
    """A commune's site on another origin (127.0.0.1 and its own port, where the portal is
    served on localhost) whose page frames the widget for Lens.

    A real second server rather than a page made up by the browser's router: Chromium
    refuses a page of unknown address to frame a local one (local network access checks).
    """
    html = (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Mairie</title>"
        "</head><body><h1>Nos projets</h1>"
        f"<iframe src='{live_server.url}/integrer/projets/?commune=62498' "
        "title='Projets labellisés' width='600' height='520'></iframe></body></html>"
    ).encode()

    class Partner(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Partner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_widget_shows_lens_projects_inside_a_frame_of_another_origin(
    page, history, live_server, partner_site
):
    failures = []
    page.on("requestfailed", lambda request: failures.append((request.url, request.failure)))

    page.goto(partner_site)

    frame = page.frame_locator("iframe")
    names = frame.locator(".widget-name")
    names.first.wait_for()
    texts = {text.split("\n")[0].strip() for text in names.all_inner_texts()}
    assert texts == {
        "Forêt urbaine de Lens",
        "Louvre Lens Vallée",
        "Aménagements d'accès et de desserte du Louvre-Lens",
    }
    widget_frame = page.frames[1]
    assert widget_frame.url.startswith(live_server.url)
    assert not page.url.startswith(live_server.url)  # two origins indeed
    assert not failures, failures
    _shoot(page, "widget-cadre")


@pytest.mark.django_db(transaction=True)
def test_widget_help_page_previews_the_widget(page, history):
    page.goto("/integrer/?commune=62498")

    preview = page.frame_locator("iframe.widget-preview")
    preview.locator(".widget-name").first.wait_for()
    assert preview.locator(".widget-name").count() == 3
    _shoot(page, "integrer")
