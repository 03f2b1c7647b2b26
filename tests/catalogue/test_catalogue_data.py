"""The catalogue's reference data: unknown years, projects over several agglomerations, editions."""

import re
from html import unescape

import pytest

from catalogue.models import CatalogueEntry
from catalogue.selectors import CatalogueFilters, catalogue_entry_list, catalogue_stats
from catalogue.services import CATALOGUE_CSV, catalogue_import
from tests.factories import CatalogueEntryFactory, WaveFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/projets/"
BERGES = "Parc des Berges de la Souchez"


@pytest.fixture
def history(db):
    report = catalogue_import(source=CATALOGUE_CSV)
    assert report.ok, report.errors
    return report


def card_names(html):
    pattern = r'<h3 class="h5 card-title"><a class="stretched-link" href="[^"]+">([^<]+)</a>'
    return [unescape(name) for name in re.findall(pattern, html)]


def test_the_reference_file_loads_twenty_projects_eleven_without_a_year(history):
    assert len(history.created) == 20
    assert CatalogueEntry.objects.count() == 20
    assert CatalogueEntry.objects.filter(year=None).count() == 11
    berges = CatalogueEntry.objects.get(name=BERGES)
    assert berges.year is None and berges.wave_number is None
    assert {commune.epci for commune in berges.communes.all()} == {"CALL", "CAHC"}
    assert berges.communes.count() == 5


def test_unknown_years_sort_last_and_are_never_made_up(client, history):
    names = [entry.name for entry in catalogue_entry_list(CatalogueFilters())]
    known = CatalogueEntry.objects.exclude(year=None).count()
    assert all(entry.year for entry in CatalogueEntry.objects.filter(name__in=names[:known]))
    assert all(
        entry.year is None for entry in CatalogueEntry.objects.filter(name__in=names[known:])
    )

    page = client.get(LIST_URL, {"q": "souchez"}).content.decode()
    assert card_names(page) == [BERGES]
    assert "année non connue" in page
    detail = client.get(CatalogueEntry.objects.get(name=BERGES).get_absolute_url())
    body = detail.content.decode()
    assert "année non connue" in body
    assert not re.search(r"Catégorie 1\s+20\d\d", body)


@pytest.mark.parametrize("agglomeration", ["CALL", "CAHC", "PMA"])
def test_a_project_over_two_agglomerations_appears_under_each(client, history, agglomeration):
    page = client.get(LIST_URL, {"agglomeration": agglomeration, "q": "berges"}).content.decode()

    assert card_names(page) == [BERGES]


def test_counts_per_agglomeration_count_the_project_under_each(history):
    counts = {code: count for code, _label, count in catalogue_stats()["by_agglomeration"]}

    # CALL: 7 own projects and the Parc des Berges; CAHC: 4 and the Parc; PMA: 3.
    assert counts == {"CALL": 8, "CAHC": 5, "CABBALR": 6, "PMA": 3}


def test_an_entry_of_a_portal_wave_shows_its_edition_name(client):
    WaveFactory(number=11, year=2027, edition_name="Label Euralens 2027")
    entry = CatalogueEntryFactory(name="Ressourcerie du 11/19", year=2027, wave_number=11)
    CatalogueEntryFactory(name="Ancien projet", year=2019, wave_number=7)

    page = client.get(LIST_URL).content.decode()
    detail = client.get(entry.get_absolute_url()).content.decode()
    filtered = client.get(LIST_URL, {"wave": 11}).content.decode()

    assert page.count("Label Euralens 2027") >= 2  # the card and the wave filter's option
    assert '<option value="11">11 — Label Euralens 2027</option>' in page
    assert '<option value="7">7</option>' in page
    assert "vague 11 — Label Euralens 2027" in detail
    assert card_names(filtered) == ["Ressourcerie du 11/19"]
    assert "vague 11 — Label Euralens 2027" in filtered


def test_a_historical_project_is_not_given_the_edition_of_a_later_wave_of_its_number(client):
    # The demo runs a 10th wave on the portal in 2026; the historical file's 10th wave was 2023.
    WaveFactory(number=10, year=2026, edition_name="Label Euralens 2026")
    historical = CatalogueEntryFactory(name="Espace Mobilité", year=2023, wave_number=10)
    CatalogueEntryFactory(name="Ressourcerie", year=2026, wave_number=10)

    page = client.get(LIST_URL).content.decode()
    detail = client.get(historical.get_absolute_url()).content.decode()

    assert page.count('<span class="d-block small">Label Euralens 2026</span>') == 1
    assert "vague 10" in detail
    assert "— Label Euralens 2026" not in detail
