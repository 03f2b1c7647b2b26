"""The eligibility checklist of a wave (issue 11, defect 8): the default on a new wave, the
staff page that edits it until the wave's first eligibility decision, and the instruction
that follows it."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import workflow
from applications.conditions import eligibility_checklist_items, has_filled_eligibility_checklist
from label.enums import Role
from label.services import wave_eligibility_checklist_save
from label.wave_texts import DEFAULT_ELIGIBILITY_CHECKLIST, checklist_from_lines
from tests.conftest import login
from tests.factories import ApplicationFactory, UserFactory, WaveFactory

pytestmark = pytest.mark.django_db

DEFAULT_LABELS = [label for _code, label in DEFAULT_ELIGIBILITY_CHECKLIST]


def _text(response):
    return html.unescape(response.content.decode())


def _url(wave):
    return reverse("label:wave_eligibility", kwargs={"pk": wave.pk})


@pytest.fixture
def staff(roles):
    return UserFactory(roles=[Role.INSTRUCTION])


def _filed(wave, applicant):
    application = ApplicationFactory(complete=True, owner=applicant, wave=wave)
    return workflow.application_submit(application=application, by=applicant)


def test_a_new_wave_starts_with_the_default_checklist(open_wave):
    assert open_wave.eligibility_checklist_items() == [
        tuple(item) for item in DEFAULT_ELIGIBILITY_CHECKLIST
    ]


def test_the_instruction_follows_the_checklist_of_the_files_wave(open_wave, applicant):
    open_wave.eligibility_checklist = [["zone", "Sur le territoire"], ["budget", "Budget"]]
    open_wave.save()
    application = ApplicationFactory(owner=applicant, wave=open_wave)

    assert eligibility_checklist_items(application) == [
        ("zone", "Sur le territoire"),
        ("budget", "Budget"),
    ]
    application.eligibility_checklist = {"zone": True}
    assert not has_filled_eligibility_checklist(application)
    application.eligibility_checklist = {"zone": True, "budget": False}
    assert has_filled_eligibility_checklist(application)


def test_lines_keep_the_codes_of_unchanged_items_and_make_unique_new_ones():
    previous = [("territory", "Sur le territoire"), ("budget", "Un budget")]

    items = checklist_from_lines(
        "Sur le territoire\n\n  Un   porteur identifié \nUn porteur identifié!", previous
    )

    assert items == [
        ["territory", "Sur le territoire"],
        ["un-porteur-identifie", "Un porteur identifié"],
        ["un-porteur-identifie-2", "Un porteur identifié!"],
    ]


def test_staff_edit_the_checklist_and_the_declaration_form_follows_it(
    client, staff, open_wave, applicant
):
    login(client, staff)
    lines = "\n".join([DEFAULT_LABELS[0], "Le projet respecte la charte Euralens"])

    response = client.post(_url(open_wave), {"lines": lines})

    assert response.status_code == 302
    open_wave.refresh_from_db()
    assert open_wave.eligibility_checklist == [
        ["territory", DEFAULT_LABELS[0]],
        ["le-projet-respecte-la-charte-euralens", "Le projet respecte la charte Euralens"],
    ]
    application = _filed(open_wave, applicant)
    page = _text(
        client.get(
            reverse("applications:instruction_declare_eligible", kwargs={"pk": application.pk})
        )
    )
    assert "Le projet respecte la charte Euralens" in page
    assert DEFAULT_LABELS[1] not in page


def test_an_empty_or_too_long_checklist_is_refused(client, staff, open_wave):
    login(client, staff)

    empty = client.post(_url(open_wave), {"lines": " \n \n"})
    too_long = client.post(_url(open_wave), {"lines": "x" * 301})

    assert empty.status_code == too_long.status_code == 200
    assert "resume-erreurs" in _text(empty)
    assert "au plus 300 caractères" in _text(too_long)
    open_wave.refresh_from_db()
    assert [label for _c, label in open_wave.eligibility_checklist_items()] == DEFAULT_LABELS


def test_the_checklist_is_fixed_after_the_first_eligibility_decision(
    client, staff, open_wave, applicant
):
    application = _filed(open_wave, applicant)
    workflow.application_declare_ineligible(application=application, by=staff, motivation="Non.")
    login(client, staff)

    page = _text(client.get(_url(open_wave)))
    response = client.post(_url(open_wave), {"lines": "Autre critère"})

    assert "ne peut plus être modifiée" in page
    assert 'name="lines"' not in page
    assert response.status_code == 400
    open_wave.refresh_from_db()
    assert [label for _c, label in open_wave.eligibility_checklist_items()] == DEFAULT_LABELS
    with pytest.raises(ValidationError):
        wave_eligibility_checklist_save(wave=open_wave, items=[["x", "Autre"]])


def test_another_waves_decision_does_not_fix_this_one(staff, open_wave, applicant):
    other = WaveFactory(number=open_wave.number + 1)
    application = _filed(other, applicant)
    workflow.application_declare_ineligible(application=application, by=staff, motivation="Non.")

    assert other.eligibility_checklist_locked
    assert not open_wave.eligibility_checklist_locked


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.JURY])
def test_the_page_is_refused_to_other_roles(client, roles, open_wave, role):
    login(client, UserFactory(roles=[role]))

    get = client.get(_url(open_wave))
    post = client.post(_url(open_wave), {"lines": "Piraté"})

    assert (get.status_code, post.status_code) == (403, 403)
    open_wave.refresh_from_db()
    assert [label for _c, label in open_wave.eligibility_checklist_items()] == DEFAULT_LABELS
