"""The interface is French first, with a compiled English catalogue and a language switcher."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def test_english_catalogue_is_compiled_and_committed():
    with open(CATALOGUE / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)

    assert catalogue.gettext("Aller au contenu") == "Skip to content"
    assert catalogue.info()["language"] == "en"


@pytest.mark.django_db
def test_pages_are_french_by_default(client):
    response = client.get(reverse("label:home"))

    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Aller au contenu" in page


@pytest.mark.django_db
def test_language_switcher_serves_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302

    page = client.get(reverse("label:home")).content.decode()

    assert '<html lang="en">' in page
    assert "Skip to content" in page
    assert "Aller au contenu" not in page


@pytest.mark.django_db
def test_an_english_browser_gets_the_french_site(client):
    page = client.get(reverse("label:home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()

    assert '<html lang="fr">' in page
    assert "Aller au contenu" in page
    assert "Skip to content" not in page


@pytest.mark.django_db
def test_the_chosen_language_wins_over_the_browser(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("label:home"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    french = client.get(reverse("label:home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert "Skip to content" in english.content.decode()
    assert '<html lang="fr">' in french.content.decode()
    assert "Aller au contenu" in french.content.decode()
