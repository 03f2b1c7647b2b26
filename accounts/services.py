"""Writes of the accounts: sign-up and the confirmation of the e-mail address."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tokens import account_activation_link
from label.enums import Role
from label.models import OutboxMail, User
from label.services import outbox_enqueue, user_grant_role


@transaction.atomic
def user_sign_up(*, email, full_name, password, organisation="", phone=""):
    """Create an inactive applicant account and queue its confirmation mail; for an address
    that already has an account, mail its owner instead. Returns the new account, or None.

    Effects, in order, for a free address: the account (inactive until the e-mail is
    confirmed), its applicant role, the confirmation mail in the outbox, sent on commit. For
    a taken address nothing is created or changed: an account still awaiting confirmation
    gets a new confirmation link, any other account a notice that someone tried to sign up
    with its address (with the login and password-reset links); either at most once per
    CONFIRMATION_RESEND_INTERVAL. The visitor sees the same page in every case, so the form
    does not tell which addresses have an account.
    """
    email = email.strip().lower()
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name,
                    organisation=organisation,
                    phone=phone,
                    is_active=False,
                )
        except IntegrityError:
            # Two sign-ups of one address at the same moment: the other one created it.
            existing = User.objects.select_for_update().filter(email__iexact=email).first()
        else:
            user_grant_role(user=user, role=Role.APPLICANT)
            _confirmation_enqueue(user)
            return user
    # Hash the password all the same, so that the answer takes as long as a creation.
    make_password(password)
    if not existing.is_active and existing.email_confirmed_at is None:
        user_resend_confirmation(email=existing.email)
    elif not _recently_mailed(existing, "account_exists"):
        outbox_enqueue(
            to=existing.email,
            template="account_exists",
            context={
                "user": existing,
                "login_link": settings.SITE_URL + reverse("accounts:login"),
                "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
            },
            recipient=existing,
        )
    return None


def _recently_mailed(user, template):
    return OutboxMail.objects.filter(
        recipient=user,
        template=template,
        created_at__gt=timezone.now() - CONFIRMATION_RESEND_INTERVAL,
    ).exists()


# A new confirmation mail is queued at most this often for one account.
CONFIRMATION_RESEND_INTERVAL = timedelta(minutes=5)


@transaction.atomic
def user_resend_confirmation(*, email):
    """Queue a new confirmation mail for an account still waiting for its e-mail confirmation.

    Nothing happens for an unknown, active or already confirmed address, nor when a
    confirmation mail went to that account less than CONFIRMATION_RESEND_INTERVAL ago, so the
    form can neither tell which addresses have an account nor flood a mailbox. Returns the
    outbox row, or None.
    """
    user = (
        User.objects.select_for_update()
        .filter(email=email.strip().lower(), is_active=False, email_confirmed_at__isnull=True)
        .first()
    )
    if user is None:
        return None
    if _recently_mailed(user, "account_confirm"):
        return None
    return _confirmation_enqueue(user)


def _confirmation_enqueue(user):
    return outbox_enqueue(
        to=user.email,
        template="account_confirm",
        context={"user": user, "link": account_activation_link(user)},
        recipient=user,
    )


def user_confirm_email(*, user):
    """Activate an account whose owner followed a valid confirmation link."""
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    return user
