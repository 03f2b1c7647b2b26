"""After login each role lands where its work is; `next` wins (issue 11, defect 10)."""

import pytest
from django.urls import reverse

from accounts import otp
from label.enums import Role
from tests.accounts.test_otp import enrolled, password_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANDINGS = [
    ([Role.APPLICANT], "/mon-espace/"),
    ([Role.APPLICANT, Role.INSTRUCTION], "/instruction/"),
    ([Role.APPLICANT, Role.REVIEWER], "/evaluations/"),
    ([Role.APPLICANT, Role.JURY], "/jury/"),
]


@pytest.mark.parametrize(("role_list", "landing"), LANDINGS)
def test_login_lands_on_the_page_of_the_role(client, roles, role_list, landing):
    user = UserFactory(roles=role_list)
    secret = enrolled(user)

    response = password_login(client, user)
    verified = client.post(reverse("accounts:otp_verify"), {"code": otp.totp(secret)})

    # Staff and jury pass the second factor first; the page behind it is still their landing.
    assert response["Location"] == landing
    assert verified["Location"] == landing
    assert client.get(landing).status_code == 200


def test_next_wins_over_the_landing(client, roles):
    user = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])
    enrolled(user)

    response = password_login(client, user, next="/comptes/profil/")

    assert response["Location"] == "/comptes/profil/"
