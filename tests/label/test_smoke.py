import pytest
from django.urls import reverse

from tests.conftest import login


@pytest.mark.django_db
def test_home_page_renders_in_french(client):
    response = client.get(reverse("label:home"))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_instruction_area_refuses_applicant_with_french_403(client, applicant):
    login(client, applicant)
    response = client.get(reverse("applications:instruction_home"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
