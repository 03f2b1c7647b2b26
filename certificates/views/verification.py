"""The public verification page of a certificate (/verifier/<token>/), reached by its QR code.

Anyone may open it: it says whether the label still holds and shows what the certificate
states, and nothing more than the public catalogue would (project, holder organisation,
award, wave, date). An unknown token gets the ordinary 404 page, and the page is rate-limited
per address so that tokens cannot be enumerated.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from applications.enums import ApplicationState
from certificates.services import AWARD_TITLES, certificate_get_for_token
from label.ratelimit import ratelimit

VERIFICATION_RATE = "30/m"


@require_safe
@ratelimit(key="ip", rate=VERIFICATION_RATE)
def certificate_verify(request, token):
    """Whether the certificate of a token is valid, or its label withdrawn (and when)."""
    certificate = certificate_get_for_token(token)
    if certificate is None:
        raise Http404
    application = certificate.application
    if application.state not in (ApplicationState.LABELLED, ApplicationState.REVOKED):
        # Cannot happen through the workflow (only labelled files get a certificate, and a
        # label can only be revoked): answer as for an unknown token rather than guess.
        raise Http404
    response = render(
        request,
        "certificates/verification.html",
        {
            "certificate": certificate,
            "application": application,
            "wave": application.wave,
            "award_title": AWARD_TITLES.get(application.award, application.get_award_display()),
            "is_valid": application.state == ApplicationState.LABELLED,
            "revoked_at": application.revoked_at,
        },
    )
    # The answer must reflect a revocation at once: no shared cache keeps a stale « valide ».
    response["Cache-Control"] = "no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
