"""Account flows under /comptes/, end to end through the test client and the mail outbox."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from label.enums import OutboxStatus, Role
from label.models import OutboxMail, User
from tests.conftest import DEMO_PASSWORD, login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-nouveau-mot-de-passe-2026"  # noqa: S105 -- test data


def _sign_up_data(**overrides):
    data = {
        "full_name": "Claire Lefebvre",
        "email": "claire.lefebvre@example.org",
        "organisation": "Association Les Jardins du 11/19",
        "phone": "03 21 00 00 00",
        "password1": "terrils-et-jardins-2026",
        "password2": "terrils-et-jardins-2026",
    }
    data.update(overrides)
    return data


def _link_path(outbox_row, url_prefix):
    """The path of the link to `url_prefix` found in a mail's text body."""
    match = re.search(
        re.escape(settings.SITE_URL) + r"(" + re.escape(url_prefix) + r"\S+)", outbox_row.body_text
    )
    assert match, f"no {url_prefix} link in:\n{outbox_row.body_text}"
    return match.group(1)


def _confirm_path(outbox_row):
    return _link_path(outbox_row, "/comptes/confirmer/")


def _reset_path(outbox_row):
    return _link_path(outbox_row, "/comptes/reinitialiser/")


def _sign_up(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:signup"), _sign_up_data(**overrides))


# --- Sign-up and confirmation ---------------------------------------------------------------


def test_sign_up_creates_inactive_applicant_and_one_outbox_mail(
    client, roles, django_capture_on_commit_callbacks
):
    response = _sign_up(
        client, django_capture_on_commit_callbacks, email="Claire.Lefebvre@Example.org"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "claire.lefebvre@example.org"
    assert user.full_name == "Claire Lefebvre"
    assert user.is_active is False
    assert user.email_confirmed_at is None
    assert user.check_password("terrils-et-jardins-2026")
    assert set(user.groups.values_list("name", flat=True)) == {Role.APPLICANT}
    row = OutboxMail.objects.get()
    assert (row.to, row.template, row.recipient) == (user.email, "account_confirm", user)
    assert row.subject == "Confirmez votre adresse e-mail — Label Euralens"
    assert row.status == OutboxStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert _confirm_path(row) in mail.outbox[0].body


def test_sign_up_done_page_tells_to_check_mail(client):
    response = client.get(reverse("accounts:signup_done"))
    assert "Si cette adresse peut être utilisée, un e-mail vient d" in response.content.decode()


def test_confirmation_link_activates_account_once(
    client, roles, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    path = _confirm_path(OutboxMail.objects.get())

    response = client.get(path, follow=True)

    user = User.objects.get()
    assert user.is_active is True
    assert user.email_confirmed_at is not None
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Votre adresse e-mail est confirmée" in response.content.decode()

    # Following it again changes nothing and says so.
    confirmed_at = user.email_confirmed_at
    again = client.get(path, follow=True)
    user.refresh_from_db()
    assert user.email_confirmed_at == confirmed_at
    assert "déjà confirmée" in again.content.decode()


def test_confirmed_account_can_log_in(client, roles, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    client.get(_confirm_path(OutboxMail.objects.get()))

    response = client.post(
        reverse("accounts:login"),
        {"username": "claire.lefebvre@example.org", "password": "terrils-et-jardins-2026"},
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(User.objects.get().pk)


def test_unconfirmed_account_cannot_log_in_and_is_told_why(
    client, roles, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)

    response = client.post(
        reverse("accounts:login"),
        {"username": "claire.lefebvre@example.org", "password": "terrils-et-jardins-2026"},
    )

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "pas encore activé" in response.content.decode()


def test_unconfirmed_account_with_wrong_password_gets_the_generic_message(
    client, roles, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)

    response = client.post(
        reverse("accounts:login"),
        {"username": "claire.lefebvre@example.org", "password": "pas-le-bon-mot-de-passe"},
    )

    content = response.content.decode()
    assert "pas encore activé" not in content
    assert "Adresse e-mail ou mot de passe incorrect" in content


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: path[:-3] + ("aa/" if not path.endswith("aa/") else "bb/"),
        lambda path: path.replace("/comptes/confirmer/", "/comptes/confirmer/Zm9v"),
    ],
    ids=["token", "uid"],
)
def test_tampered_confirmation_link_shows_clear_page_and_changes_nothing(
    client, roles, django_capture_on_commit_callbacks, tamper
):
    _sign_up(client, django_capture_on_commit_callbacks)
    path = tamper(_confirm_path(OutboxMail.objects.get()))

    response = client.get(path)

    assert response.status_code == 400
    content = response.content.decode()
    assert "Lien de confirmation invalide" in content
    assert "Votre compte n'a pas été modifié" in content
    user = User.objects.get()
    assert user.is_active is False
    assert user.email_confirmed_at is None


def test_expired_confirmation_link_shows_clear_page_and_changes_nothing(
    client, roles, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    path = _confirm_path(OutboxMail.objects.get())

    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, days=1)
    with time_machine.travel(later, tick=False):
        response = client.get(path)

    assert response.status_code == 400
    assert "Lien de confirmation invalide" in response.content.decode()
    assert User.objects.get().is_active is False


def _resend(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:signup_resend"), {"email": email}, follow=True)


def test_expired_link_can_be_replaced_by_a_new_one_that_activates_the_account(
    client, roles, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    old_path = _confirm_path(OutboxMail.objects.get())
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, days=1)

    with time_machine.travel(later, tick=False):
        invalid_page = client.get(old_path).content.decode()
        assert reverse("accounts:signup_resend") in invalid_page
        response = _resend(
            client, "Claire.Lefebvre@example.org", django_capture_on_commit_callbacks
        )
        new_row = OutboxMail.objects.latest("created_at")
        client.get(_confirm_path(new_row))

    assert "un nouvel e-mail de confirmation vient de lui être envoyé" in response.content.decode()
    assert OutboxMail.objects.filter(template="account_confirm").count() == 2
    assert (new_row.to, new_row.status) == ("claire.lefebvre@example.org", OutboxStatus.SENT)
    user = User.objects.get()
    assert user.is_active is True
    # The account kept the password chosen at sign-up.
    assert user.check_password("terrils-et-jardins-2026")


def test_resend_is_limited_to_one_mail_every_five_minutes(
    client, roles, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)

    _resend(client, "claire.lefebvre@example.org", django_capture_on_commit_callbacks)
    assert OutboxMail.objects.count() == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        _resend(client, "claire.lefebvre@example.org", django_capture_on_commit_callbacks)
    assert OutboxMail.objects.count() == 2


@pytest.mark.parametrize("email", ["inconnu@example.org", "active"])
def test_resend_for_unknown_or_active_address_sends_nothing_and_says_the_same(
    client, applicant, django_capture_on_commit_callbacks, email
):
    address = applicant.email if email == "active" else email

    response = _resend(client, address, django_capture_on_commit_callbacks)

    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Si un compte en attente de confirmation existe" in response.content.decode()
    assert OutboxMail.objects.count() == 0
    assert mail.outbox == []


def test_resend_is_throttled_per_address(client, roles, django_capture_on_commit_callbacks):
    statuses = [
        client.post(reverse("accounts:signup_resend"), {"email": f"x{n}@example.org"}).status_code
        for n in range(11)
    ]

    assert statuses == [302] * 10 + [429]


def test_sign_up_with_an_address_awaiting_confirmation_sends_a_new_link_and_says_nothing(
    client, roles, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    first = OutboxMail.objects.get()
    OutboxMail.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))

    response = _sign_up(client, django_capture_on_commit_callbacks, full_name="Autre Personne")

    # The same answer as for a free address; the owner gets a new confirmation link.
    assert response["Location"] == reverse("accounts:signup_done")
    assert User.objects.get().full_name == "Claire Lefebvre"
    assert list(OutboxMail.objects.values_list("template", flat=True).order_by("pk")) == [
        "account_confirm",
        "account_confirm",
    ]


def test_sign_up_with_taken_email_in_other_case_mails_the_owner_and_reveals_nothing(
    client, roles, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="claire.lefebvre@example.org", full_name="Claire Propriétaire")
    password_before = owner.password

    response = _sign_up(
        client, django_capture_on_commit_callbacks, email="CLAIRE.Lefebvre@example.ORG"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.password == password_before
    assert owner.full_name == "Claire Propriétaire"
    row = OutboxMail.objects.get()
    assert (row.to, row.template, row.recipient) == (owner.email, "account_exists", owner)
    assert row.subject == "Votre compte existe déjà — Label Euralens"
    assert settings.SITE_URL + reverse("accounts:password_reset") in row.body_text
    assert mail.outbox[0].to == [owner.email]


def test_sign_up_of_a_taken_address_twice_mails_the_owner_once(
    client, roles, django_capture_on_commit_callbacks
):
    UserFactory(email="claire.lefebvre@example.org")

    for _attempt in range(3):
        _sign_up(client, django_capture_on_commit_callbacks)

    assert OutboxMail.objects.filter(template="account_exists").count() == 1


def test_sign_up_answers_alike_for_a_free_and_a_taken_address(
    client, roles, django_capture_on_commit_callbacks
):
    UserFactory(email="prise@example.org")

    taken = _sign_up(client, django_capture_on_commit_callbacks, email="prise@example.org")
    free = _sign_up(client, django_capture_on_commit_callbacks, email="libre@example.org")

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])


def test_sign_up_with_invalid_email_is_refused_in_french(
    client, roles, django_capture_on_commit_callbacks
):
    response = _sign_up(client, django_capture_on_commit_callbacks, email="claire-at-example")

    errors = response.context["form"].errors
    assert list(errors) == ["email"]
    assert errors["email"] == ["Saisissez une adresse de courriel valide."]
    assert User.objects.count() == 0
    assert OutboxMail.objects.count() == 0


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court-2026", "Ce mot de passe est trop court"),
        ("123456789012345", "Ce mot de passe est entièrement numérique"),
        ("password1234", "Ce mot de passe est trop courant"),
    ],
)
def test_sign_up_with_weak_password_is_refused_in_french(
    client, roles, django_capture_on_commit_callbacks, password, message
):
    response = _sign_up(
        client, django_capture_on_commit_callbacks, password1=password, password2=password
    )

    errors = response.context["form"].errors
    assert list(errors) == ["password1"]
    assert any(error.startswith(message) for error in errors["password1"]), errors
    assert User.objects.count() == 0
    assert OutboxMail.objects.count() == 0


def test_sign_up_with_password_like_the_email_is_refused(
    client, roles, django_capture_on_commit_callbacks
):
    password = "claire.lefebvre@example"
    response = _sign_up(
        client, django_capture_on_commit_callbacks, password1=password, password2=password
    )

    assert "trop semblable" in " ".join(response.context["form"].errors["password1"])
    assert User.objects.count() == 0


def test_sign_up_with_different_passwords_is_refused(
    client, roles, django_capture_on_commit_callbacks
):
    response = _sign_up(client, django_capture_on_commit_callbacks, password2="autre-chose-2026")

    assert response.context["form"].errors["password2"] == [
        "Les deux mots de passe ne sont pas identiques."
    ]
    assert User.objects.count() == 0


def test_sign_up_without_name_is_refused(client, roles, django_capture_on_commit_callbacks):
    response = _sign_up(client, django_capture_on_commit_callbacks, full_name="")

    assert response.context["form"].errors["full_name"] == ["Ce champ est obligatoire."]
    assert User.objects.count() == 0


def test_sign_up_page_redirects_a_logged_in_user_to_the_profile(client, applicant):
    login(client, applicant)
    response = client.get(reverse("accounts:signup"))
    assert response["Location"] == reverse("accounts:profile")


# --- Login and logout -----------------------------------------------------------------------


def test_login_with_email_in_any_case_opens_a_session(client, applicant):
    response = client.post(
        reverse("accounts:login"),
        {"username": applicant.email.upper(), "password": DEMO_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:applicant_home")
    assert client.session[SESSION_KEY] == str(applicant.pk)
    applicant.refresh_from_db()
    assert applicant.last_login is not None


def test_login_follows_next_to_a_safe_page_only(client, applicant):
    data = {"username": applicant.email, "password": DEMO_PASSWORD}
    response = client.post(reverse("accounts:login") + "?next=/mon-espace/", data)
    assert response["Location"] == "/mon-espace/"

    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:login") + "?next=https://evil.example.com/", data)
    assert response["Location"] == reverse("applications:applicant_home")


def test_login_with_wrong_password_says_so_in_french(client, applicant):
    response = client.post(
        reverse("accounts:login"), {"username": applicant.email, "password": "mauvais-mot"}
    )

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()


def test_logout_by_post_ends_the_session(client, applicant):
    login(client, applicant)

    response = client.post(reverse("accounts:logout"), follow=True)

    assert SESSION_KEY not in client.session
    assert response.redirect_chain[-1][0] == reverse("label:home")
    assert "Vous êtes déconnecté." in response.content.decode()


def test_logout_by_get_is_refused_and_keeps_the_session(client, applicant):
    login(client, applicant)

    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(applicant.pk)


# --- Login throttling (django-axes) ---------------------------------------------------------


def _fail_login(client, email, times, ip="127.0.0.1"):
    responses = []
    for _ in range(times):
        responses.append(
            client.post(
                reverse("accounts:login"),
                {"username": email, "password": "pas-le-bon-2026"},
                REMOTE_ADDR=ip,
            )
        )
    return responses


def test_five_failed_logins_lock_with_french_page(client, applicant):
    responses = _fail_login(client, applicant.email, settings.AXES_FAILURE_LIMIT)

    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    attempt = AccessAttempt.objects.get(username=applicant.email)
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT

    # Even the right password is refused while locked.
    response = client.post(
        reverse("accounts:login"),
        {"username": applicant.email, "password": DEMO_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_varying_the_case_of_the_address_does_not_buy_more_attempts(client, applicant):
    email = applicant.email
    variants = [email.upper(), email.capitalize(), email.title(), email[:4].upper() + email[4:]]
    variants.append(email)
    assert len(set(variants)) == settings.AXES_FAILURE_LIMIT

    responses = [_fail_login(client, variant, 1)[0] for variant in variants]

    assert responses[-1].status_code == 429
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == (email, settings.AXES_FAILURE_LIMIT)


def test_lockout_is_per_account_and_address(client, applicant):
    _fail_login(client, applicant.email, settings.AXES_FAILURE_LIMIT)

    # The same account from another address is not locked (a shared office NAT stays usable).
    response = client.post(
        reverse("accounts:login"),
        {"username": applicant.email, "password": DEMO_PASSWORD},
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(applicant.pk)


def test_lockout_ends_after_the_cool_off(client, applicant):
    _fail_login(client, applicant.email, settings.AXES_FAILURE_LIMIT)

    later = timezone.now() + timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.post(
            reverse("accounts:login"),
            {"username": applicant.email, "password": DEMO_PASSWORD},
            REMOTE_ADDR="127.0.0.1",
        )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(applicant.pk)


def test_successful_login_resets_the_failure_count(client, applicant):
    _fail_login(client, applicant.email, settings.AXES_FAILURE_LIMIT - 1)
    client.post(reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD})
    client.post(reverse("accounts:logout"))

    responses = _fail_login(client, applicant.email, settings.AXES_FAILURE_LIMIT - 1)

    assert [r.status_code for r in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1)


# --- Password change ------------------------------------------------------------------------


def test_password_change_sets_new_password_and_keeps_session(client, applicant):
    login(client, applicant)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response["Location"] == reverse("accounts:profile")
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_password_change_with_wrong_old_password_changes_nothing(client, applicant):
    login(client, applicant)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pas-le-bon",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert "old_password" in response.context["form"].errors
    applicant.refresh_from_db()
    assert applicant.check_password(DEMO_PASSWORD)


def test_password_change_requires_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Password reset through the outbox ------------------------------------------------------


def _request_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email})


def test_password_reset_goes_through_outbox_and_sets_new_password(
    client, applicant, django_capture_on_commit_callbacks
):
    response = _request_reset(client, applicant.email.upper(), django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("accounts:password_reset_done")
    row = OutboxMail.objects.get()
    assert (row.to, row.template, row.status) == (
        applicant.email,
        "password_reset",
        OutboxStatus.SENT,
    )
    assert mail.outbox[0].to == [applicant.email]

    form_page = client.get(_reset_path(row), follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done["Location"] == reverse("accounts:password_reset_complete")
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)
    # The link served once: it no longer works.
    again = client.get(_reset_path(row), follow=True)
    assert again.context["validlink"] is False


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(
    client, roles, django_capture_on_commit_callbacks
):
    response = _request_reset(client, "inconnu@example.org", django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert OutboxMail.objects.count() == 0
    assert mail.outbox == []


def test_password_reset_with_weak_password_is_refused_in_french(
    client, applicant, django_capture_on_commit_callbacks
):
    _request_reset(client, applicant.email, django_capture_on_commit_callbacks)
    form_page = client.get(_reset_path(OutboxMail.objects.get()), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "1234", "new_password2": "1234"}
    )

    assert "Ce mot de passe est trop court" in " ".join(
        response.context["form"].errors["new_password2"]
    )
    applicant.refresh_from_db()
    assert applicant.check_password(DEMO_PASSWORD)


def test_expired_reset_link_shows_clear_page_and_changes_nothing(
    client, applicant, django_capture_on_commit_callbacks
):
    _request_reset(client, applicant.email, django_capture_on_commit_callbacks)
    path = _reset_path(OutboxMail.objects.get())

    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, days=1)
    with time_machine.travel(later, tick=False):
        response = client.get(path, follow=True)

    assert response.context["validlink"] is False
    assert "Ce lien de réinitialisation n'est pas valide" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.check_password(DEMO_PASSWORD)


def test_tampered_reset_link_shows_clear_page_and_changes_nothing(
    client, applicant, django_capture_on_commit_callbacks
):
    _request_reset(client, applicant.email, django_capture_on_commit_callbacks)
    path = _reset_path(OutboxMail.objects.get())
    tampered = path[:-3] + ("aa/" if not path.endswith("aa/") else "bb/")

    response = client.get(tampered, follow=True)

    assert response.context["validlink"] is False
    assert "Ce lien de réinitialisation n'est pas valide" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.check_password(DEMO_PASSWORD)


# --- Profile --------------------------------------------------------------------------------


def test_profile_edit_saves_name_organisation_phone_but_not_email(client, applicant):
    login(client, applicant)
    email = applicant.email

    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Jeanne Martin",
            "organisation": "Commune de Loos-en-Gohelle",
            "phone": "03 21 11 22 33",
            "email": "autre@example.org",
        },
        follow=True,
    )

    applicant.refresh_from_db()
    assert (applicant.full_name, applicant.organisation, applicant.phone) == (
        "Jeanne Martin",
        "Commune de Loos-en-Gohelle",
        "03 21 11 22 33",
    )
    assert applicant.email == email
    assert "Votre profil a été enregistré." in response.content.decode()


def test_profile_edit_without_name_is_refused(client, applicant):
    login(client, applicant)
    name = applicant.full_name

    response = client.post(reverse("accounts:profile"), {"full_name": "", "organisation": "X"})

    assert response.context["form"].errors["full_name"] == ["Ce champ est obligatoire."]
    applicant.refresh_from_db()
    assert applicant.full_name == name


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('accounts:profile')}"
