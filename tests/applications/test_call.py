"""The call for applications: /candidater/, the home page, expressions of interest."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications.models import ExpressionOfInterest
from applications.views.call import INTEREST_RATE_LIMIT
from reviews.models import Criterion
from reviews.models.criteria import default_grid_create
from tests.conftest import login
from tests.factories import ApplicationFactory, WaveFactory

PARIS = ZoneInfo("Europe/Paris")
OPENS = datetime(2026, 3, 11, 9, 0, tzinfo=PARIS)
CLOSES = datetime(2026, 5, 31, 23, 59, tzinfo=PARIS)


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def wave_11(db):
    return WaveFactory(
        number=11,
        opens_at=OPENS,
        closes_at=CLOSES,
        eligibility_text="Toute structure portant un projet sur le territoire du Pôle.",
    )


@pytest.mark.django_db
def test_call_page_shows_the_open_wave_dates_and_time_left(client, wave_11):
    with time_machine.travel(datetime(2026, 5, 8, 12, 0, tzinfo=PARIS)):
        response = client.get(reverse("applications:call"))

    content = _text(response)
    assert "Il reste 23 jours" in content
    assert "31 mai 2026 à 23:59" in content
    assert "11 mars 2026 à 09:00" in content
    assert "Toute structure portant un projet sur le territoire du Pôle." in content
    assert "Contribution à la transition écologique et sociale" in content
    assert "D. Innovation" in content
    assert "Déposez le dossier avant la clôture" in content
    assert 'name="email"' not in content


@pytest.mark.django_db
def test_call_page_lists_the_criteria_of_the_wave_grid(client, wave_11):
    default_grid_create(Criterion, wave_11)

    with time_machine.travel(datetime(2026, 5, 8, 12, 0, tzinfo=PARIS)):
        content = _text(client.get(reverse("applications:call")))

    assert "Implication des habitants" in content
    assert "Faisabilité financière" in content
    assert "Innovation technologique ou sociale" in content


@pytest.mark.django_db
def test_call_page_counts_hours_on_the_last_day(client, wave_11):
    with time_machine.travel(CLOSES - timedelta(hours=5, minutes=10)):
        response = client.get(reverse("applications:call"))

    assert "Il reste 5 heures" in _text(response)


@pytest.mark.django_db
def test_call_page_asks_visitors_to_sign_up_or_log_in(client, wave_11):
    with time_machine.travel(datetime(2026, 4, 1, 12, 0, tzinfo=PARIS)):
        content = _text(client.get(reverse("applications:call")))

    assert reverse("accounts:signup") in content
    assert reverse("accounts:login") + "?next=/candidater/" in content


@pytest.mark.django_db
def test_call_page_offers_the_start_button_to_a_logged_in_applicant(client, applicant, wave_11):
    with time_machine.travel(datetime(2026, 4, 1, 12, 0, tzinfo=PARIS)):
        content = _text(login(client, applicant).get(reverse("applications:call")))

    assert f'action="{reverse("applications:start")}"' in content
    assert "Commencer ma candidature" in content


@pytest.mark.django_db
def test_call_page_sends_an_applicant_with_a_draft_back_to_it(client, applicant, wave_11):
    ApplicationFactory(owner=applicant, wave=wave_11)

    with time_machine.travel(datetime(2026, 4, 1, 12, 0, tzinfo=PARIS)):
        content = _text(login(client, applicant).get(reverse("applications:call")))

    assert "Vous avez déjà un dossier en cours pour cette vague." in content


@pytest.mark.django_db
def test_call_page_without_open_wave_gives_the_next_opening(client, wave_11):
    WaveFactory(
        number=12,
        title="Label Euralens — vague 12",
        opens_at=datetime(2027, 3, 10, 9, 0, tzinfo=PARIS),
        closes_at=datetime(2027, 5, 31, 23, 59, tzinfo=PARIS),
    )

    with time_machine.travel(datetime(2026, 9, 1, 12, 0, tzinfo=PARIS)):
        content = _text(client.get(reverse("applications:call")))

    assert "ouvrira le 10 mars 2027 à 09:00" in content
    assert 'name="email"' in content


@pytest.mark.django_db
def test_call_page_without_any_wave_gives_a_generic_sentence(client):
    content = _text(client.get(reverse("applications:call")))

    assert "Aucun appel à candidatures n'est ouvert." in content
    assert 'name="email"' in content


@pytest.mark.django_db
def test_expression_of_interest_is_kept_for_staff(client):
    response = client.post(
        reverse("applications:call"),
        {"email": "Porteuse@Example.org", "message": "Une recyclerie à Bruay."},
    )

    assert response.status_code == 302
    interest = ExpressionOfInterest.objects.get()
    assert (interest.email, interest.message) == ("porteuse@example.org", "Une recyclerie à Bruay.")
    assert "Merci" in _text(client.get(response["Location"]))


@pytest.mark.django_db
def test_expression_of_interest_rejects_a_bad_address_keeping_the_text(client):
    response = client.post(
        reverse("applications:call"), {"email": "pas-une-adresse", "message": "Mon projet."}
    )

    content = _text(response)
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in content
    assert "Mon projet." in content
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.django_db
def test_expression_of_interest_honeypot_keeps_nothing(client):
    response = client.post(
        reverse("applications:call"),
        {"email": "robot@example.org", "message": "Achetez", "website": "http://spam.example"},
    )

    assert response.status_code == 302
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.django_db
def test_expression_of_interest_is_rate_limited_per_address(client):
    for index in range(INTEREST_RATE_LIMIT):
        client.post(reverse("applications:call"), {"email": f"p{index}@example.org"})

    response = client.post(reverse("applications:call"), {"email": "encore@example.org"})
    other_address = client.post(
        reverse("applications:call"), {"email": "voisin@example.org"}, REMOTE_ADDR="10.0.0.8"
    )

    assert response.status_code == 429
    assert "Trop de demandes" in _text(response)
    assert other_address.status_code == 302
    assert ExpressionOfInterest.objects.count() == INTEREST_RATE_LIMIT + 1
    assert not ExpressionOfInterest.objects.filter(email="encore@example.org").exists()


@pytest.mark.django_db
def test_home_page_shows_the_open_call_and_links_to_it(client, wave_11):
    with time_machine.travel(datetime(2026, 5, 8, 12, 0, tzinfo=PARIS)):
        content = _text(client.get(reverse("label:home")))

    assert "L'appel à candidatures est ouvert" in content
    assert "Il reste 23 jours" in content
    assert reverse("applications:call") in content


@pytest.mark.django_db
def test_home_page_without_open_call_invites_to_be_told(client):
    content = _text(client.get(reverse("label:home")))

    assert "Être prévenu du prochain appel" in content


@pytest.mark.django_db
def test_navigation_links_to_the_call(client):
    content = _text(client.get(reverse("label:home")))

    assert f'href="{reverse("applications:call")}">Candidater</a>' in content


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [datetime(2026, 5, 8, 12, 0), datetime(2026, 9, 1, 12, 0)])
@pytest.mark.parametrize("name", ["label:home", "applications:call"])
def test_call_and_home_pages_have_one_h1_and_no_inline_style(client, wave_11, moment, name):
    with time_machine.travel(moment.replace(tzinfo=PARIS)):
        content = _text(client.get(reverse(name)))

    assert content.count("<h1") == 1
    assert " style=" not in content
    assert "<script>" not in content
