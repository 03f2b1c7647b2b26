"""The second factor on django-otp: TOTP devices (RFC 6238 vectors, drift, replay, throttling,
the key encrypted at rest), enrolment, login, recovery codes, the roles that must use it, and
the idle sessions."""

import base64
import re
import time
from datetime import timedelta

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import crypto, otp
from accounts.checks import check_otp_encryption_key
from accounts.models import RecoveryCode, TOTPDevice
from label.enums import Role
from label.models import AuditAction, AuditEvent
from tests.conftest import DEMO_PASSWORD, login
from tests.factories import UserFactory

# RFC 6238 appendix B and RFC 4226 appendix D use this ASCII secret.
RFC_SECRET = b"12345678901234567890"

pytestmark = pytest.mark.django_db


# --- The arithmetic, now django-otp's ------------------------------------------------------------


RFC_SECRET_BASE32 = base64.b32encode(RFC_SECRET).decode()


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_the_rfc_6238_vectors(unix_time, expected):
    # The six digits authenticator applications show are the last six of the RFC's eight.
    assert otp.totp(RFC_SECRET_BASE32, unix_time) == expected[-6:]


def _device(user=None, **fields):
    return TOTPDevice.objects.create(user=user or UserFactory(), name="app", **fields)


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)]
)
def test_a_device_accepts_one_step_of_drift_either_way(offset, accepted):
    device = _device()
    now = 1_700_000_015

    assert device.verify_token(otp.device_code(device, now + offset), at=now) is accepted

    device.refresh_from_db()
    assert (device.last_t == (now + offset) // 30) is accepted


def test_a_device_refuses_a_step_already_used():
    device = _device()
    now = 1_700_000_015
    code = otp.device_code(device, now)
    assert device.verify_token(code, at=now)

    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        assert not device.verify_token(code, at=now)
    # An older code, still inside the tolerance, is refused too once a newer one was used.
    with time_machine.travel(timezone.now() + timedelta(seconds=10), tick=False):
        assert not device.verify_token(otp.device_code(device, now - 30), at=now)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_a_device_refuses_malformed_codes(code):
    assert not _device().verify_token(code, at=1_700_000_000)


def test_wrong_codes_throttle_the_device_even_for_the_right_code():
    device = _device()
    now = time.time()
    wrong = f"{(int(otp.device_code(device, now)) + 500_000) % 1_000_000:06d}"
    with time_machine.travel(timezone.now(), tick=False):
        assert not device.verify_token(wrong, at=now)

        # One failure: the device waits a second, whatever the code (and counts nothing).
        assert not device.verify_token(otp.device_code(device, now), at=now)
        assert not device.verify_is_allowed()[0]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        assert device.verify_token(otp.device_code(device, now), at=now)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_key_is_encrypted_in_the_database_column():
    device = _device()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_totpdevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]

    assert device.key not in stored and otp.base32_secret(device) not in stored
    assert crypto.decrypt(stored) == device.key
    assert TOTPDevice.objects.get(pk=device.pk).key == device.key


def test_a_key_rotation_still_reads_the_old_secrets(settings):
    device = _device()
    old_key = settings.OTP_ENCRYPTION_KEY
    settings.OTP_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old_key}"

    assert TOTPDevice.objects.get(pk=device.pk).key == device.key
    settings.OTP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(crypto.InvalidToken):
        TOTPDevice.objects.get(pk=device.pk)


def test_the_system_check_refuses_a_missing_or_malformed_key(settings):
    settings.OTP_ENCRYPTION_KEY = ""
    assert [error.id for error in check_otp_encryption_key()] == ["accounts.E001"]
    settings.OTP_ENCRYPTION_KEY = "pas-une-cle"
    assert [error.id for error in check_otp_encryption_key()] == ["accounts.E002"]
    settings.OTP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert check_otp_encryption_key() == []


def test_provisioning_uri_carries_the_parameters_of_authenticator_apps():
    device = _device(key=base64.b32decode("JBSWY3DPEHPK3PXP").hex())
    uri = otp.provisioning_uri(device, account="a.b@example.org", issuer="Label Euralens")

    assert uri.startswith("otpauth://totp/Label%20Euralens:a.b@example.org?")
    assert "secret=JBSWY3DPEHPK3PXP" in uri
    assert "issuer=Label%20Euralens" in uri
    assert "digits=6" in uri and "period=30" in uri and "algorithm=SHA1" in uri


def test_qr_code_is_inline_svg_without_script_or_style_attribute():
    svg = otp.qr_code_svg("otpauth://totp/x:y?secret=AAAA", title="QR")

    assert svg.startswith("<svg")
    assert "<script" not in svg and "style=" not in svg and "<?xml" not in svg


def test_recovery_codes_are_ten_distinct_random_codes_stored_hashed():
    user = UserFactory()

    codes = otp.recovery_codes_renew(user=user)

    assert len(set(codes)) == otp.RECOVERY_CODE_COUNT
    assert all(re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code) for code in codes)
    stored = set(RecoveryCode.objects.filter(device__user=user).values_list("code_hash", flat=True))
    assert stored == {otp.recovery_code_hash(code) for code in codes}
    assert not any(code.replace("-", "") in "".join(stored) for code in codes)


def test_a_recovery_code_works_once_whatever_its_case_and_dashes():
    user = UserFactory()
    code = otp.recovery_codes_renew(user=user)[3]

    assert otp.recovery_code_use(user=user, code=code.lower().replace("-", " "))
    assert not otp.recovery_code_use(user=user, code=code)
    assert otp.recovery_codes_left(user) == otp.RECOVERY_CODE_COUNT - 1


def test_renewing_recovery_codes_voids_the_old_ones():
    user = UserFactory()
    old = otp.recovery_codes_renew(user=user)

    otp.recovery_codes_renew(user=user)

    assert not otp.recovery_code_use(user=user, code=old[0])


def test_recovery_codes_of_one_account_do_not_open_another():
    owner, other = UserFactory(), UserFactory()
    code = otp.recovery_codes_renew(user=owner)[0]

    assert not otp.recovery_code_use(user=other, code=code)
    assert otp.recovery_codes_left(owner) == otp.RECOVERY_CODE_COUNT


# --- Helpers for the pages --------------------------------------------------------------------


def enrolled(user, *, at=None):
    """Give the account a confirmed device; return its base32 secret."""
    device = TOTPDevice.objects.create(
        user=user, name="app", confirmed=True, last_t=int((at or time.time()) // 30) - 5
    )
    otp.recovery_codes_renew(user=user)
    return otp.base32_secret(device)


def password_login(client, user, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": DEMO_PASSWORD, **extra}
    )


# --- Enrolment --------------------------------------------------------------------------------


def test_setup_page_shows_a_qr_code_and_the_secret(client, applicant):
    login(client, applicant)

    response = client.get(reverse("accounts:otp_setup"))

    device = TOTPDevice.objects.get(user=applicant)
    html = response.content.decode()
    assert not device.confirmed
    assert "<svg" in html
    assert otp.grouped_secret(otp.base32_secret(device)) in html
    assert response["Cache-Control"] == "no-store"


def test_setup_with_a_wrong_code_confirms_nothing(client, applicant):
    login(client, applicant)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=applicant)
    wrong = f"{(int(otp.device_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("accounts:otp_setup"), {"code": wrong})

    device.refresh_from_db()
    assert response.status_code == 200
    assert not device.confirmed
    assert not RecoveryCode.objects.filter(device__user=applicant).exists()


def test_setup_with_the_current_code_activates_and_shows_ten_codes_once(client, applicant):
    login(client, applicant, otp_verified=False)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=applicant)

    response = client.post(reverse("accounts:otp_setup"), {"code": otp.device_code(device)})

    device.refresh_from_db()
    shown = re.findall(
        r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", response.content.decode()
    )
    assert device.confirmed
    assert len(set(shown)) == 10
    assert all(otp.recovery_code_use(user=applicant, code=code) for code in shown[:1])
    assert client.session[otp.SESSION_VERIFIED_KEY] is True
    assert AuditEvent.objects.filter(actor=applicant, action=AuditAction.OTP_ENABLED).exists()
    # Once active, the setup page sends to the management page and shows no secret.
    again = client.get(reverse("accounts:otp_setup"))
    assert again.status_code == 302 and again["Location"] == reverse("accounts:otp_manage")


# --- Login with a device -----------------------------------------------------------------------


def test_login_with_a_device_asks_for_the_code_before_anything_else(client, applicant):
    enrolled(applicant)

    response = password_login(client, applicant)
    profile = client.get(reverse("accounts:profile"))
    area = client.get(reverse("applications:applicant_home"))

    assert response.status_code == 302
    assert client.session[otp.SESSION_PENDING_KEY] is True
    for refused in (profile, area):
        assert refused.status_code == 302
        assert refused["Location"].startswith(reverse("accounts:otp_verify"))


def test_the_current_code_completes_the_login_and_goes_to_next(client, applicant):
    secret = enrolled(applicant)
    password_login(client, applicant)
    session_before = client.session.session_key

    response = client.post(
        reverse("accounts:otp_verify"), {"code": otp.totp(secret), "next": "/mon-espace/"}
    )

    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    assert client.session[otp.SESSION_VERIFIED_KEY] is True
    assert otp.SESSION_PENDING_KEY not in client.session
    assert client.session.session_key != session_before
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_code_cannot_be_used_twice(client, applicant):
    secret = enrolled(applicant)
    code = otp.totp(secret)
    password_login(client, applicant)
    client.post(reverse("accounts:otp_verify"), {"code": code})
    other = Client()
    password_login(other, applicant)

    response = other.post(reverse("accounts:otp_verify"), {"code": code})

    assert response.status_code == 200
    assert other.session.get(otp.SESSION_VERIFIED_KEY) is None
    assert other.get(reverse("accounts:profile"))["Location"].startswith(
        reverse("accounts:otp_verify")
    )


def test_a_recovery_code_completes_the_login_once(client, applicant):
    enrolled(applicant)
    code = otp.recovery_codes_renew(user=applicant)[0]
    password_login(client, applicant)

    client.post(reverse("accounts:otp_verify"), {"code": code})
    other = Client()
    password_login(other, applicant)
    second = other.post(reverse("accounts:otp_verify"), {"code": code})

    assert client.session[otp.SESSION_VERIFIED_KEY] is True
    assert second.status_code == 200 and not other.session.get(otp.SESSION_VERIFIED_KEY)
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODE_USED).count() == 1


def test_five_wrong_codes_close_the_half_open_session(client, applicant):
    secret = enrolled(applicant)
    password_login(client, applicant)
    wrong = f"{(int(otp.totp(secret)) + 500_000) % 1_000_000:06d}"

    for _attempt in range(5):
        response = client.post(reverse("accounts:otp_verify"), {"code": wrong})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED, actor=applicant).count() == 5


def test_verify_refuses_an_offsite_next(client, applicant):
    secret = enrolled(applicant)
    password_login(client, applicant)

    response = client.post(
        reverse("accounts:otp_verify"), {"code": otp.totp(secret), "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:applicant_home")


def test_the_admin_login_cannot_skip_the_second_factor(client, roles):
    admin = UserFactory(is_staff=True, is_superuser=True)
    enrolled(admin)
    client.post(
        reverse("admin:login"),
        {"username": admin.email, "password": DEMO_PASSWORD, "next": "/gestion/"},
    )

    response = client.get("/gestion/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


# --- Roles that must use it --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "url"),
    [
        ("instruction_user", "/instruction/"),
        ("jury_member", "/jury/"),
        ("instruction_user", "/evaluations/"),
    ],
)
def test_staff_without_a_device_must_enrol_before_staff_pages(request, client, account, url):
    user = request.getfixturevalue(account)
    login(client, user, otp_verified=False)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    assert "next=" in response["Location"]


def test_admin_accounts_must_enrol_before_the_admin(client, roles):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login(client, admin, otp_verified=False)

    response = client.get("/gestion/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


def test_staff_with_a_device_but_an_unverified_session_must_verify(client, instruction_user):
    enrolled(instruction_user)
    login(client, instruction_user, otp_verified=False)
    client.session  # noqa: B018 -- the session exists before the request

    response = client.get("/instruction/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_a_staff_post_without_second_factor_changes_nothing(client, instruction_user, open_wave):
    from tests.applications.test_instruction_dashboard import staff_application

    application = staff_application(open_wave, number=1, state="submitted")
    login(client, instruction_user, otp_verified=False)

    response = client.post(
        reverse("applications:instruction_note", kwargs={"pk": application.pk}),
        {"note-body": "Note sans second facteur."},
    )

    assert response.status_code == 302
    assert not application.staff_notes.exists()


@pytest.mark.parametrize(
    ("account", "url"),
    [("applicant", "/mon-espace/"), ("reviewer", "/evaluations/")],
)
def test_other_roles_are_not_forced_to_enrol(request, client, account, url):
    login(client, request.getfixturevalue(account), otp_verified=False)

    response = client.get(url)

    assert response.status_code == 200


def test_the_profile_offers_two_factor_to_everyone(client, applicant):
    login(client, applicant)

    html = client.get(reverse("accounts:profile")).content.decode()

    assert reverse("accounts:otp_manage") in html
    assert reverse("privacy:my_data") in html


# --- Management ------------------------------------------------------------------------------


def test_an_applicant_may_turn_it_off_with_password_and_code(client, applicant):
    secret = enrolled(applicant)
    login(client, applicant)

    response = client.post(
        reverse("accounts:otp_disable"),
        {"disable-password": DEMO_PASSWORD, "disable-code": otp.totp(secret)},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=applicant).exists()
    assert not RecoveryCode.objects.filter(device__user=applicant).exists()


def test_turning_it_off_needs_the_right_password(client, applicant):
    secret = enrolled(applicant)
    login(client, applicant)

    response = client.post(
        reverse("accounts:otp_disable"),
        {"disable-password": "pas-le-bon", "disable-code": otp.totp(secret)},
    )

    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=applicant).exists()


def test_staff_cannot_turn_it_off(client, instruction_user):
    secret = enrolled(instruction_user)
    login(client, instruction_user)

    response = client.post(
        reverse("accounts:otp_disable"),
        {"disable-password": DEMO_PASSWORD, "disable-code": otp.totp(secret)},
    )

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=instruction_user).exists()


def test_new_recovery_codes_need_a_current_code(client, applicant):
    secret = enrolled(applicant)
    old_hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    login(client, applicant)

    refused = client.post(reverse("accounts:otp_recovery_codes"), {"renew-code": "000000"})
    unchanged = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    # After a wrong code django-otp makes the device wait a second.
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        accepted = client.post(
            reverse("accounts:otp_recovery_codes"), {"renew-code": otp.totp(secret)}
        )

    assert refused.status_code == 400 and unchanged == old_hashes
    assert accepted.status_code == 200
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)).isdisjoint(old_hashes)


# --- Idle sessions -------------------------------------------------------------------------------


def _minutes_later(minutes):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_a_staff_session_ends_after_30_idle_minutes(client, instruction_user):
    with time_machine.travel(timezone.now(), tick=False):
        login(client, instruction_user)
        assert client.get("/instruction/").status_code == 200
    with _minutes_later(31):
        response = client.get("/instruction/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert SESSION_KEY not in client.session


def test_activity_keeps_a_staff_session_alive(client, instruction_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, instruction_user)
        client.get("/instruction/")
    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/instruction/").status_code == 200


def test_an_applicant_session_lasts_two_idle_hours(client, applicant):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, applicant)
        client.get("/mon-espace/")
    with time_machine.travel(start + timedelta(minutes=100), tick=False):
        kept = client.get("/mon-espace/")
    with time_machine.travel(start + timedelta(minutes=100 + 121), tick=False):
        ended = client.get("/mon-espace/")

    assert kept.status_code == 200
    assert ended.status_code == 302 and SESSION_KEY not in client.session


def test_a_session_ends_eight_hours_after_login_even_when_active(client, applicant):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, applicant)
    for hours in range(1, 8):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            assert client.get("/mon-espace/").status_code == 200
    with time_machine.travel(start + timedelta(hours=8, minutes=5), tick=False):
        response = client.get("/mon-espace/")

    assert response.status_code == 302


def test_login_records_the_session_kind(client, instruction_user, applicant):
    login(client, instruction_user)
    staff_timeout = client.session["idle_timeout"]
    other = login(Client(), applicant)

    assert staff_timeout == 30 * 60
    assert other.session["idle_timeout"] == 2 * 60 * 60
    assert abs(other.session["login_at"] - time.time()) < 60


def test_required_role_uses_settings(settings, reviewer):
    settings.OTP_REQUIRED_ROLES = [Role.REVIEWER]

    assert otp.otp_required_for(reviewer)
