"""Settings for the test suite: the base, plus fast hashing and in-memory mail."""

import os

from config.settings.base import *  # noqa: F403 -- settings modules extend the base namespace

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105 -- used by the test suite only
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/label-euralens-test-media"))  # noqa: F405, S108
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Tests run outside a request cycle of axes' own; keep it enabled so lockout is tested.
AXES_ENABLED = True
