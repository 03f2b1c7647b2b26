"""The read-only JSON API: filters, pagination, 400s, CORS, ETag, schema and docs."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings

from catalogue.services import CATALOGUE_CSV, OPEN_DATA_COLUMNS, catalogue_import
from label.enums import Theme
from tests.factories import CatalogueEntryFactory, WaveFactory
from tests.factories.catalogue import catalogue_entries_bulk

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(db):
    assert catalogue_import(source=CATALOGUE_CSV).ok


def get_json(client, url, params=None, status=200, **headers):
    response = client.get(url, params or {}, headers=headers)
    assert response.status_code == status, response.content
    return response.json()


def slugs(page):
    return {project["slug"] for project in page["results"]}


def test_project_list_pages_the_public_catalogue(client, history):
    CatalogueEntryFactory(name="Caché", is_published=False)
    CatalogueEntryFactory(name="Synthétique", is_synthetic=True)

    page = get_json(client, "/api/projects", {"page_size": 5, "sort": "name"})

    assert (page["count"], page["pages"], page["page"], page["page_size"]) == (20, 4, 1, 5)
    assert [project["name"] for project in page["results"]][:2] == [
        "Aménagements d'accès et de desserte du Louvre-Lens",
        "Chaîne des parcs",
    ]
    assert page["previous"] is None
    assert page["next"] == "http://testserver/api/projects?page_size=5&sort=name&page=2"
    assert tuple(page["results"][0]) == OPEN_DATA_COLUMNS
    last = get_json(client, "/api/projects", {"page_size": 5, "sort": "name", "page": 4})
    assert len(last["results"]) == 5 and last["next"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "habitat", "agglomeration": "CAHC"}, {"cite-bruno"}),
        ({"commune": "62119"}, {"tiers-lieu-le-passage-a-niveaux"}),
        ({"q": "BETHUNE"}, {"tiers-lieu-le-passage-a-niveaux", "cite-des-electriciens"}),
        ({"q": "forêt"}, {"foret-urbaine-de-lens"}),
        ({"award": "espoirs"}, {"pole-territorial-de-cooperation-economique-henin-carvin"}),
        ({"year": 2022, "theme": "energie"}, {"mine-de-soleil"}),
        ({"wave": 10, "agglomeration": "CALL"}, {"renovation-accompagnee-de-la-cite-dorient"}),
        ({"theme": "", "year": "", "q": "cite bruno"}, {"cite-bruno"}),
    ],
)
def test_project_list_filters_like_the_page(client, history, params, expected):
    assert slugs(get_json(client, "/api/projects", params)) == expected


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"theme": "sport"}, "theme"),
        ({"agglomeration": "LILLE"}, "agglomeration"),
        ({"award": "or"}, "award"),
        ({"sort": "hasard"}, "sort"),
        ({"commune": "59350"}, "commune"),
        ({"commune": "abc"}, "commune"),
        ({"year": "deux mille"}, "year"),
        ({"year": 1850}, "year"),
        ({"wave": 0}, "wave"),
        ({"page": 0}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_unknown_filter_value_is_refused_with_a_clear_400(client, history, params, parameter):
    body = get_json(client, "/api/projects", params, status=400)

    assert list(body["errors"]) == [parameter]
    assert body["detail"] == f"Paramètres invalides : {parameter}."
    assert body["errors"][parameter]


@pytest.mark.parametrize("commune", ["62\x00498", "6249\x00", "\x00"])
def test_nul_characters_in_filters_are_refused_not_crashed_on(client, history, commune):
    body = get_json(client, "/api/projects", {"commune": commune}, status=400)

    assert list(body["errors"]) == ["commune"]


def test_nul_character_in_a_slug_is_not_found(client, history):
    body = get_json(client, "/api/projects/mine%00de-soleil", status=404)

    assert body["detail"] == "Aucun projet publié avec cet identifiant."


def test_empty_filters_of_the_page_form_are_accepted_and_documented(client, history):
    page = get_json(client, "/api/projects", {"theme": "", "wave": "", "sort": "", "page": ""})
    schema = get_json(client, "/api/openapi.json")

    assert page["count"] == 20
    wave = next(
        parameter
        for parameter in schema["paths"]["/api/projects"]["get"]["parameters"]
        if parameter["name"] == "wave"
    )
    assert {"type": "string", "maxLength": 0} in wave["schema"]["anyOf"]


def test_unknown_theme_message_lists_the_allowed_values(client, history):
    body = get_json(client, "/api/projects", {"theme": "sport"}, status=400)

    assert "sport" in body["errors"]["theme"]
    assert all(theme.value in body["errors"]["theme"] for theme in Theme)


def test_page_past_the_end_is_not_found(client, history):
    body = get_json(client, "/api/projects", {"page": 9}, status=404)

    assert body["detail"] == "La page 9 n'existe pas : il y a 1 page(s)."


def test_project_detail_returns_the_record(client, history):
    project = get_json(client, "/api/projects/mine-de-soleil")

    assert project["name"] == "Mine de Soleil"
    assert project["communes"] == ["Loos-en-Gohelle"] and project["year"] == 2022


@pytest.mark.parametrize("hidden", [{"is_published": False}, {"is_synthetic": True}])
def test_project_detail_of_a_hidden_entry_is_not_found(client, hidden):
    entry = CatalogueEntryFactory(**hidden)

    body = get_json(client, f"/api/projects/{entry.slug}", status=404)

    assert entry.name not in str(body)


def test_communes_list_the_territory_with_project_counts(client, history):
    communes = get_json(client, "/api/communes")

    assert len(communes) == 150
    by_code = {commune["insee_code"]: commune for commune in communes}
    assert by_code["62498"]["name"] == "Lens" and by_code["62498"]["agglomeration"] == "CALL"
    # Forêt urbaine, Louvre Lens Vallée, the accesses to the Louvre-Lens
    assert by_code["62498"]["projects"] == 3
    assert by_code["62001"]["projects"] == 0


def test_themes_list_the_controlled_vocabulary_with_counts(client, history):
    themes = get_json(client, "/api/themes")

    assert [theme["code"] for theme in themes] == Theme.values
    assert {theme["code"]: theme["projects"] for theme in themes}["nature"] == 5
    assert themes[0]["label"] == "Aménagement et urbanisme"


def test_waves_list_numbers_dates_and_phase(client):
    WaveFactory(number=11, year=2026)

    waves = get_json(client, "/api/waves")

    assert [(wave["number"], wave["year"], wave["phase"]) for wave in waves] == [(11, 2026, "open")]
    assert set(waves[0]) == {"number", "year", "title", "opens_at", "closes_at", "phase"}


@pytest.mark.parametrize(
    "url",
    ["/api/projects", "/api/projects?theme=sport", "/api/communes", "/api/projects/inconnu"],
)
def test_every_answer_allows_any_origin(client, history, url):
    response = client.get(url, headers={"origin": "https://reutilisateur.example"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("url", ["/api/projects?theme=nature", "/api/projects/cite-bruno"])
def test_conditional_get_answers_304_until_the_catalogue_changes(client, history, url):
    first = client.get(url)

    again = client.get(url, headers={"if-none-match": first["ETag"]})
    CatalogueEntryFactory(name="Nouveau parc", themes=["nature"])
    from catalogue.models import CatalogueEntry

    bruno = CatalogueEntry.objects.get(slug="cite-bruno")
    bruno.summary = "Résumé revu."
    bruno.save()
    changed = client.get(url, headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert again.status_code == 304 and again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_error_answers_carry_no_etag(client, history):
    response = client.get("/api/projects", {"theme": "sport"})

    assert "ETag" not in response


@pytest.mark.parametrize(
    "query", ["", "?theme=nature&commune=62498&q=projet", "?sort=name&page_size=2&page=2"]
)
def test_project_list_query_count_does_not_grow_with_the_catalogue(client, query):
    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/projects" + query)
        assert response.status_code == 200, response.content
        return len(captured), response.json()

    catalogue_entries_bulk(3, communes=["62498"], themes=["nature"])
    few, _ = count()
    catalogue_entries_bulk(297, start=3, communes=["62498"], themes=["nature"])
    many, page = count()

    assert many == few <= 7
    assert page["count"] == 300 and len(page["results"]) == page["page_size"]


def test_openapi_schema_documents_the_400_and_the_filters(client):
    schema = get_json(client, "/api/openapi.json")

    assert schema["openapi"].startswith("3.")
    operation = schema["paths"]["/api/projects"]["get"]
    assert {"200", "400", "404"} <= set(operation["responses"])
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {
        "q",
        "theme",
        "agglomeration",
        "commune",
        "year",
        "wave",
        "award",
        "sort",
        "page",
        "page_size",
    }
    assert set(schema["paths"]) == {
        "/api/projects",
        "/api/projects/{slug}",
        "/api/communes",
        "/api/themes",
        "/api/waves",
    }


def test_docs_are_served_locally_without_any_script(client):
    response = client.get("/api/docs/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in body and "cdn" not in body.lower()
    assert "/api/projects" in body and 'href="/api/openapi.json"' in body
    assert "Paramètres de /api/projects" in body
    assert "amenagement | habitat" in body  # the enums of the schema, spelled out
    assert body.count("<h1") == 1


# --- Bounded fuzzing of the schema --------------------------------------------------------

# The schema is read through the WSGI application, which needs no database; each generated
# request then runs against the bundled history in the test database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def _keep_the_test_connection():
    """Keep the WSGI handler from closing the database connection after each request.

    Inside the test's transaction Django sees autocommit off and would close the connection
    as obsolete (PostgreSQL then fails the next query); its test client disconnects the same
    receiver for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_every_generated_request_without_server_error(
    case, history, _keep_the_test_connection
):
    case.call_and_validate()


def test_api_root_links_to_every_endpoint_the_schema_and_the_docs(client):
    response = client.get("/api/")

    body = response.json()
    links = body["links"]
    assert body["name"] == "API du Label Euralens"
    for name in ("projects", "communes", "themes", "waves"):
        assert client.get(links[name].replace("http://testserver", "")).status_code == 200
    assert links["openapi"] == "http://testserver/api/openapi.json"
    assert links["docs"] == "http://testserver/api/docs/"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_docs_are_in_french_and_their_scrolling_tables_take_the_focus(client):
    body = client.get("/api/docs/").content.decode()

    for english in ("200 OK", ">OK<", "string", "integer", "Bad Request", "Not Found"):
        assert english not in body, english
    assert "200 — succès" in body and "entier" in body and "texte" in body
    assert body.count('class="table-responsive"') == body.count(
        'class="table-responsive" tabindex="0" role="region"'
    )
    assert 'href="/api/"' in body
