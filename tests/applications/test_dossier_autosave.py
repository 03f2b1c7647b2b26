"""The autosave endpoint: valid fields saved, invalid ones never over valid values, CSRF."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from applications.enums import ApplicationState
from applications.models import Application
from label.models import Commune
from tests.conftest import login
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def autosave_url(application, section):
    return reverse(
        "applications:dossier_autosave", kwargs={"pk": application.pk, "section": section}
    )


@pytest.fixture
def draft(applicant, open_wave):
    return ApplicationFactory(owner=applicant, wave=open_wave)


@pytest.fixture
def client_in(client, applicant):
    return login(client, applicant)


def test_autosave_saves_valid_fields_and_answers_json(client_in, draft):
    response = client_in.post(
        autosave_url(draft, "porteur"),
        {"holder_name": "Association Terre d'Artois", "contact_email": "camille@example.org"},
    )

    data = response.json()
    draft.refresh_from_db()
    assert draft.holder_name == "Association Terre d'Artois"
    assert draft.contact_email == "camille@example.org"
    assert data["errors"] == {}
    assert set(data["saved"]) == {"holder_name", "contact_email"}
    assert data["message"].startswith("Brouillon enregistré à ")
    assert len(data["saved_at"]) == 5  # HH:MM


def test_autosave_never_writes_an_invalid_value_over_a_valid_one(client_in, draft):
    Application.objects.filter(pk=draft.pk).update(siret="73282932000074", city="Lens")

    response = client_in.post(
        autosave_url(draft, "porteur"), {"siret": "73282932000075", "city": "Liévin"}
    )

    data = response.json()
    draft.refresh_from_db()
    assert draft.siret == "73282932000074"
    assert draft.city == "Liévin"
    assert "clé de contrôle incorrecte" in data["errors"]["siret"][0]
    assert data["saved"] == ["city"]


def test_autosave_leaves_fields_absent_from_the_request_alone(client_in, draft):
    Application.objects.filter(pk=draft.pk).update(
        title="Titre gardé", answers={"description": "Gardée"}
    )

    client_in.post(autosave_url(draft, "projet"), {"summary": "Un résumé."})

    draft.refresh_from_db()
    assert draft.summary == "Un résumé."
    assert draft.title == "Titre gardé"
    assert draft.answers["description"] == "Gardée"


def test_autosave_does_not_save_communes_that_conflict_with_the_whole_territory(client_in, draft):
    lens = Commune.objects.get(insee_code="62498")

    response = client_in.post(
        autosave_url(draft, "projet"),
        {"title": "Jardins", "communes": [lens.pk], "territory_wide": "on"},
    )

    data = response.json()
    draft.refresh_from_db()
    assert draft.title == "Jardins"
    assert not draft.communes.exists() and not draft.territory_wide
    assert "communes" in data["errors"] and "territory_wide" in data["errors"]


def test_autosave_saves_the_financing_plan_only_when_every_line_is_valid(client_in, draft):
    base = {
        "total_cost": "1000",
        "financing_lines-rows": "2",
        "financing_lines-0-source": "Région",
        "financing_lines-0-amount": "600",
    }

    bad = client_in.post(
        autosave_url(draft, "budget"), {**base, "financing_lines-1-source": "Ville"}
    )
    draft.refresh_from_db()
    lines_after_bad = len(draft.answers.get("financing_lines", []))
    good = client_in.post(
        autosave_url(draft, "budget"),
        {**base, "financing_lines-1-source": "Ville", "financing_lines-1-amount": "400"},
    )
    draft.refresh_from_db()

    # The message is next to the table: « Ligne 2 : renseignez « Montant (€) ». »
    assert "Ligne 2" in bad.json()["errors"]["financing_lines"][0]
    assert lines_after_bad == 0
    assert draft.total_cost == Decimal("1000")
    assert good.json()["errors"] == {}
    assert [line["amount"] for line in draft.answers["financing_lines"]] == ["600.00", "400.00"]


def test_autosave_requires_the_csrf_token(applicant, draft):
    client = login(Client(enforce_csrf_checks=True), applicant)

    response = client.post(autosave_url(draft, "porteur"), {"holder_name": "Sans jeton"})

    draft.refresh_from_db()
    assert response.status_code == 403
    assert draft.holder_name == ""


def test_autosave_accepts_the_csrf_token_in_a_header(applicant, draft):
    client = login(Client(enforce_csrf_checks=True), applicant)
    page = client.get(
        reverse("applications:dossier", kwargs={"pk": draft.pk, "section": "porteur"})
    )
    token = str(page.context["csrf_token"])

    client.post(
        autosave_url(draft, "porteur"),
        {"holder_name": "Avec jeton"},
        headers={"X-CSRFToken": token},
    )

    draft.refresh_from_db()
    assert draft.holder_name == "Avec jeton"


def test_autosave_of_another_accounts_dossier_answers_404(client, draft):
    login(client, UserFactory())

    response = client.post(autosave_url(draft, "porteur"), {"holder_name": "Piraté"})

    draft.refresh_from_db()
    assert response.status_code == 404
    assert draft.holder_name == ""


def test_autosave_of_a_submitted_dossier_is_refused(client_in, applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED)

    response = client_in.post(autosave_url(application, "porteur"), {"holder_name": "Trop tard"})

    application.refresh_from_db()
    assert response.status_code == 403
    assert "ne peut plus être modifié" in response.json()["error"]
    assert application.holder_name == "Association Terre d'Artois"


def test_autosave_for_an_anonymous_visitor_answers_401_json(client, draft):
    response = client.post(autosave_url(draft, "porteur"), {"holder_name": "Anonyme"})

    draft.refresh_from_db()
    assert response.status_code == 401
    assert "session a expiré" in response.json()["error"]
    assert draft.holder_name == ""


@pytest.mark.parametrize("section", ["pieces", "consentement", "inconnue"])
def test_autosave_is_not_offered_for_documents_consent_or_unknown_sections(
    client_in, draft, section
):
    assert client_in.post(autosave_url(draft, section), {"consent": "on"}).status_code == 404
    draft.refresh_from_db()
    assert draft.consent_given_at is None


def test_autosave_refuses_get(client_in, draft):
    assert client_in.get(autosave_url(draft, "porteur")).status_code == 405


def test_full_save_after_an_autosave_keeps_every_line(client_in, draft):
    """The page was shown with no line; the autosave saved two; the final save sends them."""
    data = {
        "total_cost": "10 000",
        "financing_lines-rows": "4",
        "financing_lines-0-source": "Région",
        "financing_lines-0-amount": "6 000,50",
        "financing_lines-3-source": "Ville",
        "financing_lines-3-amount": "3 999,50",
    }
    client_in.post(autosave_url(draft, "budget"), data)

    client_in.post(
        reverse("applications:dossier", kwargs={"pk": draft.pk, "section": "budget"}),
        {**data, "action": "continue"},
    )

    draft.refresh_from_db()
    assert [(line["source"], line["amount"]) for line in draft.answers["financing_lines"]] == [
        ("Région", "6000.50"),
        ("Ville", "3999.50"),
    ]
