"""Issue 17, finding 2: a staff role is held only in a session that passed the second factor.

Every route that takes an id (the list of tests/security/test_idor.py, read from the URL
configuration) and the staff export are aimed, with the victim's ids, by instruction and
jury accounts that logged in with their password alone: one never enrolled, one whose device
awaits its code. Nothing may be shown or changed, whatever the URL's prefix; the same accounts
read the same pages once their session passed the second factor.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import otp
from applications.models import Attachment
from label.enums import Role
from label.rules import is_instruction, is_jury_member
from tests.applications.test_exports import export as download_export
from tests.conftest import login
from tests.factories import UserFactory
from tests.security.conftest import SECRET, fingerprint
from tests.security.test_idor import HARMFUL_POST, ROUTES, _file_for, _object_for

pytestmark = pytest.mark.django_db

UNVERIFIED = ("instruction_not_enrolled", "instruction_pending", "jury_not_enrolled")


def _with_confirmed_device(user):
    otp.device_enrol(user=user, secret=otp.random_secret())
    return user


@pytest.fixture
def staff_accounts(world):
    return {
        "instruction_not_enrolled": UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION]),
        "instruction_pending": _with_confirmed_device(
            UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])
        ),
        "jury_not_enrolled": UserFactory(
            roles=[Role.APPLICANT, Role.JURY], organisation="Conseil de développement"
        ),
    }


@pytest.fixture
def password_only_clients(staff_accounts):
    clients = {}
    for role in UNVERIFIED:
        client = Client()
        login(client, staff_accounts[role], otp_verified=False)
        clients[role] = client
    return clients


def _refused(response):
    if response.status_code in (403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(
        (reverse("accounts:otp_setup"), reverse("accounts:otp_verify"))
    )


def _body(response):
    # Reading a streamed file to its end lets the test client close it as a server does.
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("namespace", "name", "route", "parameters"),
    ROUTES,
    ids=[f"{namespace}:{name}" for namespace, name, _route, _params in ROUTES],
)
def test_a_password_only_staff_session_is_refused_on_every_route(
    world, password_only_clients, namespace, name, route, parameters
):
    view_name = f"{namespace}:{name}"
    before = fingerprint()

    for application in _file_for(view_name, route, world):
        kwargs = {
            parameter: _object_for(view_name, parameter, application, world)
            for parameter in parameters
        }
        url = reverse(view_name, kwargs=kwargs)
        for role, client in password_only_clients.items():
            for method in ("get", "post"):
                response = client.get(url) if method == "get" else client.post(url, HARMFUL_POST)
                where = (url, role, method, response.status_code)
                assert _refused(response), where
                assert SECRET.encode() not in _body(response), where

    assert fingerprint() == before


def test_a_password_only_instruction_session_gets_no_export(world, password_only_clients):
    for role in ("instruction_not_enrolled", "instruction_pending"):
        response = password_only_clients[role].get(reverse("applications:instruction_export"))

        assert _refused(response), (role, response.status_code)
        assert SECRET.encode() not in _body(response)


def test_the_same_accounts_read_the_documents_once_verified(world, staff_accounts):
    """The control: with the second factor passed, the refusals above become the documents."""
    client = login(Client(), staff_accounts["instruction_not_enrolled"])
    filed = world.files["filed"]
    attachment = Attachment.objects.filter(application=filed).first()

    download = client.get(
        reverse(
            "applications:attachment_download",
            kwargs={"pk": filed.pk, "attachment_pk": attachment.pk},
        )
    )
    receipt = client.get(reverse("applications:receipt", kwargs={"pk": filed.pk}))
    # The export is written in the background; its file is downloaded from the job's page.
    export = download_export(client)

    assert download.status_code == 200 and _body(download).startswith(b"%PDF")
    assert receipt.status_code == 200 and _body(receipt).startswith(b"%PDF")
    assert SECRET.encode() in export.content_bytes
    unverified = Client()
    login(unverified, staff_accounts["instruction_not_enrolled"], otp_verified=False)
    refused = unverified.get(
        reverse(
            "applications:attachment_download",
            kwargs={"pk": filed.pk, "attachment_pk": attachment.pk},
        )
    )
    assert refused.status_code in (403, 404) and not _body(refused).startswith(b"%PDF")


def test_accounts_outside_a_session_keep_their_roles(staff_accounts):
    """A task, a command or a question about another person reads the groups: the account
    object carries no session flag. The request's account does, and it decides."""
    member = staff_accounts["jury_not_enrolled"]
    staff = staff_accounts["instruction_not_enrolled"]

    assert is_jury_member(member) and is_instruction(staff)
    staff.otp_verified = False
    assert not is_instruction(staff)
    assert not staff.has_perm("label.access_instruction_area")
    staff.otp_verified = True
    assert is_instruction(staff)
