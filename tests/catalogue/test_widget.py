"""The widget for communes and partners (/integrer/): frames allowed there alone, JSON."""

import re
from html import unescape

import pytest

from catalogue.services import CATALOGUE_CSV, catalogue_import

pytestmark = pytest.mark.django_db

WIDGET_URL = "/integrer/projets/"


@pytest.fixture
def history(db):
    assert catalogue_import(source=CATALOGUE_CSV).ok


def names(html):
    return [unescape(n) for n in re.findall(r'class="widget-name" href="[^"]+"[^>]*>([^<]+)', html)]


def test_widget_may_be_framed_by_any_site(client, history):
    response = client.get(WIDGET_URL, {"commune": "62498"})

    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "script-src 'self'" in policy  # the rest of the policy still holds
    assert "X-Frame-Options" not in response
    assert "<script" not in response.content.decode()


def test_every_other_page_still_refuses_frames(client, history):
    for url in ("/projets/", "/integrer/", "/projets/carte/"):
        response = client.get(url)

        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


def test_widget_lists_a_commune_s_projects(client, history):
    html = client.get(WIDGET_URL, {"commune": "62498"}).content.decode()

    assert set(names(html)) == {
        "Forêt urbaine de Lens",
        "Louvre Lens Vallée",
        "Aménagements d'accès et de desserte du Louvre-Lens",
    }
    assert "Projets labellisés Label Euralens à Lens" in html
    assert "http://testserver/projets/?commune=62498" in html
    assert 'target="_blank"' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"agglomeration": "CAHC", "theme": "nature"},
            {"Parc des Îles", "Parc des Berges de la Souchez"},
        ),
        (
            {"theme": "alimentation"},
            {"Cuisine centrale de Liévin", "Terril viticole d'Haillicourt"},
        ),
        # Parameters the widget does not offer are ignored.
        (
            {"commune": "62510", "year": "2022"},
            {"Cuisine centrale de Liévin", "Aménagements d'accès et de desserte du Louvre-Lens"},
        ),
    ],
)
def test_widget_filters_by_agglomeration_and_theme(client, history, params, expected):
    assert set(names(client.get(WIDGET_URL, params).content.decode())) == expected


def test_json_gives_the_same_list_to_any_origin(client, history):
    response = client.get("/integrer/projets.json", {"commune": "62498"})
    data = response.json()

    assert response["Access-Control-Allow-Origin"] == "*"
    assert data["count"] == 3
    assert {project["name"] for project in data["results"]} == {
        "Forêt urbaine de Lens",
        "Louvre Lens Vallée",
        "Aménagements d'accès et de desserte du Louvre-Lens",
    }
    vallee = next(p for p in data["results"] if p["name"] == "Louvre Lens Vallée")
    assert vallee["year"] is None
    assert vallee["url"] == "http://testserver/projets/louvre-lens-vallee/"
    assert vallee["communes"] == ["Lens"]


def test_json_refuses_an_unknown_commune(client, history):
    response = client.get("/integrer/projets.json", {"commune": "99999"})

    assert response.status_code == 400
    assert "commune" in response.json()["errors"]


def test_help_page_gives_a_snippet_and_a_preview(client, history):
    html = client.get("/integrer/", {"commune": "62498"}).content.decode()

    snippet = unescape(re.search(r'<textarea[^>]*id="id_snippet"[^>]*>([^<]+)', html).group(1))
    assert snippet.startswith('<iframe src="http://testserver/integrer/projets/?commune=62498"')
    assert 'title="Projets labellisés Label Euralens à Lens"' in snippet
    assert '<iframe class="widget-preview" src="/integrer/projets/?commune=62498"' in html
    assert "http://testserver/integrer/projets.json?commune=62498" in html
    assert '<option value="62498" selected>Lens</option>' in html
