"""Open data: documentation page, CSV and JSON files, Atom feed, sitemap, robots.txt."""

import csv
import io
import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from catalogue.services import CATALOGUE_CSV, OPEN_DATA_COLUMNS, catalogue_import
from tests.factories import CatalogueEntryFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def entries(db):
    first = CatalogueEntryFactory(
        name="Forêt urbaine de Lens",
        year=2022,
        communes=["62498", "62510"],
        themes=["nature", "amenagement"],
        published_at=timezone.now() - timedelta(days=30),
    )
    second = CatalogueEntryFactory(
        name="Chaîne des parcs",
        year=None,
        wave_number=None,
        agglomeration="PMA",
        award="espoirs",
        themes=["mobilites"],
    )
    CatalogueEntryFactory(name="Brouillon", is_published=False)
    CatalogueEntryFactory(name="Synthétique", is_synthetic=True)
    return first, second


def test_opendata_page_documents_every_field_the_licence_and_the_files(client, entries):
    body = client.get("/donnees/").content.decode()

    for column in OPEN_DATA_COLUMNS:
        assert f"<code>{column}</code>" in body
    assert "Licence Ouverte / Open Licence version 2.0" in body
    assert 'href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"' in body
    for url in [
        "/donnees/projets.csv",
        "/donnees/projets.json",
        "/flux/projets.atom",
        "/api/docs/",
    ]:
        assert f'href="{url}"' in body
    assert "<code>mobilites</code>" in body and "<code>etablissement_public</code>" in body


def test_csv_lists_public_projects_with_the_documented_columns(client, entries):
    response = client.get("/donnees/projets.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert tuple(rows[0].keys()) == OPEN_DATA_COLUMNS
    assert [row["name"] for row in rows] == ["Chaîne des parcs", "Forêt urbaine de Lens"]
    parcs, foret = rows
    assert foret["communes_insee"] == "62498;62510" and foret["communes"] == "Lens;Liévin"
    assert foret["themes"] == "amenagement;nature"
    assert foret["url"] == "http://testserver/projets/foret-urbaine-de-lens/"
    assert parcs["year"] == "" and parcs["wave"] == "" and parcs["agglomeration"] == "PMA"
    assert parcs["award_label"] == "Label Espoirs"


def test_json_carries_licence_count_and_records(client, entries):
    response = client.get("/donnees/projets.json")

    document = json.loads(response.content)
    assert document["licence"]["name"] == "Licence Ouverte / Open Licence version 2.0"
    assert document["count"] == 2 == len(document["projects"])
    foret = next(item for item in document["projects"] if item["slug"] == "foret-urbaine-de-lens")
    assert tuple(foret) == OPEN_DATA_COLUMNS
    assert foret["communes_insee"] == ["62498", "62510"] and foret["year"] == 2022
    assert foret["themes"] == ["amenagement", "nature"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", ["/donnees/projets.csv", "/donnees/projets.json"])
def test_downloads_answer_304_while_nothing_changed(client, entries, url):
    first = client.get(url)
    etag = first["ETag"]

    again = client.get(url, headers={"if-none-match": etag})
    entries[0].summary = "Nouveau résumé."
    entries[0].save()
    changed = client.get(url, headers={"if-none-match": etag})

    assert first.status_code == 200 and first["Last-Modified"]
    assert again.status_code == 304 and again.content == b""
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_bundled_history_round_trips_through_the_csv(client):
    catalogue_import(source=CATALOGUE_CSV)

    rows = list(csv.DictReader(io.StringIO(client.get("/donnees/projets.csv").content.decode())))

    assert len(rows) == 20
    with open(CATALOGUE_CSV, encoding="utf-8") as handle:
        source = {row["name"]: row for row in csv.DictReader(handle)}
    for row in rows:
        original = source[row["name"]]
        assert row["agglomeration"] == original["epci"]
        assert set(filter(None, row["themes"].split(";"))) == set(original["themes"].split(";"))
        assert set(filter(None, row["communes_insee"].split(";"))) == set(
            filter(None, original["communes_insee"].split(";"))
        )


def test_atom_feed_lists_newest_projects_first(client, entries):
    response = client.get("/flux/projets.atom")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 -- our own feed, in a test
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["Chaîne des parcs", "Forêt urbaine de Lens"]
    first = feed.find(f"{ATOM}entry")
    assert first.find(f"{ATOM}link").get("href") == "http://testserver/projets/chaine-des-parcs/"
    assert [category.get("term") for category in first.findall(f"{ATOM}category")] == ["Mobilités"]


def test_sitemap_lists_public_pages_and_projects_only(client, entries):
    response = client.get("/sitemap.xml")

    sitemap = ElementTree.fromstring(response.content)  # noqa: S314 -- our own sitemap, in a test
    locations = [url.find(f"{SITEMAP}loc").text for url in sitemap.findall(f"{SITEMAP}url")]
    assert "http://testserver/projets/foret-urbaine-de-lens/" in locations
    assert "http://testserver/projets/chaine-des-parcs/" in locations
    assert "http://testserver/donnees/" in locations
    assert not any("brouillon" in location or "synthetique" in location for location in locations)


def test_robots_txt_points_to_the_sitemap_and_keeps_private_areas_out(client):
    response = client.get("/robots.txt")

    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert lines[0] == "User-agent: *"
    assert "Disallow: /gestion/" in lines and "Disallow: /mon-espace/" in lines
    assert "Disallow: /projets/" not in lines
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"


def test_csv_neutralises_formulas_written_by_project_holders(client):
    CatalogueEntryFactory(
        name='=HYPERLINK("http://evil.example","clic")',
        holder="+33 cmd|' /C calc'!A0",
        summary="-2+3",
        description="@SUM(1+1)",
        year=2023,
    )

    rows = list(csv.DictReader(io.StringIO(client.get("/donnees/projets.csv").content.decode())))

    (row,) = rows
    assert row["name"] == '\'=HYPERLINK("http://evil.example","clic")'
    assert row["holder"] == "'+33 cmd|' /C calc'!A0"
    assert row["summary"] == "'-2+3"
    assert row["description"] == "'@SUM(1+1)"
    # Numbers are not text: they stay as they are.
    assert row["year"] == "2023"
