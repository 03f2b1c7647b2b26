"""Floor middlewares: rate limits and the audit trail.

In settings.MIDDLEWARE after the messages middleware and the accounts' middlewares, before
django-axes which must stay last.

- ``RateLimitMiddleware`` throttles the forms listed in RATE_LIMITED_VIEWS, per address or
  per account, with label/ratelimit.py (the French 429 page).
- ``AuditMiddleware`` writes the audit trail of label/audit.py after each response.
- ``PermissionsPolicyMiddleware`` sets the Permissions-Policy header on every response.
- ``ChosenLanguageMiddleware`` (in place of Django's LocaleMiddleware) serves French unless
  the visitor chose English.
"""

import logging
import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from label.audit import audit_request
from label.ratelimit import is_rate_limited, parse_rate, too_many_requests

logger = logging.getLogger(__name__)


def _posted_email(request):
    return "email:" + (request.POST.get("email") or "").strip().lower()


# Forms throttled here, by URL name: (who is counted, rate, methods). The address limits are
# generous (an office behind one address must not be blocked); django-axes also locks a
# login after 5 failures for one e-mail. /verifier/ uses the decorator of label/ratelimit.py,
# and the expression of interest (/candidater/) its own hourly counter (label/views/call.py).
RATE_LIMITED_VIEWS = {
    "accounts:login": [("ip", "100/h", {"POST"})],
    "accounts:signup": [("ip", "10/h", {"POST"})],
    "accounts:password_reset": [("ip", "10/h", {"POST"}), (_posted_email, "3/h", {"POST"})],
    "accounts:otp_verify": [("user", "15/h", {"POST"})],
    "accounts:otp_setup": [("user", "30/h", {"POST"})],
    "accounts:otp_disable": [("user", "10/h", {"POST"})],
    "privacy:delete": [("user", "5/h", {"POST"})],
    "privacy:export": [("user", "10/h", {"GET"})],
}
# When Redis is away the counters cannot count (label/cache.py). Every limit then lets the
# request through (login and sign-up stay open; axes still locks an account, in the
# database), except those guarding a six-digit code, which refuse rather than allow guessing.
FAIL_CLOSED_VIEWS = {"accounts:otp_verify", "accounts:otp_setup", "accounts:otp_disable"}


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
                request,
                scope=f"{view_name}:{index}",
                key=key,
                limit=limit,
                period=period,
                fail_closed=view_name in FAIL_CLOSED_VIEWS,
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


class PermissionsPolicyMiddleware:
    """Set PERMISSIONS_POLICY as the Permissions-Policy header of every response.

    The portal uses no camera, microphone, location, payment or USB device: a script that
    slipped past the CSP, or a page framing ours, gets none of them either.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """French unless the visitor chose English with the language switcher (issue 11, #16).

    Django's LocaleMiddleware also follows the browser's Accept-Language, which served the whole
    site in English to visitors who never asked for it: a French public-sector site answers in
    French, and only the switcher's cookie changes that.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
