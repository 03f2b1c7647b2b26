"""A communes question staff add to a wave's form is asked with the dossier's commune picker,
in the applicant's editor and in the builder's preview, beside the portal's own one."""

import html
import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application
from callforms import services
from callforms.declaration import form_for
from callforms.enums import QuestionKind
from callforms.models import CallForm, Section
from label.models import Commune
from tests.conftest import login
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

KEY = "communes_impact"
LABEL = "Communes où le projet a un impact"
LENS, LIEVIN = "62498", "62510"


def text(response):
    return html.unescape(response.content.decode())


def duplicate_ids(page):
    counts = Counter(re.findall(r'\sid="([^"]+)"', page))
    return sorted(name for name, count in counts.items() if count > 1)


@pytest.fixture
def wave(open_wave):
    """The open wave, whose « projet » section (with the portal's communes question) gets a
    communes question of its own."""
    form_for(open_wave)
    section = Section.objects.get(form__wave=open_wave, key="projet")
    question = services.question_create(
        section=section,
        version=CallForm.objects.get(wave=open_wave).version,
        user=None,
        key=KEY,
        kind=QuestionKind.COMMUNES,
        label=LABEL,
        help_text="Au-delà du lieu du projet.",
        required=True,
    )
    assert question.key == KEY
    return open_wave


@pytest.fixture
def draft(applicant, wave):
    return ApplicationFactory(owner=applicant, wave=wave)


@pytest.fixture
def client_in(client, applicant):
    return login(client, applicant)


def section_url(application):
    return reverse("applications:dossier", kwargs={"pk": application.pk, "section": "projet"})


def project_data(**overrides):
    return {"title": "Jardins partagés", "communes": [], "action": "save", **overrides}


def test_the_editor_draws_a_picker_for_the_added_question_with_ids_of_its_own(client_in, draft):
    page = text(client_in.get(section_url(draft)))

    assert page.count("data-commune-picker") == 2
    assert duplicate_ids(page) == []
    assert page.count("data-commune-locator") == 2
    # The portal's own picker keeps its ids and its « tout le territoire » box...
    assert 'id="commune-filter"' in page
    assert 'id="communes-fieldset"' in page
    assert page.count('name="territory_wide"') == 1
    # ...the added one has its own, posts INSEE codes, and has no such box.
    assert f'id="{KEY}-fieldset"' in page
    assert f'id="{KEY}-commune-filter"' in page
    assert f'aria-controls="{KEY}-commune-list"' in page
    assert f'aria-describedby="{KEY}-commune-filter-help {KEY}-commune-filter-count"' in page
    assert f'<legend class="fs-6 fw-semibold">{LABEL}</legend>' in page
    assert f'aria-describedby="{KEY}-help"' in page
    assert f'name="{KEY}" value="{LENS}" id="id_{KEY}_{LENS}"' in page
    assert f'<label class="form-check-label" for="id_{KEY}_{LENS}">Lens' in page
    assert page.count(f'name="{KEY}"') == 150
    assert '<script src="/static/js/commune-picker.js"></script>' in page


def test_ticks_in_the_added_picker_are_saved_as_insee_codes(client_in, draft):
    lens = Commune.objects.get(insee_code=LENS)

    response = client_in.post(
        section_url(draft), project_data(communes=[lens.pk], **{KEY: [LENS, LIEVIN]})
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers[KEY] == [LENS, LIEVIN]
    assert list(draft.communes.all()) == [lens]
    page = text(client_in.get(section_url(draft)))
    assert f'value="{LENS}" id="id_{KEY}_{LENS}" checked' in page
    assert f'value="{LIEVIN}" id="id_{KEY}_{LIEVIN}" checked' in page
    assert f'value="{lens.pk}" id="id_communes_{lens.pk}" checked' in page
    assert "locator-lit" in page


def test_a_code_outside_the_territory_is_refused_next_to_the_added_picker(client_in, draft):
    response = client_in.post(section_url(draft), project_data(**{KEY: [LENS, "99999"]}))

    page = text(response)
    draft.refresh_from_db()
    assert KEY not in (draft.answers or {})
    assert f'<div class="invalid-feedback d-block" id="{KEY}-error">' in page
    assert f'aria-describedby="{KEY}-help {KEY}-error"' in page
    # The summary at the top leads to the picker, not to a box.
    assert f'href="#{KEY}-fieldset"' in page
    assert f'value="{LENS}" id="id_{KEY}_{LENS}" checked aria-invalid="true"' in page
    assert 'id="communes-error"' not in page
    assert duplicate_ids(page) == []


def test_the_preview_draws_the_added_question_with_the_picker(instruction_user, wave):
    staff = login(Client(), instruction_user)
    preview = reverse("callforms:form_preview", args=[wave.number])

    page = text(staff.get(preview))

    assert page.count("data-commune-picker") == 2
    assert duplicate_ids(page) == []
    assert f'id="{KEY}-commune-filter"' in page
    assert f'name="{KEY}" value="{LENS}" id="id_{KEY}_{LENS}"' in page
    assert page.count('name="territory_wide"') == 1
    # As the preview's other questions, the picker says the question must be answered.
    assert f'{LABEL} <span class="fw-normal">(obligatoire)</span></legend>' in page

    applications = Application.objects.count()
    page = text(staff.post(preview, {KEY: [LIEVIN]}))
    assert f'value="{LIEVIN}" id="id_{KEY}_{LIEVIN}" checked' in page
    assert f'id="{KEY}-error"' not in page
    page = text(staff.post(preview, {KEY: ["99999"]}))
    assert f'id="{KEY}-error"' in page
    assert f'<a href="#{KEY}-fieldset">{LABEL} : ' in page
    assert duplicate_ids(page) == []
    assert Application.objects.count() == applications
