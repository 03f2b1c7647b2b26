"""/langue/<code>/: choose the interface language with a plain link.

Django's set_language is a POST form, so every page that shows it needs a CSRF token, which
sets a cookie and makes the page private. A link per language keeps the public pages free of
cookies and cacheable by a reverse proxy. Choosing a language by a cross-site link is
harmless: it changes nothing but how the next page reads, and the visitor sees the result.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe


@require_safe
def language_choose(request, code):
    """Keep the chosen language in the language cookie and go back to a page of this site.

    `next` is followed only when it stays on this host (and on HTTPS when the request came
    over HTTPS); anything else leads to the home page, so the link is no open redirect.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    # The answer depends on the query and sets a cookie: no cache may keep it.
    add_never_cache_headers(response)
    return response
