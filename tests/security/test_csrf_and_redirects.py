"""Forms posted without their CSRF token are refused with nothing changed, and no `next=`
sends a visitor off the site after login, logout, a language change or the second factor."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import otp
from applications.enums import ApplicationState as S
from label.models import User
from tests.conftest import DEMO_PASSWORD, login
from tests.privacy.test_privacy import application_in
from tests.security.conftest import fingerprint

pytestmark = pytest.mark.django_db


def _views(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api":
                # The read-only JSON API: GET only, no session-changing method.
                continue
            yield from _views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_view_is_exempt_from_csrf_checks():
    exempt = [
        route
        for route, view in _views(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False)
    ]

    assert exempt == []


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_accepts_no_writing_method(client, db, method):
    assert client.get("/api/projects").status_code == 200

    response = getattr(client, method)("/api/projects", {"name": "x"})

    assert response.status_code == 405


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def _post_without_token(client, url, data):
    before = fingerprint()
    users = list(User.objects.order_by("pk").values_list("pk", "email", "is_active", "password"))
    response = client.post(url, data)
    assert response.status_code == 403, url
    assert fingerprint() == before, url
    assert (
        list(User.objects.order_by("pk").values_list("pk", "email", "is_active", "password"))
        == users
    )
    return response


def test_anonymous_forms_refuse_a_post_without_token(csrf_client, applicant):
    forms = [
        (reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}),
        (
            reverse("accounts:signup"),
            {
                "full_name": "Csrf",
                "email": "csrf@example.org",
                "password1": "un-mot-de-passe-solide-2026",
                "password2": "un-mot-de-passe-solide-2026",
            },
        ),
        (reverse("accounts:password_reset"), {"email": applicant.email}),
        (reverse("applications:call"), {"email": "csrf@example.org", "message": "x"}),
        (reverse("set_language"), {"language": "en", "next": "/"}),
    ]

    for url, data in forms:
        _post_without_token(csrf_client, url, data)
    assert "_auth_user_id" not in csrf_client.session


def test_applicant_forms_refuse_a_post_without_token(csrf_client, applicant, open_wave):
    draft = application_in(S.DRAFT, owner=applicant, wave=open_wave)
    filed = application_in(S.SUBMITTED, owner=applicant, wave=open_wave)
    login(csrf_client, applicant)
    forms = [
        (
            reverse("applications:dossier", kwargs={"pk": draft.pk, "section": "projet"}),
            {"title": "X"},
        ),
        (
            reverse("applications:dossier_autosave", kwargs={"pk": draft.pk, "section": "projet"}),
            {"title": "X"},
        ),
        (reverse("applications:submit", kwargs={"pk": draft.pk}), {"confirm": "on"}),
        (reverse("applications:withdraw", kwargs={"pk": filed.pk}), {"confirm": "on"}),
        (reverse("applications:detail", kwargs={"pk": filed.pk}), {"body": "Bonjour"}),
        (reverse("applications:start"), {}),
        (reverse("accounts:profile"), {"full_name": "Autre nom"}),
        (reverse("privacy:delete"), {"password": DEMO_PASSWORD, "confirm": "on"}),
        (reverse("accounts:otp_setup"), {"code": "123456"}),
        (reverse("accounts:logout"), {}),
    ]

    for url, data in forms:
        _post_without_token(csrf_client, url, data)
    assert csrf_client.get(reverse("accounts:profile")).status_code == 200


def test_staff_forms_refuse_a_post_without_token(
    csrf_client, instruction_user, applicant, open_wave
):
    filed = application_in(S.SUBMITTED, owner=applicant, wave=open_wave)
    login(csrf_client, instruction_user)
    forms = [
        (reverse("applications:instruction_note", kwargs={"pk": filed.pk}), {"note-body": "Note"}),
        (
            reverse("applications:instruction_declare_ineligible", kwargs={"pk": filed.pk}),
            {"declare_ineligible-motivation": "Non"},
        ),
        (
            reverse("applications:instruction_message", kwargs={"pk": filed.pk}),
            {"message-body": "Bonjour"},
        ),
        (reverse("label:wave_create"), {"number": 12, "year": 2027, "title": "Vague 12"}),
    ]

    for url, data in forms:
        _post_without_token(csrf_client, url, data)


def test_a_post_with_the_token_goes_through(csrf_client, applicant):
    """The refusals above are the CSRF check's, not some other failure."""
    login(csrf_client, applicant)
    csrf_client.get(reverse("accounts:profile"))
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value

    response = csrf_client.post(
        reverse("accounts:profile"), {"full_name": "Nom changé", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert User.objects.get(pk=applicant.pk).full_name == "Nom changé"


# --- Open redirects ----------------------------------------------------------------------------

OFFSITE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    " https://evil.example",
    "javascript:alert(1)",
    "https://testserver@evil.example/",
]


def _offsite(location):
    return "evil.example" in location or location.lower().startswith("javascript")


@pytest.mark.parametrize("target", OFFSITE)
def test_login_never_redirects_off_site(client, applicant, target):
    response = client.post(
        reverse("accounts:login") + "?next=" + target,
        {"username": applicant.email, "password": DEMO_PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:applicant_home")


@pytest.mark.parametrize("target", OFFSITE)
def test_login_page_of_a_logged_in_visitor_never_redirects_off_site(client, applicant, target):
    login(client, applicant)

    response = client.get(reverse("accounts:login"), {"next": target})

    assert not _offsite(response.get("Location", ""))


@pytest.mark.parametrize("target", OFFSITE)
def test_logout_never_redirects_off_site(client, applicant, target):
    login(client, applicant)

    response = client.post(reverse("accounts:logout") + "?next=" + target, {"next": target})

    assert response.status_code == 302
    assert not _offsite(response["Location"])
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", OFFSITE)
def test_language_switch_never_redirects_off_site(client, db, target):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": target}, HTTP_REFERER=target
    )

    assert response.status_code == 302
    assert not _offsite(response["Location"])


@pytest.mark.parametrize("target", OFFSITE)
def test_second_factor_never_redirects_off_site(client, applicant, target):
    secret = otp.random_secret()
    otp.device_enrol(user=applicant, secret=secret)
    client.post(reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD})

    response = client.post(
        reverse("accounts:otp_verify"), {"code": otp.totp(secret), "next": target}
    )

    assert response.status_code == 302
    assert not _offsite(response["Location"])
    assert client.session[otp.SESSION_VERIFIED_KEY] is True


def test_a_local_next_is_still_followed(client, applicant):
    response = client.post(
        reverse("accounts:login"),
        {"username": applicant.email, "password": DEMO_PASSWORD, "next": "/mon-espace/"},
    )

    assert response["Location"] == "/mon-espace/"
