"""The mailed unlock link of an account locked by failed logins (issue 17, finding 1).

django-axes locks an e-mail after five failed logins from one address. Whoever typed them,
the owner must not be shut out for half an hour: the lockout page offers to mail a link to
the account's address, and following it clears the failures of that login (every address).
The link is a signed, time-limited token (django.core.signing, UNLOCK_LINK_MAX_AGE); only
the mailbox owner receives it, so it proves the same thing a password-reset link does.
"""

from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from label.models import OutboxMail, User
from label.services import outbox_enqueue

SALT = "accounts.unlock"
# At most one unlock mail per account in this interval, whatever is asked.
UNLOCK_RESEND_INTERVAL = timedelta(minutes=5)


def unlock_token_make(user):
    """A signed token naming the account and its address, valid UNLOCK_LINK_MAX_AGE."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def unlock_token_user(token):
    """The account a valid, unexpired token names, or None (bad, expired, or address changed)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.UNLOCK_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email != data.get("e"):
        return None
    return user


@transaction.atomic
def account_unlock_request(*, email):
    """Mail the unlock link to the active account of ``email``; returns the outbox row or None.

    Nothing happens for an unknown or inactive address, nor within UNLOCK_RESEND_INTERVAL of
    the last unlock mail, so the form tells nobody which addresses have an account and
    floods no mailbox.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return None
    recently = OutboxMail.objects.filter(
        recipient=user,
        template="account_unlock",
        created_at__gt=timezone.now() - UNLOCK_RESEND_INTERVAL,
    ).exists()
    if recently:
        return None
    link = settings.SITE_URL + reverse("accounts:unlock", kwargs={"token": unlock_token_make(user)})
    return outbox_enqueue(
        to=user.email,
        template="account_unlock",
        context={"user": user, "link": link, "minutes": settings.UNLOCK_LINK_MAX_AGE // 60},
        recipient=user,
    )


def account_unlock(*, user):
    """Clear django-axes' failed logins of the account (from every address); return how many."""
    return axes_reset(username=user.email.lower())
