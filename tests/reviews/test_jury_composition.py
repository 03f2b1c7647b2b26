"""The jury of a wave as staff compose it (issue 11, defect 8): the page, its rules, its
refusals, and the sittings that convene it by default."""

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from label.enums import Role
from reviews.jury.composition import (
    jury_composition,
    jury_composition_defaults,
    jury_composition_set,
)
from reviews.models import JuryMember
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.jury import jury_member

pytestmark = pytest.mark.django_db


def _text(response):
    return html.unescape(response.content.decode())


def _url(wave):
    return reverse("reviews:jury_composition", kwargs={"wave_pk": wave.pk})


@pytest.fixture
def staff(roles):
    return UserFactory(roles=[Role.INSTRUCTION], full_name="Inès Instruction")


@pytest.fixture
def members(roles):
    return [
        jury_member(full_name="Anne Présidente"),
        jury_member(full_name="Bruno Juré"),
        jury_member(full_name="Chloé Jurée"),
    ]


def test_staff_compose_the_jury_and_choose_its_president(client, staff, wave, members):
    anne, bruno, chloe = members
    login(client, staff)

    page = _text(client.get(_url(wave)))
    response = client.post(_url(wave), {"members": [anne.pk, bruno.pk], "president": anne.pk})

    assert "Aucun membre n'est encore désigné" in page
    assert "Chloé Jurée" in page  # every account with the jury role is offered
    assert response.status_code == 302
    composition = jury_composition(wave)
    assert [(m.user, m.president) for m in composition] == [(anne, True), (bruno, False)]
    page = _text(client.get(_url(wave)))
    assert "Anne Présidente — <strong>présidence</strong>" in page


def test_changing_the_composition_keeps_one_president(staff, wave, members):
    anne, bruno, chloe = members
    jury_composition_set(wave=wave, by=staff, members=[anne, bruno], president=anne)

    jury_composition_set(wave=wave, by=staff, members=[bruno, chloe], president=chloe)

    assert {(m.user, m.president) for m in jury_composition(wave)} == {
        (bruno, False),
        (chloe, True),
    }
    jury_composition_set(wave=wave, by=staff, members=[bruno, chloe])
    assert not JuryMember.objects.filter(wave=wave, president=True).exists()


def test_the_president_must_be_a_member(client, staff, wave, members):
    anne, bruno, _chloe = members
    login(client, staff)

    response = client.post(_url(wave), {"members": [bruno.pk], "president": anne.pk})

    assert response.status_code == 400
    assert "Cochez aussi le président" in _text(response)
    assert not JuryMember.objects.exists()
    with pytest.raises(ValidationError):
        jury_composition_set(wave=wave, by=staff, members=[bruno], president=anne)


def test_only_accounts_with_the_jury_role_may_sit(client, staff, wave, members, reviewer):
    login(client, staff)

    response = client.post(_url(wave), {"members": [members[0].pk, reviewer.pk]})

    assert response.status_code == 400
    assert not JuryMember.objects.exists()
    with pytest.raises(ValidationError):
        jury_composition_set(wave=wave, by=staff, members=[reviewer])


def test_only_staff_may_compose_the_jury(wave, members):
    with pytest.raises(PermissionDenied):
        jury_composition_set(wave=wave, by=members[0], members=members)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.JURY])
def test_the_page_is_refused_to_other_roles(client, roles, wave, members, role):
    login(client, UserFactory(roles=[role]))

    get = client.get(_url(wave))
    post = client.post(_url(wave), {"members": [m.pk for m in members]})

    assert (get.status_code, post.status_code) == (403, 403)
    assert not JuryMember.objects.exists()


def test_the_page_sends_visitors_to_login(client, wave):
    response = client.get(_url(wave))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_sitting_convenes_the_composition_by_default(client, staff, wave, members):
    anne, bruno, chloe = members
    jury_composition_set(wave=wave, by=staff, members=[anne, chloe], president=chloe)
    login(client, staff)

    response = client.get(reverse("reviews:jury_session_open", args=[wave.pk]))

    form = response.context["form"]
    assert set(form.initial["members_convened"]) == {anne, chloe}
    assert form.initial["president"] == chloe
    page = response.content.decode()
    # The boxes of the composition are ticked, the others not.
    for user, ticked in ((anne, True), (bruno, False), (chloe, True)):
        box = page[page.index(f'value="{user.pk}"', page.index('name="members_convened"')) :]
        assert ("checked" in box[: box.index(">")]) is ticked


def test_a_deactivated_member_is_not_convened(staff, wave, members):
    anne, bruno, _chloe = members
    jury_composition_set(wave=wave, by=staff, members=[anne, bruno], president=anne)
    anne.is_active = False
    anne.save()

    defaults = jury_composition_defaults(wave)

    assert defaults == {"members_convened": [bruno], "president": None}


def test_a_sitting_recorded_afterwards_starts_from_the_composition(client, staff, wave, members):
    anne, bruno, _chloe = members
    jury_composition_set(wave=wave, by=staff, members=[anne, bruno], president=anne)
    login(client, staff)

    response = client.get(reverse("reviews:jury_session_create", args=[wave.pk]))

    assert set(response.context["form"].initial["members_present"]) == {anne, bruno}
