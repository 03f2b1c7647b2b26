"""The second factor: TOTP arithmetic (RFC 4226/6238 vectors), enrolment, login, recovery
codes, the roles that must use it, and the idle sessions."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import otp
from accounts.models import OTPDevice, RecoveryCode
from label.enums import Role
from label.models import AuditAction, AuditEvent
from tests.conftest import DEMO_PASSWORD, login
from tests.factories import UserFactory

# RFC 6238 appendix B and RFC 4226 appendix D use this ASCII secret.
RFC_SECRET = b"12345678901234567890"

pytestmark = pytest.mark.django_db


# --- The arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counter", "expected"),
    list(
        enumerate(
            ["755224", "287082", "359152", "969429", "338314"]
            + ["254676", "287922", "162583", "399871", "520489"]
        )
    ),
)
def test_hotp_matches_the_rfc_4226_vectors(counter, expected):
    assert otp.hotp(RFC_SECRET, counter) == expected


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
    assert otp.totp(RFC_SECRET, unix_time, digits=8) == expected


def test_a_base32_secret_and_its_bytes_give_the_same_codes():
    secret = otp.random_secret()

    assert len(secret) == 32
    assert otp.totp(secret, 1_700_000_000) == otp.hotp(otp._secret_bytes(secret), 56_666_666)


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)]
)
def test_match_step_accepts_one_step_of_drift_either_way(offset, accepted):
    secret = otp.random_secret()
    now = 1_700_000_015
    code = otp.totp(secret, now + offset)

    step = otp.match_step(secret, code, at=now)

    assert (step is not None) is accepted
    if accepted:
        assert step == otp.time_step(now + offset)


def test_match_step_refuses_a_step_already_used():
    secret = otp.random_secret()
    now = 1_700_000_015
    code = otp.totp(secret, now)
    step = otp.match_step(secret, code, at=now)

    assert otp.match_step(secret, code, at=now, last_step=step) is None
    # An older code, still inside the tolerance, is refused too once a newer one was used.
    assert otp.match_step(secret, otp.totp(secret, now - 30), at=now, last_step=step) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_match_step_refuses_malformed_codes(code):
    assert otp.match_step(otp.random_secret(), code, at=1_700_000_000) is None


def test_provisioning_uri_carries_the_parameters_of_authenticator_apps():
    uri = otp.provisioning_uri(
        "JBSWY3DPEHPK3PXP", account="a.b@example.org", issuer="Label Euralens"
    )

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
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
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
    """Give the account a confirmed device; return its secret."""
    secret = otp.random_secret()
    OTPDevice.objects.create(
        user=user,
        secret=secret,
        confirmed_at=timezone.now(),
        last_used_step=otp.time_step(at) - 5,
    )
    otp.recovery_codes_renew(user=user)
    return secret


def password_login(client, user, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": DEMO_PASSWORD, **extra}
    )


# --- Enrolment --------------------------------------------------------------------------------


def test_setup_page_shows_a_qr_code_and_the_secret(client, applicant):
    login(client, applicant)

    response = client.get(reverse("accounts:otp_setup"))

    device = OTPDevice.objects.get(user=applicant)
    html = response.content.decode()
    assert device.confirmed_at is None
    assert "<svg" in html
    assert otp.grouped_secret(device.secret) in html
    assert response["Cache-Control"] == "no-store"


def test_setup_with_a_wrong_code_confirms_nothing(client, applicant):
    login(client, applicant)
    client.get(reverse("accounts:otp_setup"))
    device = OTPDevice.objects.get(user=applicant)
    wrong = f"{(int(otp.totp(device.secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("accounts:otp_setup"), {"code": wrong})

    device.refresh_from_db()
    assert response.status_code == 200
    assert device.confirmed_at is None
    assert not RecoveryCode.objects.filter(user=applicant).exists()


def test_setup_with_the_current_code_activates_and_shows_ten_codes_once(client, applicant):
    login(client, applicant, otp_verified=False)
    client.get(reverse("accounts:otp_setup"))
    device = OTPDevice.objects.get(user=applicant)

    response = client.post(reverse("accounts:otp_setup"), {"code": otp.totp(device.secret)})

    device.refresh_from_db()
    shown = re.findall(
        r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", response.content.decode()
    )
    assert device.confirmed_at is not None
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
    assert not OTPDevice.objects.filter(user=applicant).exists()
    assert not RecoveryCode.objects.filter(user=applicant).exists()


def test_turning_it_off_needs_the_right_password(client, applicant):
    secret = enrolled(applicant)
    login(client, applicant)

    response = client.post(
        reverse("accounts:otp_disable"),
        {"disable-password": "pas-le-bon", "disable-code": otp.totp(secret)},
    )

    assert response.status_code == 400
    assert OTPDevice.objects.filter(user=applicant).exists()


def test_staff_cannot_turn_it_off(client, instruction_user):
    secret = enrolled(instruction_user)
    login(client, instruction_user)

    response = client.post(
        reverse("accounts:otp_disable"),
        {"disable-password": DEMO_PASSWORD, "disable-code": otp.totp(secret)},
    )

    assert response.status_code == 403
    assert OTPDevice.objects.filter(user=instruction_user).exists()


def test_new_recovery_codes_need_a_current_code(client, applicant):
    secret = enrolled(applicant)
    old_hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    login(client, applicant)

    refused = client.post(reverse("accounts:otp_recovery_codes"), {"renew-code": "000000"})
    unchanged = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    accepted = client.post(reverse("accounts:otp_recovery_codes"), {"renew-code": otp.totp(secret)})

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
