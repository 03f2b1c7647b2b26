"""/sante/: is the portal able to serve? Checks the database, and Redis when configured."""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


@never_cache
@require_GET
def health(request):
    """Answer 200 with each check "ok", or 503 naming what failed (no error details leak)."""
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    results = {}
    for name, check in checks.items():
        started = time.monotonic()
        try:
            check()
        except Exception:
            results[name] = {"status": "error"}
        else:
            results[name] = {
                "status": "ok",
                "ms": round((time.monotonic() - started) * 1000, 1),
            }
    healthy = all(result["status"] == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )
