"""Settings for the test suite: the base, plus fast hashing and in-memory mail."""

import os
import uuid
from urllib.parse import urlsplit

from django.core.cache.backends.redis import RedisCache

from config.settings.base import *  # noqa: F403 -- settings modules extend the base namespace

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105 -- used by the test suite only
# The second factor's secrets are encrypted under a fixed key in tests (base64 of 32 bytes).
OTP_ENCRYPTION_KEY = "bGFiZWwtZXVyYWxlbnMtdGVzdC1vbmx5LWtleS0zMmI="  # noqa: S105 -- tests only
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/label-euralens-test-media"))  # noqa: F405, S108
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Axes stays on so the lockout is tested; the test client sends REMOTE_ADDR=127.0.0.1.
AXES_ENABLED = True
# Tasks run in-process even when REDIS_URL is set (the PostgreSQL + Redis leg of CI): nobody
# consumes the queue during ordinary tests. Tests that need a broker build their own Celery
# app with config.celery.make_celery_app() and turn eager mode off on it (tests/integration/,
# the broker-down test of the outbox).
CELERY_TASK_ALWAYS_EAGER = True


class RunScopedRedisCache(RedisCache):
    """The Redis cache of one test run: its keys carry the run's prefix, and clear() deletes
    only those, where Django's flushes the whole database under other runs' feet."""

    def clear(self):
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True


if REDIS_URL:  # noqa: F405
    # The suite clears the cache around every test. Its keys live in the database after the
    # broker's, under a prefix of this run, so that neither a worker test's queue nor another
    # suite running at the same time on the same Redis loses anything.
    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _broker_db = int(_redis.path.strip("/") or 0)
    _cache_path = f"/{(_broker_db + 1) % 16}"
    CACHES["default"] = {  # noqa: F405
        "BACKEND": "config.settings.test.RunScopedRedisCache",
        "LOCATION": _redis._replace(path=_cache_path).geturl(),
        "KEY_PREFIX": f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}",
    }
# Several suites may share one PostgreSQL server (CI beside developers' runs): a suffix gives
# this run a test database of its own. SQLite tests use an in-memory database anyway.
_default_db = DATABASES["default"]  # noqa: F405
if os.environ.get("TEST_DATABASE_SUFFIX") and _default_db["ENGINE"].endswith("postgresql"):
    _default_db["TEST"] = {
        "NAME": f"test_{_default_db['NAME']}_{os.environ['TEST_DATABASE_SUFFIX']}",
    }

# Demo contacts for the public pages (production takes them from its environment).
ACCESSIBILITY_CONTACT_EMAIL = ACCESSIBILITY_CONTACT_EMAIL or "accessibilite@label-euralens.example"  # noqa: F405
DATA_PROTECTION_CONTACT_EMAIL = DATA_PROTECTION_CONTACT_EMAIL or "dpo@label-euralens.example"  # noqa: F405
DATA_PROTECTION_CONTACT_ADDRESS = (
    DATA_PROTECTION_CONTACT_ADDRESS  # noqa: F405
    or "Délégué à la protection des données, Pôle Métropolitain de l'Artois, 62300 Lens"
)
# Demo texts of the legal and privacy notices (production takes them from its environment).
LEGAL_PUBLISHER_DETAILS = LEGAL_PUBLISHER_DETAILS or (  # noqa: F405
    "Siège : Pôle Métropolitain de l'Artois, 62300 Lens (adresse de démonstration). "
    "Directeur de la publication : le président du Pôle Métropolitain de l'Artois."
)
LEGAL_HOST_DETAILS = LEGAL_HOST_DETAILS or "Hébergeur de démonstration : la machine locale."  # noqa: F405
PRIVACY_PROCESSORS = PRIVACY_PROCESSORS or (  # noqa: F405
    "Démonstration : le portail, ses e-mails et ses fichiers restent sur la machine locale."
)
