"""The language switcher as plain links (issue 18): /langue/<code>/?next=... sets the cookie
and goes back to a page of this site, never elsewhere."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_language_link_sets_the_cookie_and_goes_back(client):
    response = client.get("/langue/en/", {"next": "/projets/?theme=nature&page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/projets/?theme=nature&page=2"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "no-store" in response["Cache-Control"]
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in page
    assert "Skip to content" in page


def test_back_to_french_by_the_link(client):
    client.get("/langue/en/", {"next": "/"})
    client.get("/langue/fr/", {"next": "/"})

    page = client.get("/").content.decode()

    assert '<html lang="fr">' in page
    assert "Aller au contenu" in page


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_language_link_never_leaves_the_site(client, target):
    response = client.get("/langue/en/", {"next": target})

    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_unknown_language_is_not_found_and_sets_nothing(client):
    response = client.get("/langue/de/", {"next": "/"})

    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switcher_links_carry_the_current_page_and_mark_the_current_language(client):
    page = client.get("/projets/?theme=nature").content.decode()

    assert 'href="/langue/en/?next=/projets/%3Ftheme%3Dnature"' in page
    assert 'lang="en" hreflang="en" rel="nofollow">English</a>' in page
    assert 'lang="fr" aria-current="true">Français</span>' in page
    assert "/langue/fr/" not in page  # the current language is not a link


def test_posted_language_form_still_works(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()


def test_a_session_awaiting_its_second_factor_may_still_choose_its_language(
    client, instruction_user
):
    from accounts import otp
    from tests.conftest import login

    login(client, instruction_user, otp_verified=False)
    session = client.session
    session[otp.SESSION_PENDING_KEY] = True
    session.save()
    assert client.get("/projets/")["Location"].startswith("/comptes/")  # held back elsewhere

    response = client.get("/langue/en/", {"next": "/"})

    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
