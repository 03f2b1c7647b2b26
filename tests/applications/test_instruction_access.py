"""Every URL of the instruction area against every role: staff only, nothing leaked."""

import pytest
from django.conf import settings
from django.urls import reverse

from applications.enums import ApplicationState as S
from applications.models import Application, Message, StaffNote
from label.models import OutboxMail
from tests.applications.test_instruction_dashboard import staff_application
from tests.conftest import login

SECRET_TITLE = "Projet confidentiel de Béthune"

# (URL name, takes the application's pk, method, POST data)
INSTRUCTION_URLS = [
    ("instruction_home", False, "get", None),
    ("instruction_export", False, "get", None),
    ("instruction_detail", True, "get", None),
    ("instruction_request_changes", True, "get", None),
    ("instruction_request_changes", True, "post", {"request_changes-message": "Complétez."}),
    ("instruction_declare_eligible", True, "get", None),
    (
        "instruction_declare_eligible",
        True,
        "post",
        {
            "declare_eligible-item_territory": "yes",
            "declare_eligible-item_holder": "yes",
            "declare_eligible-item_transition": "yes",
            "declare_eligible-item_budget": "yes",
        },
    ),
    ("instruction_declare_ineligible", True, "post", {"declare_ineligible-motivation": "Non."}),
    ("instruction_select_for_review", True, "post", {}),
    ("instruction_not_select", True, "post", {"not_select-motivation": "Non."}),
    ("instruction_reopen", True, "post", {"reopen-reason": "Oui."}),
    ("instruction_message", True, "post", {"message-body": "Bonjour."}),
    ("instruction_note", True, "post", {"note-body": "Note."}),
]
REFUSED_ACCOUNTS = ["applicant", "reviewer", "jury_member"]
URL_IDS = [f"{method}-{name}" for name, _pk, method, _data in INSTRUCTION_URLS]


@pytest.fixture
def secret(open_wave, applicant):
    """A submitted application owned by the `applicant` fixture (who is refused all the same)."""
    return staff_application(
        open_wave, number=1, title=SECRET_TITLE, owner=applicant, state=S.SUBMITTED
    )


def _url(name, with_pk, application):
    kwargs = {"pk": application.pk} if with_pk else {}
    return reverse(f"applications:{name}", kwargs=kwargs)


def _request(client, method, url, data):
    return client.post(url, data or {}) if method == "post" else client.get(url)


def _nothing_changed(application):
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert not Message.objects.exists()
    assert not StaffNote.objects.exists()
    assert not OutboxMail.objects.exists()


@pytest.mark.parametrize("account", REFUSED_ACCOUNTS)
@pytest.mark.parametrize(("name", "with_pk", "method", "data"), INSTRUCTION_URLS, ids=URL_IDS)
def test_instruction_urls_refuse_other_roles_with_the_french_403(
    request, client, secret, account, name, with_pk, method, data
):
    login(client, request.getfixturevalue(account))

    response = _request(client, method, _url(name, with_pk, secret), data)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html
    assert SECRET_TITLE not in html
    assert "EL11-0001" not in html
    _nothing_changed(secret)


@pytest.mark.parametrize(("name", "with_pk", "method", "data"), INSTRUCTION_URLS, ids=URL_IDS)
def test_instruction_urls_send_anonymous_visitors_to_the_login_page(
    client, secret, name, with_pk, method, data
):
    url = _url(name, with_pk, secret)

    response = _request(client, method, url, data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert SECRET_TITLE not in response.content.decode()
    _nothing_changed(secret)


@pytest.mark.parametrize("account", REFUSED_ACCOUNTS)
def test_a_missing_application_is_403_not_404_for_other_roles(request, client, account, secret):
    """Other accounts cannot even learn which application numbers exist."""
    login(client, request.getfixturevalue(account))
    missing = Application.objects.order_by("-pk").first().pk + 100

    response = client.get(reverse("applications:instruction_detail", kwargs={"pk": missing}))

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "with_pk", "method", "data"), INSTRUCTION_URLS, ids=URL_IDS)
def test_instruction_urls_open_to_the_instruction_team(
    client, instruction_user, secret, name, with_pk, method, data
):
    login(client, instruction_user)

    response = _request(client, method, _url(name, with_pk, secret), data)

    # A page (200), a file (200), a done move (302), or a move the state no longer allows
    # (409): never a refusal.
    assert response.status_code in {200, 302, 409}


def test_an_inactive_instruction_account_is_refused(client, instruction_user, secret):
    login(client, instruction_user)
    instruction_user.is_active = False
    instruction_user.save(update_fields=["is_active"])

    response = client.get(reverse("applications:instruction_detail", kwargs={"pk": secret.pk}))

    assert response.status_code in {302, 403}
    assert SECRET_TITLE not in response.content.decode()
