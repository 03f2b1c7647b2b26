"""Public catalogue pages served from a cache to anonymous visitors, and cacheable by proxies
(issue 18): no CSRF cookie, no Vary: Cookie, an ETag, a version-keyed server copy."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CatalogueEntryFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/projets/"


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize("url", [LIST_URL, LIST_URL + "?theme=nature", "detail"])
def test_anonymous_public_page_sets_no_cookie_and_is_publicly_cacheable(client, url):
    entry = CatalogueEntryFactory(name="Terril fleuri", themes=["nature"])
    url = entry.get_absolute_url() if url == "detail" else url

    response = client.get(url)

    assert "Terril fleuri" in response.content.decode()
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "cookie" not in vary(response)
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert response["ETag"].startswith('"')
    # The language switcher is a set of links now, not a CSRF-protected form.
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()
    assert "/langue/en/?next=" in response.content.decode()


def test_same_etag_answers_304_without_the_page(client):
    CatalogueEntryFactory(name="Terril fleuri")
    first = client.get(LIST_URL)

    again = client.get(LIST_URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "cookie" not in vary(again)


def test_cache_hit_reads_no_database_row(client):
    CatalogueEntryFactory(name="Terril fleuri")
    first = client.get(LIST_URL)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(LIST_URL)

    assert len(queries) == 0, [query["sql"] for query in queries]
    assert second.content == first.content
    assert "cookie" not in vary(second)
    assert second["ETag"] == first["ETag"]
    assert "Terril fleuri" in second.content.decode()


def test_catalogue_change_serves_a_fresh_page_with_a_new_etag(client):
    entry = CatalogueEntryFactory(name="Terril fleuri")
    before = client.get(LIST_URL)
    detail_before = client.get(entry.get_absolute_url())

    entry.name = "Terril en fleurs"
    entry.save()
    CatalogueEntryFactory(name="Ferme des possibles")
    after = client.get(LIST_URL)
    detail_after = client.get(entry.get_absolute_url())

    assert "Terril fleuri" in before.content.decode()
    assert "Terril en fleurs" in after.content.decode()
    assert "Ferme des possibles" in after.content.decode()
    assert "Terril en fleurs" in detail_after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert detail_after["ETag"] != detail_before["ETag"]
    assert client.get(LIST_URL, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_query_string_and_language_each_get_their_own_copy(client):
    CatalogueEntryFactory(name="Terril fleuri", themes=["nature"])
    CatalogueEntryFactory(name="Maison sobre", themes=["habitat"])

    nature = client.get(LIST_URL + "?theme=nature").content.decode()
    habitat = client.get(LIST_URL + "?theme=habitat").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(LIST_URL + "?theme=nature").content.decode()

    assert "Terril fleuri" in nature and "Maison sobre" not in nature
    assert "Maison sobre" in habitat and "Terril fleuri" not in habitat
    assert '<html lang="en">' in english and '<html lang="fr">' in nature


def test_signed_in_visitor_gets_a_private_page_with_csrf_protection(client):
    CatalogueEntryFactory(name="Terril fleuri")
    anonymous = client.get(LIST_URL)
    user = UserFactory(full_name="Camille Candidate")
    client.force_login(user)

    response = client.get(LIST_URL)
    page = response.content.decode()

    assert "Camille Candidate" in page  # not the anonymous copy
    assert "Camille Candidate" not in anonymous.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page  # the logout form keeps its token
    assert "public" not in response.get("Cache-Control", "")
    assert "ETag" not in response
    assert "cookie" in vary(response)


def test_a_missing_project_is_not_cached_as_public(client):
    response = client.get("/projets/pas-de-projet/")

    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_pages_with_a_post_form_still_set_the_csrf_cookie(client):
    response = client.get("/comptes/connexion/")

    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


@pytest.mark.parametrize(
    "query", ["?utm_source=lettre", "?theme=nature&theme=habitat", "?q=" + "a" * 201]
)
def test_made_up_query_strings_are_rendered_but_not_kept(client, query):
    CatalogueEntryFactory(name="Terril fleuri", themes=["nature"])
    client.get(LIST_URL + query)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL + query)

    assert "Projets labellisés" in response.content.decode()  # rendered for this visitor
    assert len(queries) > 0  # ... again: no copy was kept
    assert "public" not in response.get("Cache-Control", "")
    assert "ETag" not in response


def test_project_page_with_a_query_string_is_not_kept(client):
    entry = CatalogueEntryFactory(name="Terril fleuri")

    kept = client.get(entry.get_absolute_url())
    tagged = client.get(entry.get_absolute_url() + "?utm_source=lettre")

    assert "public" in kept["Cache-Control"]
    assert "public" not in tagged.get("Cache-Control", "")
    assert "Terril fleuri" in tagged.content.decode()
