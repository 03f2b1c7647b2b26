"""Staff pages of the waves: list, create (optionally from the previous wave), edit."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from label.models import Wave
from tests.conftest import login
from tests.factories import ApplicationFactory, WaveFactory

PARIS = ZoneInfo("Europe/Paris")


def _text(response):
    return html.unescape(response.content.decode())


def _wave_data(**overrides):
    data = {
        "number": "12",
        "year": "2027",
        "title": "Label Euralens — vague 12",
        "opens_at": "2027-03-10T09:00",
        "closes_at": "2027-05-31T23:59",
        "instruction_starts_on": "2027-06-01",
        "instruction_ends_on": "2027-09-30",
        "ceremony_on": "2027-11-20",
        "ceremony_place": "Louvre-Lens",
        "introduction": "Le 12e appel.",
        "eligibility_text": "Tout porteur du territoire.",
        "signatory_name": "Présidence",
        "signatory_title": "Président",
    }
    data.update(overrides)
    return data


@pytest.fixture
def wave_11(db):
    return WaveFactory(
        number=11,
        year=2026,
        title="Label Euralens — vague 11",
        opens_at=datetime(2026, 3, 11, 9, 0, tzinfo=PARIS),
        closes_at=datetime(2026, 5, 31, 23, 59, tzinfo=PARIS),
        introduction="Le 11e appel à projets.",
        eligibility_text="Associations, communes, entreprises du Pôle.",
        ceremony_place="Arena Stade Couvert, Liévin",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "with_pk"),
    [("wave_list", False), ("wave_create", False), ("wave_update", True), ("wave_update", None)],
)
def test_wave_pages_are_refused_to_applicants(client, applicant, wave_11, name, with_pk):
    kwargs = {"pk": wave_11.pk if with_pk else 999_999} if with_pk is not False else {}
    url = reverse(f"label:{name}", kwargs=kwargs)

    response = login(client, applicant).get(url)
    post = client.post(url, _wave_data())

    assert response.status_code == 403
    assert post.status_code == 403
    assert Wave.objects.count() == 1
    assert "Label Euralens — vague 11" not in _text(response)


@pytest.mark.django_db
def test_wave_pages_send_visitors_to_login(client):
    response = client.get(reverse("label:wave_list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_wave_list_shows_waves_with_phase_and_counts(client, instruction_user, wave_11):
    ApplicationFactory(wave=wave_11)
    ApplicationFactory(wave=wave_11)

    response = login(client, instruction_user).get(reverse("label:wave_list"))

    content = _text(response)
    assert "Label Euralens — vague 11" in content
    assert "11 mars 2026 à 09:00" in content
    assert [wave.application_count for wave in response.context["waves"]] == [2]


@pytest.mark.django_db
def test_wave_create_stores_paris_times(client, instruction_user, wave_11):
    response = login(client, instruction_user).post(reverse("label:wave_create"), _wave_data())

    assert response.status_code == 302
    wave = Wave.objects.get(number=12)
    assert wave.opens_at == datetime(2027, 3, 10, 9, 0, tzinfo=PARIS)
    assert wave.closes_at == datetime(2027, 5, 31, 23, 59, tzinfo=PARIS)
    assert wave.ceremony_place == "Louvre-Lens"


@pytest.mark.django_db
def test_wave_create_from_the_previous_wave_prefills_texts(client, instruction_user, wave_11):
    response = login(client, instruction_user).get(
        reverse("label:wave_create") + "?depuis=precedente"
    )

    form = response.context["form"]
    assert form.initial["number"] == 12
    assert form.initial["year"] == 2027
    assert form.initial["title"] == "Label Euralens — vague 12"
    assert form.initial["introduction"] == "Le 11e appel à projets."
    assert form.initial["eligibility_text"] == "Associations, communes, entreprises du Pôle."
    assert "opens_at" not in form.initial
    assert "Arena Stade Couvert, Liévin" in _text(response)


@pytest.mark.django_db
def test_wave_create_offers_to_start_from_the_previous_wave(client, instruction_user, wave_11):
    response = login(client, instruction_user).get(reverse("label:wave_create"))

    content = _text(response)
    assert "Partir de la vague précédente (vague 11)" in content
    assert response.context["form"].initial == {"number": 12, "year": 2027}


@pytest.mark.django_db
def test_wave_create_refuses_an_overlapping_call_in_french(client, instruction_user, wave_11):
    response = login(client, instruction_user).post(
        reverse("label:wave_create"),
        _wave_data(opens_at="2026-05-01T09:00", closes_at="2026-07-01T12:00"),
    )

    assert response.status_code == 200
    assert "chevauche celle de la vague 11" in _text(response)
    assert not Wave.objects.filter(number=12).exists()


@pytest.mark.django_db
def test_wave_create_refuses_a_closing_before_the_opening(client, instruction_user, wave_11):
    response = login(client, instruction_user).post(
        reverse("label:wave_create"),
        _wave_data(opens_at="2027-05-31T09:00", closes_at="2027-03-01T09:00"),
    )

    form = response.context["form"]
    assert form.errors["closes_at"] == ["La clôture doit être postérieure à l'ouverture."]
    assert 'value="2027-05-31T09:00"' in _text(response)
    assert not Wave.objects.filter(number=12).exists()


@pytest.mark.django_db
def test_wave_create_refuses_a_taken_number_and_bad_instruction_dates(
    client, instruction_user, wave_11
):
    response = login(client, instruction_user).post(
        reverse("label:wave_create"),
        _wave_data(
            number="11", instruction_starts_on="2027-09-01", instruction_ends_on="2027-06-01"
        ),
    )

    form = response.context["form"]
    assert form.errors["number"] == ["Une vague porte déjà ce numéro."]
    assert form.errors["instruction_ends_on"] == ["La fin de l'instruction doit suivre son début."]
    assert Wave.objects.count() == 1


@pytest.mark.django_db
def test_wave_edit_shows_and_keeps_paris_times(client, instruction_user, wave_11):
    url = reverse("label:wave_update", kwargs={"pk": wave_11.pk})
    login(client, instruction_user)

    page = _text(client.get(url))
    response = client.post(
        url,
        _wave_data(
            number="11",
            year="2026",
            title="Vague 11 (modifiée)",
            opens_at="2026-03-11T09:00",
            closes_at="2026-06-07T18:00",
            ceremony_on="2026-11-20",
        ),
    )

    assert 'value="2026-03-11T09:00"' in page
    assert 'value="2026-05-31T23:59"' in page
    assert response.status_code == 302
    wave_11.refresh_from_db()
    assert wave_11.title == "Vague 11 (modifiée)"
    assert wave_11.closes_at == datetime(2026, 6, 7, 18, 0, tzinfo=PARIS)


@pytest.mark.django_db
def test_wave_number_is_frozen_once_references_exist(client, instruction_user, wave_11):
    application = ApplicationFactory(wave=wave_11)
    type(application).objects.filter(pk=application.pk).update(reference="EL11-0001")
    url = reverse("label:wave_update", kwargs={"pk": wave_11.pk})

    login(client, instruction_user).post(
        url,
        _wave_data(
            number="99",
            year="2026",
            opens_at="2026-03-11T09:00",
            closes_at="2026-05-31T23:59",
            ceremony_on="2026-11-20",
        ),
    )

    wave_11.refresh_from_db()
    assert wave_11.number == 11


@pytest.mark.django_db
def test_wave_dates_are_paris_time_whatever_the_server_zone(
    client, instruction_user, wave_11, settings
):
    settings.TIME_ZONE = "UTC"

    login(client, instruction_user).post(reverse("label:wave_create"), _wave_data())

    wave = Wave.objects.get(number=12)
    assert wave.opens_at == datetime(2027, 3, 10, 9, 0, tzinfo=PARIS)


@pytest.mark.django_db
def test_wave_created_from_the_page_gets_the_default_grid(client, instruction_user, wave_11):
    login(client, instruction_user).post(reverse("label:wave_create"), _wave_data())

    wave = Wave.objects.get(number=12)
    assert wave.criteria.filter(group="A").count() == 5
    assert set(wave.criteria.values_list("group", flat=True)) == {"A", "B", "C", "D"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["wave_list", "wave_create", "wave_update"])
def test_wave_pages_have_one_h1_labels_and_no_inline_style(client, instruction_user, wave_11, name):
    kwargs = {"pk": wave_11.pk} if name == "wave_update" else {}

    content = _text(login(client, instruction_user).get(reverse(f"label:{name}", kwargs=kwargs)))

    assert content.count("<h1") == 1
    assert " style=" not in content
    if name != "wave_list":
        assert 'for="id_opens_at"' in content
