"""Security middlewares: idle sessions, the second factor, rate limits, the audit trail.

In settings.MIDDLEWARE after the messages middleware (they read the session and the
account, and may leave a message), before django-axes which must stay last.

- ``SessionIdleMiddleware`` ends a session after SESSION_IDLE_TIMEOUT_STAFF seconds of
  inactivity for accounts that must use a second factor (staff, jury, admin), after
  SESSION_IDLE_TIMEOUT for the others, and in every case SESSION_MAX_AGE after the login.
- ``OTPMiddleware``: a session whose login awaits the second factor reaches only the
  verification page (and logout); an account that must use a second factor and has not
  passed one in this session is sent to enrol or verify before any page under
  OTP_PROTECTED_PREFIXES (staff, reviews, jury, admin).
- ``RateLimitMiddleware`` throttles the forms listed in RATE_LIMITED_VIEWS, per address or
  per account, with label/ratelimit.py (the French 429 page).
- ``AuditMiddleware`` writes the audit trail of label/audit.py after each response.
"""

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from label import otp
from label.audit import audit_request
from label.ratelimit import is_rate_limited, parse_rate, too_many_requests

logger = logging.getLogger(__name__)

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
OTP_PENDING_ALLOWED = {"label:otp_verify", "label:logout", "set_language", "label:health"}
# URL names that stay open to an account that must enrol (the enrolment itself, logout...).
OTP_ENROLMENT_ALLOWED = OTP_PENDING_ALLOWED | {"label:otp_setup", "label:otp_recovery_codes"}


def _redirect_with_next(url_name, request):
    url = reverse(url_name)
    if request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return redirect(url)


class OTPMiddleware:
    """Hold back sessions without the second factor they need (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = request.session
        if SESSION_KEY not in session:
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if session.get(otp.SESSION_PENDING_KEY):
            if view_name in OTP_PENDING_ALLOWED:
                return None
            return _redirect_with_next("label:otp_verify", request)
        if session.get(otp.SESSION_VERIFIED_KEY) or view_name in OTP_ENROLMENT_ALLOWED:
            return None
        if not request.path_info.startswith(tuple(settings.OTP_PROTECTED_PREFIXES)):
            return None
        if not otp.otp_required_for(request.user):
            return None
        if otp.device_get_confirmed(request.user) is not None:
            # A device enrolled from another session: this one must pass it too.
            session[otp.SESSION_PENDING_KEY] = True
            return _redirect_with_next("label:otp_verify", request)
        messages.info(
            request,
            _(
                "Votre rôle donne accès à des dossiers confidentiels : activez la double "
                "authentification pour continuer."
            ),
        )
        return _redirect_with_next("label:otp_setup", request)


def _posted_email(request):
    return "email:" + (request.POST.get("email") or "").strip().lower()


# Forms throttled here, by URL name: (who is counted, rate, methods). The address limits are
# generous (an office behind one address must not be blocked); django-axes also locks a
# login after 5 failures for one e-mail. /verifier/ uses the decorator of label/ratelimit.py,
# and the expression of interest (/candidater/) its own hourly counter (label/views/call.py).
RATE_LIMITED_VIEWS = {
    "label:login": [("ip", "100/h", {"POST"})],
    "label:signup": [("ip", "10/h", {"POST"})],
    "label:password_reset": [("ip", "10/h", {"POST"}), (_posted_email, "3/h", {"POST"})],
    "label:otp_verify": [("user", "15/h", {"POST"})],
    "label:otp_setup": [("user", "30/h", {"POST"})],
    "label:otp_disable": [("user", "10/h", {"POST"})],
    "label:privacy_delete": [("user", "5/h", {"POST"})],
    "label:privacy_export": [("user", "10/h", {"GET"})],
}


class RateLimitMiddleware:
    """Answer 429 past the limits of RATE_LIMITED_VIEWS (nothing else is run for the request)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.limits = {
            view_name: [(key, *parse_rate(rate), methods) for key, rate, methods in rules]
            for view_name, rules in RATE_LIMITED_VIEWS.items()
        }

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "RATELIMIT_ENABLED", True) or request.resolver_match is None:
            return None
        view_name = request.resolver_match.view_name
        for index, (key, limit, period, methods) in enumerate(self.limits.get(view_name, [])):
            if request.method not in methods:
                continue
            if is_rate_limited(
                request, scope=f"{view_name}:{index}", key=key, limit=limit, period=period
            ):
                return too_many_requests(
                    request, retry_after=max(1, int(period - time.time() % period))
                )
        return None


class AuditMiddleware:
    """Append the request to the audit trail when it read a file or acted in a staff area."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            audit_request(request, response)
        except Exception:
            # The answer is already made: a failed audit write is logged loudly rather than
            # turning a served page into an error.
            logger.exception("Could not write the audit event of %s", request.path_info)
        return response
