"""The map of the territory (/projets/carte/): geometry, counts, filters, links, cache."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.map import MAP_CREDIT, map_step, territory
from catalogue.models import CatalogueEntry
from catalogue.selectors import catalogue_commune_choices, catalogue_filter_options
from catalogue.services import CATALOGUE_CSV, catalogue_import
from tests.conftest import login
from tests.factories import CatalogueEntryFactory, UserFactory
from tests.factories.catalogue import catalogue_entries_bulk

pytestmark = pytest.mark.django_db

MAP_URL = "/projets/carte/"


@pytest.fixture
def history(db):
    assert catalogue_import(source=CATALOGUE_CSV).ok


def commune_links(html):
    """{name: (count, href)} of the communes drawn on the map."""
    found = {}
    pattern = r'<a href="([^"]+)" aria-label="([^":]+) : (\d+) projets? labellisés?"'
    for href, name, count in re.findall(pattern, html):
        found[unescape(name)] = (int(count), unescape(href))
    return found


def table_counts(html):
    pattern = (
        r"<tr><th scope=\"row\"><a href=\"[^\"]+\">([^<]+)</a></th><td>[^<]*</td>"
        r"<td class=\"text-end\">(\d+)</td></tr>"
    )
    return {unescape(name): int(count) for name, count in re.findall(pattern, html)}


def test_the_territory_has_150_communes_in_a_drawing_wider_than_high():
    land = territory()

    assert len(land.communes) == 150
    assert {shape.epci for shape in land.communes} == {"CALL", "CAHC", "CABBALR"}
    assert land.width == 800 and 350 < land.height < 550
    lens = land.by_code["62498"]
    assert lens.name == "Lens" and lens.path.startswith("M") and lens.path.endswith("Z")
    assert 0 < lens.label_x < land.width and 0 < lens.label_y < land.height
    # Only agglomeration borders and the outer edge are drawn, not every commune's edge.
    assert 0 < land.borders.count("L") < sum(shape.path.count("L") for shape in land.communes)


def test_map_shows_every_commune_with_its_count_and_the_table_agrees(client, history):
    html = client.get(MAP_URL).content.decode()

    links = commune_links(html)
    assert len(links) == 150
    assert links["Liévin"][0] == 2
    assert links["Lens"][0] == 3
    assert links["Ablain-Saint-Nazaire"][0] == 0
    assert links["Liévin"][1] == "/projets/?commune=62510"
    assert table_counts(html) == {name: count for name, (count, _url) in links.items() if count}
    assert "20 projets labellisés" in html
    assert MAP_CREDIT in html
    # Projects without a commune are named below the map rather than lost.
    assert "Chaîne des parcs" in html and "Comité Grand Artois" in html
    assert "<script" not in html.split("</svg>")[0] and " style=" not in html


def test_palette_steps_cap_at_four():
    assert [map_step(count) for count in (0, 1, 2, 3, 4, 9)] == [0, 1, 2, 3, 4, 4]


def test_the_catalogue_filters_apply_to_the_map_and_to_its_links(client, history):
    html = client.get(MAP_URL, {"theme": "nature", "agglomeration": "CAHC"}).content.decode()

    counted = {name: count for name, (count, _url) in commune_links(html).items() if count}
    # The Parc des Îles (3 communes) and the Parc des Berges (5): the Parc des Berges stands in
    # CAHC through two of its communes, and the map shows all five.
    assert counted == {
        "Harnes": 1,
        "Hénin-Beaumont": 1,
        "Courrières": 1,
        "Fouquières-lès-Lens": 1,
        "Loison-sous-Lens": 1,
        "Noyelles-sous-Lens": 1,
        "Drocourt": 1,
        "Rouvroy": 1,
    }
    assert commune_links(html)["Harnes"][1] == (
        "/projets/?theme=nature&agglomeration=CAHC&commune=62413"
    )
    assert "2 projets labellisés" in html


def test_a_commune_filter_outlines_it_and_keeps_the_others_counted(client, history):
    html = client.get(MAP_URL, {"commune": "62510"}).content.decode()

    assert re.search(r'aria-label="Liévin : 2 projets labellisés" class="[^"]*map-current', html)
    assert commune_links(html)["Lens"][0] == 3


def test_the_map_names_its_communes_in_the_visitor_s_language(client, history):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(MAP_URL).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(MAP_URL).content.decode()

    assert 'aria-label="Liévin : 2 labelled projects"' in english
    assert 'aria-label="Ablain-Saint-Nazaire : 0 labelled projects"' in english
    assert commune_links(french)["Liévin"][0] == 2  # the French sentences, after the English


def test_a_commune_chosen_on_the_map_is_named_in_its_filters(client, history):
    html = client.get(MAP_URL, {"commune": "62510", "theme": "nature"}).content.decode()

    # The map's form has no commune to choose: the chip that removes it names the commune.
    assert 'name="commune"' not in html
    assert re.search(r'href="\?theme=nature">Liévin <span aria-hidden="true">', html)


def test_the_list_s_commune_choices_are_the_communes_the_map_counts(client, history):
    CatalogueEntryFactory(name="Relance", is_published=False, communes=["62001"])  # Ablain
    cache.clear()

    client.get(MAP_URL)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/projets/").content.decode()

    counted = {
        name
        for name, (count, _url) in commune_links(client.get(MAP_URL).content.decode()).items()
        if count
    }
    names = [name for _code, name in catalogue_commune_choices()]
    assert set(names) == counted and len(names) == 18
    # French order: « Hénin-Beaumont » among the H, after « Harnes »; the unpublished
    # project's commune is neither counted nor offered.
    assert names[:3] == ["Béthune", "Billy-Berclau", "Bruay-la-Buissière"]
    assert names.index("Harnes") + 1 == names.index("Hénin-Beaumont")
    assert "Ablain-Saint-Nazaire" not in names
    assert '<option value="62510">Liévin</option>' in html
    # The catalogue was grouped by commune once, for the map: the list read it back.
    assert not [query for query in queries if "GROUP BY" in query["sql"]]


def test_the_map_leaves_out_the_commune_choices_it_does_not_offer(history):
    assert "communes" not in catalogue_filter_options(communes=False)
    assert catalogue_filter_options()["communes"] == catalogue_commune_choices()


def test_the_map_is_kept_until_the_catalogue_changes(client, history):
    client.get(MAP_URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(MAP_URL)
    cached_queries = len(queries)

    CatalogueEntryFactory(name="Jardin de Lens", communes=["62498"])
    html = client.get(MAP_URL).content.decode()

    assert cached_queries <= 2, [query["sql"] for query in queries]
    assert commune_links(html)["Lens"][0] == 4
    assert "21 projets labellisés" in html


def test_an_anonymous_visitor_gets_the_whole_page_from_the_public_cache(client, history):
    first = client.get(MAP_URL, {"theme": "nature"})

    with CaptureQueriesContext(connection) as queries:
        second = client.get(MAP_URL, {"theme": "nature"})
    not_modified = client.get(MAP_URL, {"theme": "nature"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert len(queries) == 0, [query["sql"] for query in queries]
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"]
    assert "cookie" not in second.get("Vary", "").lower()
    assert not second.cookies
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_a_change_of_the_catalogue_serves_a_fresh_page_with_a_new_etag(client, history):
    before = client.get(MAP_URL)

    CatalogueEntryFactory(name="Jardin de Liévin", communes=["62510"])
    after = client.get(MAP_URL)

    assert after["ETag"] != before["ETag"]
    assert commune_links(before.content.decode())["Liévin"][0] == 2
    assert commune_links(after.content.decode())["Liévin"][0] == 3


def test_sorting_and_pages_do_not_make_copies_of_the_map(client, history):
    response = client.get(MAP_URL, {"sort": "oldest"})

    # Served (the map ignores them), but rendered for this visitor alone.
    assert response.status_code == 200
    assert "ETag" not in response
    assert len(commune_links(response.content.decode())) == 150


def test_a_signed_in_visitor_gets_the_map_rendered_for_them(client, history):
    login(client, UserFactory())

    response = client.get(MAP_URL)

    assert response.status_code == 200
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")
    assert len(commune_links(response.content.decode())) == 150


def test_unpublished_entries_are_not_counted(client, history):
    CatalogueEntry.objects.filter(name="Cuisine centrale de Liévin").update(is_published=False)
    CatalogueEntryFactory(name="Relance", is_published=False, communes=["62510"])

    html = client.get(MAP_URL).content.decode()

    assert commune_links(html)["Liévin"][0] == 1


def test_a_project_may_not_take_the_map_s_address(db):
    entry = CatalogueEntryFactory(name="Carte")

    assert entry.slug != "carte"


def test_a_project_page_shows_its_communes_on_a_locator_map(client, history):
    berges = CatalogueEntry.objects.get(name="Parc des Berges de la Souchez")

    html = client.get(berges.get_absolute_url()).content.decode()

    locator = re.search(r'<svg class="locator-map".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in locator
    title = re.search(r"<title[^>]*>([^<]+)</title>", locator).group(1)
    assert unescape(title).startswith("Localisation du projet : ")
    assert all(
        name in unescape(title)
        for name in ("Courrières", "Harnes", "Loison-sous-Lens", "Noyelles-sous-Lens")
    )
    lit = re.search(r'<path class="locator-lit" d="([^"]+)"', locator).group(1)
    # Five communes highlighted: one closed outline (at least) each.
    assert lit.count("M") >= 5
    assert MAP_CREDIT in locator


def test_a_project_without_commune_highlights_its_whole_area(client, history):
    parcs = CatalogueEntry.objects.get(name="Chaîne des parcs")

    html = client.get(parcs.get_absolute_url()).content.decode()

    locator = re.search(r'<svg class="locator-map".*?</svg>', html, re.S).group(0)
    assert re.search(r'<path class="locator-land" d=""', locator)  # every commune is lit


@pytest.mark.parametrize("query", ["", "?theme=nature", "?commune=62498&year=2023"])
def test_drawing_the_map_costs_the_same_queries_whatever_the_catalogue_s_size(
    client, django_assert_num_queries, query
):
    def make(count, start):
        catalogue_entries_bulk(
            count, start=start, communes=["62498", "62510"], themes=["nature", "habitat"]
        )

    make(3, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(MAP_URL + query)
    make(297, 3)  # a new catalogue version: the map is drawn again
    with django_assert_num_queries(len(few)):
        html = client.get(MAP_URL + query).content.decode()
    assert commune_links(html)["Lens"][0] == 300
    # Counting, the years and waves, the editions, the communes' codes, the projects without a
    # commune, the total: no query per commune or per project.
    assert len(few) <= 7, [query["sql"] for query in few]
