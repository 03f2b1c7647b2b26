"""Security headers on every response (issue 17, finding 6): Permissions-Policy."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _policy(response):
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


@pytest.mark.parametrize("url", ["/", "/projets/", "/donnees/projets.csv", "/sante/"])
def test_permissions_policy_refuses_unused_features_on_every_response(client, url):
    policy = _policy(client.get(url))

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()"
    # Passkeys stay possible on the portal's own pages.
    assert policy["publickey-credentials-get"] == "(self)"


def test_permissions_policy_is_also_on_error_pages(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert _policy(response)["camera"] == "()"


def test_permissions_policy_is_on_the_login_page(client):
    response = client.get(reverse("accounts:login"))

    assert "camera=()" in response["Permissions-Policy"]
