"""Statistics page: SVG bar charts drawn on the server, each with its data table."""

import re
from html import unescape

import pytest

from catalogue.selectors import catalogue_stats
from catalogue.views.public import CHART_BAR_AREA, bar_chart
from label.enums import Theme
from tests.factories import CatalogueEntryFactory

pytestmark = pytest.mark.django_db

STATS_URL = "/projets/statistiques/"


def table_rows(body, table_index):
    """(label, count) rows of the n-th data table of the page."""
    tables = re.findall(r"<table.*?</table>", body, re.S)
    rows = re.findall(
        r'<th scope="row">(.*?)</th>\s*<td class="text-end">(\d+)</td>', tables[table_index], re.S
    )
    return [(unescape(re.sub(r"<[^>]+>", "", label)).strip(), int(count)) for label, count in rows]


@pytest.fixture
def catalogue(db):
    CatalogueEntryFactory(year=2022, agglomeration="CALL", themes=["nature", "culture"])
    CatalogueEntryFactory(year=2023, agglomeration="CALL", themes=["nature"])
    CatalogueEntryFactory(year=2023, agglomeration="PMA", themes=["economie"], award="espoirs")
    CatalogueEntryFactory(year=None, agglomeration="CAHC", themes=["culture"])
    CatalogueEntryFactory(year=2023, is_published=False, themes=["nature"])
    CatalogueEntryFactory(year=2023, is_synthetic=True, themes=["nature"])


def test_stats_count_public_entries_per_year_theme_and_agglomeration(catalogue):
    stats = catalogue_stats()

    assert stats["total"] == 4
    assert [(label, count) for _code, label, count in stats["by_year"]] == [
        ("2022", 1),
        ("2023", 2),
        ("Année inconnue", 1),
    ]
    by_theme = {code: count for code, _label, count in stats["by_theme"]}
    assert by_theme["nature"] == 2 and by_theme["culture"] == 2 and by_theme["economie"] == 1
    assert len(by_theme) == len(Theme) and by_theme["habitat"] == 0
    assert [(code, count) for code, _label, count in stats["by_agglomeration"]] == [
        ("CALL", 2),
        ("CAHC", 1),
        ("CABBALR", 0),
        ("PMA", 1),
    ]
    assert [(code, count) for code, _label, count in stats["by_award"]] == [
        ("label", 3),
        ("espoirs", 1),
    ]


def test_stats_page_draws_three_charts_with_matching_tables(client, catalogue):
    response = client.get(STATS_URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") == 3 and body.count("<table") == 3
    assert "<script>" not in body and " style=" not in body
    assert table_rows(body, 0) == [("2022", 1), ("2023", 2), ("Année inconnue", 1)]
    assert ("Paysage, nature et biodiversité", 2) in table_rows(body, 1)
    assert table_rows(body, 2)[3] == ("Tout le territoire du Pôle métropolitain", 1)
    assert 'href="/projets/?theme=nature"' in body
    assert 'href="/projets/?year=2023"' in body


def test_stats_charts_are_hidden_from_screen_readers_who_get_the_tables(client, catalogue):
    body = client.get(STATS_URL).content.decode()

    for svg in re.findall(r"<svg[^>]*>", body):
        assert 'aria-hidden="true"' in svg
    assert body.count("<caption>") == 3
    assert body.count("<h1") == 1


def test_bar_lengths_are_proportional_to_the_counts():
    chart = bar_chart([("a", "A", 4), ("b", "B", 2), ("c", "C", 0)], title="T")

    assert [bar["width"] for bar in chart["bars"]] == [CHART_BAR_AREA, CHART_BAR_AREA // 2, 0]
    assert [bar["y"] for bar in chart["bars"]] == [0, 32, 64]


def test_stats_page_of_an_empty_catalogue_renders(client, db):
    response = client.get(STATS_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r"\b0 projets? labellisés? publiés? au catalogue", body)
    assert body.count("<svg") == 3
