"""The second factor in the browser: a TOTP enrolment and login through the pages, and a
passkey enrolment and login with Chromium's virtual authenticator (WebAuthn over CDP).

WebAuthn needs a secure context: the live server answers on http://localhost, which is one,
and the relying party id is its host name, ``localhost``.
"""

import re
import time

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from accounts import otp
from accounts.models import RecoveryCode, TOTPDevice
from label.enums import Role
from label.models import AuditAction, AuditEvent
from tests.factories import UserFactory

STAFF_PASSWORD = "motdepasse-solide-2026"  # noqa: S105 -- the factories' test password
TIMEOUT = 30_000


@pytest.fixture(autouse=True)
def _patient_expect():
    expect.set_options(timeout=TIMEOUT)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def passkey_origin(settings, live_server):
    """The live server's origin is the one a passkey may be used from."""
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


def field(page, name):
    return page.locator(f"main [name='{name}']")


def button(page, name):
    return page.locator("main").get_by_role("button", name=name)


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def password_login(page, user, next_path):
    page.goto(f"/comptes/connexion/?next={next_path}")
    field(page, "username").fill(user.email)
    field(page, "password").fill(STAFF_PASSWORD)
    click_and_wait(page, button(page, "Se connecter"))


def virtual_authenticator(page):
    """A platform authenticator with a fingerprint reader that always recognises its owner."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    answer = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, answer["authenticatorId"]


@pytest.mark.django_db(transaction=True)
def test_totp_enrolment_then_login_with_the_code(page, roles):
    user = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])
    page.set_default_timeout(TIMEOUT)

    password_login(page, user, "/instruction/")
    expect(page.locator("h1")).to_have_text("Activer la double authentification")
    secret = page.locator("code.otp-secret").inner_text().replace(" ", "")
    field(page, "code").fill(otp.totp(secret))
    click_and_wait(page, button(page, "Confirmer et activer"))

    codes = re.findall(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}", page.locator("main").inner_text())
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and otp.base32_secret(device) == secret
    assert len(set(codes)) == 10
    assert RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count() == 10

    page.context.clear_cookies()
    password_login(page, user, "/instruction/")
    expect(page.locator("h1")).to_have_text("Vérification en deux étapes")
    # The enrolment used the current step: the phone shows the next one 30 seconds later.
    field(page, "code").fill(otp.totp(secret, time.time() + 30))
    click_and_wait(page, button(page, "Vérifier"))

    expect(page).to_have_url(re.compile(r"/instruction/$"))
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.OTP_VERIFIED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_passkey_enrolment_then_login_with_the_virtual_authenticator(page, roles, passkey_origin):
    user = UserFactory(roles=[Role.APPLICANT, Role.JURY])
    page.set_default_timeout(TIMEOUT)
    cdp, authenticator = virtual_authenticator(page)

    password_login(page, user, "/jury/")
    expect(page.locator("h1")).to_have_text("Activer la double authentification")
    with page.expect_navigation(url=re.compile(r"/codes-de-secours/nouveaux/")):
        page.get_by_role("button", name=re.compile("Ajouter une clé d'accès")).click()
    # A first passkey turns the second factor on: ten recovery codes, shown once.
    expect(page.locator("h1")).to_have_text("Vos codes de secours")
    codes = re.findall(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}", page.locator("main").inner_text())
    assert len(set(codes)) == 10
    assert RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count() == 10
    click_and_wait(page, page.get_by_role("link", name="J'ai noté mes codes, continuer"))
    expect(page).to_have_url(re.compile(r"/jury/$"))

    credential = WebAuthnCredential.objects.get(user=user)
    assert credential.confirmed
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.OTP_ENABLED).exists()
    expect(page.locator("h1")).not_to_have_text("Activer la double authentification")

    page.context.clear_cookies()
    password_login(page, user, "/jury/")
    expect(page.locator("h1")).to_have_text("Vérification en deux étapes")
    with page.expect_navigation(url=re.compile(r"/jury/$")):
        page.get_by_role("button", name="Utiliser ma clé d'accès").click()

    credential.refresh_from_db()
    assert credential.last_used_at is not None
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.OTP_VERIFIED).count() == 1
    # The jury's pages answer: the session passed its second factor.
    expect(page.locator("h1")).not_to_have_text("Vérification en deux étapes")
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
