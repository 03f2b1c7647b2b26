"""The embedded default: SQLite, in-process tasks, mail printed to the console."""

import os

from config.settings.base import *  # noqa: F403 -- settings modules extend the base namespace

DEBUG = True
# A fixed key is fine here: local settings never serve the public (production refuses it).
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-only-insecure-key-do-not-use-in-production"
