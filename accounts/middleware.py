"""Account security middlewares: idle sessions and the second factor.

In settings.MIDDLEWARE after the messages middleware (they read the session and the
account, and may leave a message).

- ``SessionIdleMiddleware`` ends a session after SESSION_IDLE_TIMEOUT_STAFF seconds of
  inactivity for accounts that must use a second factor (staff, jury, admin), after
  SESSION_IDLE_TIMEOUT for the others, and in every case SESSION_MAX_AGE after the login.
- ``OTPMiddleware`` first tells the request's account whether its session passed the second
  factor (``request.user.otp_verified``): label's role predicates grant instruction and jury
  only then, so every view, under any URL, refuses those roles to a password-only session.
  Then, for a kinder experience only: a session whose login awaits the second factor
  reaches only the verification page (and logout); an account that must use a second
  factor and has not passed one is sent to enrol or verify before any page under
  OTP_PROTECTED_PREFIXES (staff, reviews, jury, admin) instead of meeting a refusal there.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import otp
from label.rules import OTP_VERIFIED_ATTRIBUTE

SESSION_LAST_ACTIVITY_KEY = "last_activity"
SESSION_IDLE_TIMEOUT_KEY = "idle_timeout"
SESSION_LOGIN_AT_KEY = "login_at"
# The last activity is written at most once a minute: a session save on every request
# would cost a query each time for a precision nobody needs.
ACTIVITY_RESOLUTION = 60


def idle_timeout_for(user):
    """Seconds of inactivity after which this account's session ends."""
    if otp.otp_required_for(user):
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT


class SessionIdleMiddleware:
    """Log out a session left idle too long, or older than SESSION_MAX_AGE since its login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session):
        now = int(time.time())
        timeout = session.get(SESSION_IDLE_TIMEOUT_KEY)
        if timeout is None:
            # A session opened before this middleware existed: learn it once.
            timeout = idle_timeout_for(request.user)
            session[SESSION_IDLE_TIMEOUT_KEY] = timeout
        last = session.get(SESSION_LAST_ACTIVITY_KEY)
        login_at = session.get(SESSION_LOGIN_AT_KEY)
        if last is not None and now - last > timeout:
            logout(request)
            messages.info(
                request,
                _(
                    "Votre session a été fermée après %(minutes)d minutes d'inactivité : "
                    "reconnectez-vous pour continuer."
                )
                % {"minutes": timeout // 60},
            )
            return
        if login_at is not None and now - login_at > settings.SESSION_MAX_AGE:
            logout(request)
            messages.info(request, _("Votre session a expiré : reconnectez-vous pour continuer."))
            return
        if last is None or now - last >= ACTIVITY_RESOLUTION:
            session[SESSION_LAST_ACTIVITY_KEY] = now


# URL names a session awaiting its second factor may still reach.
OTP_PENDING_ALLOWED = {
    "accounts:otp_verify",
    "accounts:logout",
    "set_language",
    "label:language",
    "label:health",
    # The passkey ceremony of the verification page.
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}
# URL names that stay open to an account that must enrol (the enrolment itself, logout...).
OTP_ENROLMENT_ALLOWED = OTP_PENDING_ALLOWED | {
    "accounts:otp_setup",
    "accounts:otp_recovery_codes",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
}


def _redirect_with_next(url_name, request):
    url = reverse(url_name)
    if request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return redirect(url)


def session_passed_second_factor(session):
    """Has this session passed the second factor (and is not awaiting it again)?"""
    return bool(session.get(otp.SESSION_VERIFIED_KEY)) and not session.get(otp.SESSION_PENDING_KEY)


class OTPMiddleware:
    """Hold back sessions without the second factor they need (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            # Before any view or later middleware asks a permission of this account.
            setattr(request.user, OTP_VERIFIED_ATTRIBUTE, session_passed_second_factor(session))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = request.session
        if SESSION_KEY not in session:
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if session.get(otp.SESSION_PENDING_KEY):
            if view_name in OTP_PENDING_ALLOWED:
                return None
            return _redirect_with_next("accounts:otp_verify", request)
        if session.get(otp.SESSION_VERIFIED_KEY) or view_name in OTP_ENROLMENT_ALLOWED:
            return None
        if not request.path_info.startswith(tuple(settings.OTP_PROTECTED_PREFIXES)):
            return None
        if not otp.otp_required_for(request.user):
            return None
        if otp.has_second_factor(request.user):
            # A device enrolled from another session: this one must pass it too.
            session[otp.SESSION_PENDING_KEY] = True
            return _redirect_with_next("accounts:otp_verify", request)
        messages.info(
            request,
            _(
                "Votre rôle donne accès à des dossiers confidentiels : activez la double "
                "authentification pour continuer."
            ),
        )
        return _redirect_with_next("accounts:otp_setup", request)
