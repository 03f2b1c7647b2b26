"""A small request rate limiter on the cache, for public pages that look things up by secret.

Usage, on a function view (wrap ``dispatch`` with ``method_decorator`` for a class view)::

    @ratelimit(key="ip", rate="30/m")
    def certificate_verify(request, token): ...

Counting is a fixed window per client and per view: simple, and good enough to stop the
enumeration of tokens or scraping. The counters live in the default cache: Redis in
production, shared by every process; in the embedded default (local memory) each process
counts on its own. Over the limit, the client gets the French 429 page with Retry-After.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from label.cache import CacheUnavailable
from label.client import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """``"30/m"`` → (30, 60): so many requests per so many seconds (s, m, h or d)."""
    count, _, unit = rate.partition("/")
    try:
        return int(count), PERIODS[unit]
    except (KeyError, ValueError):
        raise ValueError(f"Invalid rate {rate!r}: write it like '30/m'.") from None


def client_key(request, key):
    """Who is counted: ``"ip"``, ``"user"`` (the account, or the address when anonymous), or
    a callable of the request.

    The address comes from label/client.py, as django-axes' does, so a deployment behind
    reverse proxies configures it once (TRUSTED_PROXY_COUNT) for the lockout and for this.
    """
    if callable(key):
        return str(key(request))
    if key == "user" and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if key in ("ip", "user"):
        return f"ip:{client_ip(request) or 'unknown'}"
    raise ValueError(f"Unknown rate limit key {key!r}.")


def is_rate_limited(request, *, scope, key, limit, period, fail_closed=False):
    """Count this request; True when the client went over ``limit`` in the current window.

    When the cache cannot count (Redis away, label/cache.py), the request goes through
    (fails open), or is refused with ``fail_closed``: for limits that guard a guessable secret.
    """
    now = time.time()
    window = int(now // period)
    client = hashlib.sha256(client_key(request, key).encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{client}:{window}"
    # add() starts the window's counter only if absent; incr() is atomic on Redis.
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except CacheUnavailable:
        return fail_closed
    except ValueError:
        # The counter expired between add() and incr(): this request opens a new window.
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    return count > limit


def too_many_requests(request, *, retry_after):
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(*, key="ip", rate="30/m", scope=None):
    """Limit a view to ``rate`` requests per client (see ``client_key``); answer 429 beyond.

    ``scope`` names the counter; by default each view has its own. Setting RATELIMIT_ENABLED
    to False turns every limiter off (e.g. for a load test).
    """
    limit, period = parse_rate(rate)

    def decorator(view):
        view_scope = scope or f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(settings, "RATELIMIT_ENABLED", True) and is_rate_limited(
                request, scope=view_scope, key=key, limit=limit, period=period
            ):
                retry_after = max(1, int(period - time.time() % period))
                return too_many_requests(request, retry_after=retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
