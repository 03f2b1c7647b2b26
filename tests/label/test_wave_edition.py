"""A wave's edition name and signatory, including the signature picture, on the wave form."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.conftest import login
from tests.factories import WaveFactory

PARIS = ZoneInfo("Europe/Paris")


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (90, 30), "black").save(buffer, format="PNG")
    return buffer.getvalue()


def _data(**overrides):
    data = {
        "number": "11",
        "year": "2027",
        "title": "Label Euralens — vague 11",
        "edition_name": "Label Euralens 2027",
        "opens_at": "2027-03-10T09:00",
        "closes_at": "2027-05-31T23:59",
        "ceremony_on": "2027-11-20",
        "signatory_name": "Claire Dupont",
        "signatory_title": "Présidente",
    }
    data.update(overrides)
    return data


@pytest.fixture
def wave(db):
    return WaveFactory(
        number=11,
        year=2027,
        opens_at=datetime(2027, 3, 10, 9, 0, tzinfo=PARIS),
        closes_at=datetime(2027, 5, 31, 23, 59, tzinfo=PARIS),
    )


def test_wave_edition_defaults_to_label_euralens_and_the_year(wave):
    assert wave.edition == "Label Euralens 2027"
    wave.edition_name = "Label Euralens — édition spéciale"
    assert wave.edition == "Label Euralens — édition spéciale"


@pytest.mark.django_db
def test_wave_form_stores_edition_signatory_and_signature_picture(client, instruction_user, wave):
    url = reverse("label:wave_update", kwargs={"pk": wave.pk})
    login(client, instruction_user)
    page = client.get(url).content.decode()

    client.post(url, _data(signatory_image=SimpleUploadedFile("s.png", _png(), "image/png")))

    assert 'enctype="multipart/form-data"' in page
    assert 'for="id_signatory_image"' in page
    assert 'for="id_edition_name"' in page
    wave.refresh_from_db()
    assert wave.edition_name == "Label Euralens 2027"
    assert wave.signatory_name == "Claire Dupont"
    assert wave.signatory_image.name.startswith("vagues/signatures/")
    with wave.signatory_image.open("rb") as handle:
        assert handle.read() == _png()


@pytest.mark.django_db
def test_wave_form_refuses_a_signature_that_is_not_a_picture(client, instruction_user, wave):
    url = reverse("label:wave_update", kwargs={"pk": wave.pk})
    login(client, instruction_user)
    fake = SimpleUploadedFile("s.png", b"%PDF-1.7 not a picture", "image/png")

    response = client.post(url, _data(signatory_image=fake))

    wave.refresh_from_db()
    assert not wave.signatory_image
    assert wave.edition_name == ""
    assert "id_signatory_image" in response.content.decode()
    assert "image" in str(response.context["form"].errors["signatory_image"])
