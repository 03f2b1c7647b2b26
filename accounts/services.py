"""Writes of the accounts: sign-up and the confirmation of the e-mail address."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.tokens import account_activation_link
from label.enums import Role
from label.models import OutboxMail, User
from label.services import outbox_enqueue, user_grant_role


@transaction.atomic
def user_sign_up(*, email, full_name, password, organisation="", phone=""):
    """Create an inactive applicant account and queue its confirmation mail.

    Effects, in order: the account (inactive until the e-mail is confirmed), its applicant
    role, the confirmation mail in the outbox, sent on commit.
    """
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        organisation=organisation,
        phone=phone,
        is_active=False,
    )
    user_grant_role(user=user, role=Role.APPLICANT)
    _confirmation_enqueue(user)
    return user


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
    recently_sent = OutboxMail.objects.filter(
        recipient=user,
        template="account_confirm",
        created_at__gt=timezone.now() - CONFIRMATION_RESEND_INTERVAL,
    ).exists()
    if recently_sent:
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
