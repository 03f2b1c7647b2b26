"""A form sent without its CSRF token is refused with the portal's own French page."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_csrf_failure_shows_the_portals_page_in_french():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulaire expiré" in page
    assert "Retour à l'accueil" in page
    assert "CSRF verification failed" not in page
