"""The catalogue's order and agglomerations, which the map and the list share (issue 15):
a project of unknown year sorts last in both directions, and a project over several
agglomerations appears under each, on the list and on the map."""

import re
from html import unescape

import pytest

from catalogue.models import CatalogueEntry
from catalogue.selectors import CatalogueFilters, catalogue_entry_list
from catalogue.services import CATALOGUE_CSV, catalogue_import

pytestmark = pytest.mark.django_db

LIST_URL = "/projets/"
MAP_URL = "/projets/carte/"
API_URL = "/api/projects"
BERGES = "Parc des Berges de la Souchez"


@pytest.fixture
def history(db):
    report = catalogue_import(source=CATALOGUE_CSV)
    assert report.ok, report.errors


def cards(html):
    """(name, year text) of each card of a catalogue page."""
    pattern = (
        r'<h3 class="h5 card-title"><a class="stretched-link" href="[^"]+">([^<]+)</a>'
        r".*?</h3>"
    )
    return [unescape(name) for name in re.findall(pattern, html, re.S)]


def years_in_order(sort):
    return [entry.year for entry in catalogue_entry_list(CatalogueFilters(sort=sort))]


@pytest.mark.parametrize("sort", ["recent", "oldest"])
def test_unknown_years_come_last_in_both_directions(history, sort):
    years = years_in_order(sort)

    known = [year for year in years if year is not None]
    assert len(years) == 20 and len(known) == 9
    assert years[:9] == known  # every known year first...
    assert years[9:] == [None] * 11  # ...then every unknown one, never a made-up year
    assert known == sorted(known, reverse=sort == "recent")


def test_oldest_first_starts_with_the_oldest_known_year_and_ends_unknown(client, history):
    first = client.get(LIST_URL, {"sort": "oldest"}).content.decode()
    last = client.get(LIST_URL, {"sort": "oldest", "page": 2}).content.decode()

    oldest = CatalogueEntry.objects.exclude(year=None).order_by("year", "sort_name").first()
    assert cards(first)[0] == oldest.name
    # Page 2 holds only projects of unknown year, each saying so.
    names = cards(last)
    assert names and all(CatalogueEntry.objects.get(name=name).year is None for name in names)
    assert last.count("année non connue") >= len(names)


def test_the_api_sorts_unknown_years_last_too(client, history):
    rows = client.get(API_URL, {"sort": "oldest", "page_size": 50}).json()
    years = [item["year"] for item in rows["results"]]

    assert len(years) == 20
    assert years[:9] == sorted(years[:9]) and None not in years[:9]
    assert years[9:] == [None] * 11


@pytest.mark.parametrize(("agglomeration", "count"), [("CALL", 8), ("CAHC", 5)])
def test_a_project_over_two_agglomerations_is_listed_under_each(
    client, history, agglomeration, count
):
    html = client.get(LIST_URL, {"agglomeration": agglomeration}).content.decode()

    names = cards(html)
    assert BERGES in names
    assert len(names) == count


def test_it_is_not_listed_under_an_agglomeration_it_does_not_touch(client, history):
    html = client.get(LIST_URL, {"agglomeration": "CABBALR"}).content.decode()

    assert BERGES not in cards(html)


@pytest.mark.parametrize("agglomeration", ["CALL", "CAHC"])
def test_the_map_filtered_on_each_agglomeration_counts_it(client, history, agglomeration):
    berges = CatalogueEntry.objects.get(name=BERGES)
    codes = {commune.insee_code for commune in berges.communes.all()}

    html = client.get(MAP_URL, {"agglomeration": agglomeration}).content.decode()

    # Every commune of the project is counted on the filtered map, whatever its agglomeration.
    for code in codes:
        assert re.search(
            rf'<a href="[^"]*commune={code}" aria-label="[^"]+ : [1-9]\d* projets? labellisés?"',
            html,
        ), code
