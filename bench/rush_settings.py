"""Settings of the applicants' rush benchmark (bench/bench_rush.py): production, on loopback.

The production settings as they are (Argon2, axes and the rate limits, the client address
read from X-Forwarded-For, whitenoise, Redis cache and broker), with only what plain HTTP on
127.0.0.1 and a throw-away database need changed. Everything comes from the environment
that bench_rush.py sets for gunicorn, the Celery worker and itself.
"""

import os

from config.settings.production import *  # noqa: F403 -- settings modules extend the base namespace

# Plain HTTP on loopback: cookies marked Secure would never come back, and there is no TLS
# to redirect to.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic for a benchmark: the pages link the static files by their plain names.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# A private queue, so that the bench's worker never takes another run's tasks and no other
# worker takes the bench's mails.
CELERY_TASK_DEFAULT_QUEUE = os.environ["BENCH_CELERY_QUEUE"]
# The cache (sessions are in the database; rate-limit counters are here) under a prefix of
# this run, beside whatever else uses the same Redis.
CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_CACHE_PREFIX"]  # noqa: F405
if os.environ.get("BENCH_RELAX_LIMITS") == "1":
    # Set by bench_rush.py when the portal does not take the client address from
    # X-Forwarded-For: every simulated applicant then shares 127.0.0.1, and the login limit
    # (100 an hour per address) would stop the rush at the 101st login. Axes stays on: the
    # bench never types a wrong password, so it only records the logins, as in production.
    RATELIMIT_ENABLED = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
