"""Signed, expiring links for e-mail confirmation."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """A token that becomes invalid once the account is active (so a link works once).

    It expires with the password-reset links, after settings.PASSWORD_RESET_TIMEOUT.
    """

    key_salt = "accounts.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


account_activation_token = AccountActivationTokenGenerator()


def account_activation_link(user):
    """The absolute URL that confirms this account's e-mail address."""
    path = reverse(
        "accounts:signup_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": account_activation_token.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"
