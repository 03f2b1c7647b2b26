"""Roles: the predicates of label.rules, the role groups, and the staff areas' refusals."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from label.enums import Role
from label.rules import is_applicant, is_instruction, is_jury_member, is_reviewer
from label.services import role_groups_ensure, user_grant_role
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PREDICATES = {
    "applicant": is_applicant,
    "instruction": is_instruction,
    "reviewer": is_reviewer,
    "jury": is_jury_member,
}

# Which predicates hold for each fixture: every account is an applicant too.
EXPECTED = {
    "applicant": {"applicant"},
    "instruction_user": {"applicant", "instruction"},
    "reviewer": {"applicant", "reviewer"},
    "jury_member": {"applicant", "jury"},
}

# Each staff area, the fixtures that may enter, and the heading only its page shows. The
# instruction team sees everything of the waves, the jury's area included (DESIGN.md §4).
STAFF_AREAS = [
    ("applications:instruction_home", {"instruction_user"}, "Instruction des candidatures"),
    ("reviews:reviewer_home", {"reviewer"}, "Mes évaluations"),
    ("reviews:jury_home", {"jury_member", "instruction_user"}, "Espace du jury"),
]
ACCOUNTS = list(EXPECTED)
ADMISSIONS = [
    (url_name, heading, account)
    for url_name, allowed, heading in STAFF_AREAS
    for account in sorted(allowed)
]
REFUSALS = [
    (url_name, heading, account)
    for url_name, allowed, heading in STAFF_AREAS
    for account in ACCOUNTS
    if account not in allowed
]
AREA_ROLES = {
    "applications:instruction_home": Role.INSTRUCTION,
    "reviews:reviewer_home": Role.REVIEWER,
    "reviews:jury_home": Role.JURY,
}


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("predicate", list(PREDICATES))
def test_role_predicate_matches_the_account_groups(request, account, predicate):
    user = request.getfixturevalue(account)
    assert PREDICATES[predicate](user) is (predicate in EXPECTED[account])


@pytest.mark.parametrize("predicate", list(PREDICATES))
def test_role_predicates_are_false_for_anonymous_visitors(predicate):
    assert PREDICATES[predicate](AnonymousUser()) is False
    assert PREDICATES[predicate](None) is False


@pytest.mark.parametrize("predicate", list(PREDICATES))
def test_role_predicates_are_false_for_inactive_accounts(roles, predicate):
    user = UserFactory(roles=list(Role), is_active=False)
    assert PREDICATES[predicate](user) is False


def test_granting_a_role_is_seen_by_the_predicate_at_once(applicant):
    assert is_instruction(applicant) is False
    user_grant_role(user=applicant, role=Role.INSTRUCTION)
    assert is_instruction(applicant) is True


def test_role_groups_ensure_is_idempotent_and_gives_instruction_admin_read_rights(db):
    role_groups_ensure()
    role_groups_ensure()

    assert set(Group.objects.values_list("name", flat=True)) == {role.value for role in Role}
    instruction = Group.objects.get(name=Role.INSTRUCTION)
    assert set(instruction.permissions.values_list("codename", flat=True)) >= {
        "view_outboxmail",
        "view_commune",
    }


@pytest.mark.parametrize(("url_name", "heading", "account"), ADMISSIONS)
def test_staff_area_opens_for_its_roles(client, request, url_name, heading, account):
    login(client, request.getfixturevalue(account))

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.parametrize(("url_name", "heading", "account"), REFUSALS)
def test_staff_area_refuses_other_roles_with_french_403_and_no_data(
    client, request, url_name, heading, account
):
    login(client, request.getfixturevalue(account))

    response = client.get(reverse(url_name))

    assert response.status_code == 403
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "<h1>Accès refusé</h1>" in content
    assert heading not in content


@pytest.mark.parametrize(("url_name", "allowed", "heading"), STAFF_AREAS)
def test_staff_area_redirects_anonymous_visitors_to_login(client, url_name, allowed, heading):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize(("url_name", "allowed", "heading"), STAFF_AREAS)
def test_staff_area_refuses_inactive_account_of_its_role(client, roles, url_name, allowed, heading):
    user = UserFactory(roles=[Role.APPLICANT, AREA_ROLES[url_name]], is_active=False)
    login(client, user)

    response = client.get(reverse(url_name))

    # An inactive account has no session at all: it is sent to the login page.
    assert response.status_code == 302
    assert heading not in response.content.decode()


@pytest.mark.parametrize(
    ("account", "links"),
    [
        ("applicant", {"Mon espace"}),
        # Staff, reviewers and jury see their work, not the applicant's space (issue 11).
        ("instruction_user", {"Instruction"}),
        ("reviewer", {"Évaluations"}),
        ("jury_member", {"Jury"}),
    ],
)
def test_navigation_shows_the_areas_of_the_account_roles_only(client, request, account, links):
    login(client, request.getfixturevalue(account))

    content = client.get(reverse("label:home")).content.decode()

    area_links = {
        "Mon espace": reverse("applications:applicant_home"),
        "Instruction": reverse("applications:instruction_home"),
        "Évaluations": reverse("reviews:reviewer_home"),
        "Jury": reverse("reviews:jury_home"),
    }
    shown = {label for label, url in area_links.items() if f'href="{url}"' in content}
    assert shown == links
