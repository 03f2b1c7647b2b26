"""Settings shared by every environment; values that differ come from the environment."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name, default=""):
    """Read a comma-separated environment variable as a list of non-empty strings."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_fsm",
    # The second factor's devices (accounts/models.py) and passkeys are django-otp devices.
    "django_otp",
    "django_otp_webauthn",
    # The project's apps, from the floor up; imports go one way only, from an app to the
    # ones listed before it (import-linter checks it: `make lint`).
    "label",
    "accounts",
    "callforms",
    "applications",
    "reviews",
    "certificates",
    "catalogue",
    "privacy",
    "followup",
    "booklets",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "label.middleware.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, without Accept-Language: French unless English is chosen.
    "label.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's: request.user.is_verified() from the device that passed (passkeys read it).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Security of accounts (accounts/middleware.py, label/middleware.py): idle sessions, the
    # second factor of staff, rate limits of the account forms, the audit trail. They read
    # the session, the account and leave messages, so they come after those three.
    "accounts.middleware.SessionIdleMiddleware",
    "label.middleware.RateLimitMiddleware",
    "accounts.middleware.OTPMiddleware",
    "label.middleware.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it reads the result of the authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "label.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "label.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out client is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "label:home"

# Argon2 first (Django's recommendation, memory-hard): at Django's parameters a login costs
# about half the CPU of PBKDF2 at Django's iterations (~230 against ~470 ms on the 2-core
# test machine), time that held a worker while applicants queued on deadline day. The others
# stay to check existing hashes, each upgraded to Argon2 at the account's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# CNIL recommends at least 12 characters when the password is the only factor.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # CNIL 2022-100, « case 2 » (password + lockout by axes): at least 50 bits of entropy.
    {"NAME": "accounts.passwords.CnilEntropyValidator"},
]
# Password-reset and e-mail confirmation links stay valid three days.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Login throttling: five failures for one e-mail from one address lock for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"


def axes_username(request, credentials):
    """The login as axes counts it: trimmed and lower-cased, as the e-mail logins are, so
    that writing an address in other cases does not buy more attempts."""
    source = credentials if credentials else getattr(request, "POST", {})
    # Cut to the 255 characters of axes' log columns, whatever a client sends.
    return (source.get(AXES_USERNAME_FORM_FIELD) or "").strip().lower()[:255]


AXES_USERNAME_CALLABLE = axes_username
# The client address (label/client.py): REMOTE_ADDR, or behind N reverse proxies of ours the
# N-th address from the right of X-Forwarded-For. Axes, the rate limits and the audit trail
# all ask the same function. Never set it higher than the proxies really in front: each extra
# one lets a client choose its own address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "label.client.client_ip"
# The mailed link that lifts a lockout (accounts/unlock.py) is valid one hour.
UNLOCK_LINK_MAX_AGE = int(os.environ.get("UNLOCK_LINK_MAX_AGE", str(60 * 60)))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Second factor (TOTP, accounts/otp.py): the roles that must use it (besides admin-site
# accounts) and are held only in a session that passed it (label/rules.py), and the areas
# where such a session is sent to enrol or verify rather than refused. Everyone else may
# turn it on from the profile.
OTP_REQUIRED_ROLES = ["instruction", "jury"]
OTP_PROTECTED_PREFIXES = ["/instruction/", "/jury/", "/evaluations/", "/gestion/"]
OTP_ISSUER = "Label Euralens"
# The key that encrypts the TOTP secrets in the database (Fernet, accounts/crypto.py): from
# the environment only, never in the database or its backups. Several keys separated by
# commas rotate it (the first encrypts). Production refuses to start without it.
OTP_ENCRYPTION_KEY = os.environ.get("OTP_ENCRYPTION_KEY", "")
# django-otp's throttling: after n wrong codes in a row a device waits 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys (django-otp-webauthn, accounts/passkeys.py): a second factor after the password,
# never a login on their own; the relying party is the site's host name.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "Label Euralens"
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.passkeys.relying_party_id"
# The origins whose pages may use a passkey: the site's own (SITE_URL, HTTPS) unless listed;
# WebAuthn needs a secure context, and plain HTTP is one only on localhost (`make run`).
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("OTP_WEBAUTHN_ALLOWED_ORIGINS") or [
    SITE_URL if SITE_URL.startswith("https://") else "http://localhost:8000"
]
# Sessions end after this many seconds without a request: 30 minutes for the accounts that
# must use a second factor, 2 hours for the others; and 8 hours after the login in any case.
SESSION_IDLE_TIMEOUT_STAFF = int(os.environ.get("SESSION_IDLE_TIMEOUT_STAFF", str(30 * 60)))
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(2 * 60 * 60)))
SESSION_MAX_AGE = 60 * 60 * 8

# How long personal data is kept (label/retention.py, told on /donnees-personnelles/).
RETENTION_DRAFT_MONTHS = int(os.environ.get("RETENTION_DRAFT_MONTHS", "12"))
RETENTION_DRAFT_WARNING_DAYS = int(os.environ.get("RETENTION_DRAFT_WARNING_DAYS", "30"))
RETENTION_CLOSED_FILE_YEARS = int(os.environ.get("RETENTION_CLOSED_FILE_YEARS", "5"))
RETENTION_INACTIVE_ACCOUNT_YEARS = int(os.environ.get("RETENTION_INACTIVE_ACCOUNT_YEARS", "3"))
RETENTION_ACCOUNT_WARNING_DAYS = int(os.environ.get("RETENTION_ACCOUNT_WARNING_DAYS", "30"))
# Copies of sent mails hold addresses and names: kept a month (a bounce or a "did you send
# it?" is asked within days), then purged by privacy/retention.py.
RETENTION_OUTBOX_DAYS = int(os.environ.get("RETENTION_OUTBOX_DAYS", "30"))
RETENTION_INTEREST_MONTHS = int(os.environ.get("RETENTION_INTEREST_MONTHS", "24"))
RETENTION_AUDIT_MONTHS = int(os.environ.get("RETENTION_AUDIT_MONTHS", "12"))
# The file of a project photo refused (or replaced by a newer one): kept long enough for the
# holder to read the reason and propose another, then deleted (catalogue.photos).
RETENTION_PHOTO_FILE_DAYS = int(os.environ.get("RETENTION_PHOTO_FILE_DAYS", "30"))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploads and generated PDFs are private: never served as plain media, only through views
# that check permissions. MEDIA_ROOT is outside the static tree on purpose.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-prive/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
# Documents of a dossier (applications/uploads.py): per file, and per application in total.
ATTACHMENT_MAX_SIZE = 10 * 1024 * 1024
APPLICATION_ATTACHMENTS_MAX_TOTAL = 50 * 1024 * 1024
# Optional ClamAV scan of uploads (applications/scanning.py): a clamd Unix socket, or a host and
# port; neither set means no scan.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", "30"))


# EMAIL_URL schemes: the backend, whether the scheme means STARTTLS or implicit TLS, and the
# default port. dj-email-url is not used: it drops the leading slash of file paths and does
# not know smtp+tls / smtp+ssl.
EMAIL_SCHEMES = {
    "smtp": ("django.core.mail.backends.smtp.EmailBackend", None, 25),
    "smtp+tls": ("django.core.mail.backends.smtp.EmailBackend", "tls", 587),
    "submission": ("django.core.mail.backends.smtp.EmailBackend", "tls", 587),
    "smtp+ssl": ("django.core.mail.backends.smtp.EmailBackend", "ssl", 465),
    "smtps": ("django.core.mail.backends.smtp.EmailBackend", "ssl", 465),
    "console": ("django.core.mail.backends.console.EmailBackend", None, None),
    "file": ("django.core.mail.backends.filebased.EmailBackend", None, None),
    "memory": ("django.core.mail.backends.locmem.EmailBackend", None, None),
    "dummy": ("django.core.mail.backends.dummy.EmailBackend", None, None),
}


def mailers_from_url(url):
    """Build Django's MAILERS setting from an EMAIL_URL.

    Examples: ``smtp+tls://user:password@smtp.example.org:587`` (STARTTLS),
    ``smtp+ssl://user:password@smtp.example.org`` (implicit TLS, port 465),
    ``smtp://relay.internal:25`` (plain, for a local relay), ``console://``,
    ``file:///var/tmp/mails``. ``?timeout=N`` sets the SMTP timeout (20 s by default).
    User and password are percent-decoded, so ``@`` or ``:`` in them must be written
    ``%40`` / ``%3A``.
    """
    parsed = urlsplit(url)
    scheme = parsed.scheme.lower()
    if scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL has an unknown scheme {scheme!r}; use one of {', '.join(EMAIL_SCHEMES)}."
        )
    backend, security, default_port = EMAIL_SCHEMES[scheme]
    query = parse_qs(parsed.query)
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        if not parsed.hostname:
            raise ImproperlyConfigured("EMAIL_URL names no SMTP host.")
        options = {
            "host": parsed.hostname,
            "port": parsed.port or default_port,
            "username": unquote(parsed.username) if parsed.username else None,
            "password": unquote(parsed.password) if parsed.password else None,
            "use_tls": security == "tls",
            "use_ssl": security == "ssl",
            "timeout": int(query.get("timeout", ["20"])[0]),
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": unquote(parsed.path) or "/tmp/label-euralens-mails"}  # noqa: S108
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailers_from_url(os.environ.get("EMAIL_URL", "console://"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Label Euralens <ne-pas-repondre@label-euralens.example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How many times the outbox tries one mail before it gives up and keeps the error.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
# Certificates (label/certificates.py): tries before a rendering is given up, and how many
# seconds a certificate may stay pending before the sweep queues it again (broker was down).
CERTIFICATE_MAX_ATTEMPTS = int(os.environ.get("CERTIFICATE_MAX_ATTEMPTS", "5"))
CERTIFICATE_SWEEP_AFTER = int(os.environ.get("CERTIFICATE_SWEEP_AFTER", "300"))

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without Redis (the embedded default) tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A publish that cannot reach the broker must fail fast: the outbox sweep catches up later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_PUBLISH_RETRY = False
# A worker started before Redis waits for it instead of exiting (and Celery 6 will need it said).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat keeps its last-run times beside the other local state, out of the source tree.
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "label.sweep_outbox",
        "schedule": 60.0,
    },
    # Certificates still pending after CERTIFICATE_SWEEP_AFTER are queued again.
    "certificate-sweep": {
        "task": "certificates.sweep_certificates",
        "schedule": 300.0,
    },
    # Reminders go out 7 days and 1 day before a wave closes; hourly is precise enough.
    "remind-draft-owners": {
        "task": "applications.remind_draft_owners",
        "schedule": 3600.0,
    },
    # Reviewers with a review pending: 3 days before the due date and on it, once each.
    "remind-reviewers": {
        "task": "reviews.remind_reviewers",
        "schedule": 3600.0,
    },
    # Yearly progress reports of labelled projects: reminders a month and a week before the
    # wave's date, once each (followup/reports.py); daily is precise enough.
    "remind-progress-reports": {
        "task": "followup.remind_reports",
        "schedule": crontab(hour=8, minute=0),
    },
    # Staff exports are kept 7 days (applications/export_jobs.py), then deleted at night.
    "purge-exports": {
        "task": "applications.purge_exports",
        "schedule": crontab(hour=4, minute=0),
    },
    # Exports and cahier versions a dead worker left « en cours » are marked failed (their
    # pages do it too when read); every five minutes, well within their bounds.
    "expire-lost-exports": {
        "task": "applications.expire_lost_exports",
        "schedule": 300.0,
    },
    "expire-lost-booklets": {
        "task": "booklets.expire_lost_booklets",
        "schedule": 300.0,
    },
    # Retention of personal data (privacy/retention.py): once a day, at night.
    "apply-retention": {
        "task": "privacy.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # Files of refused and replaced project photos, 30 days on (catalogue/photos.py).
    "purge-photo-files": {
        "task": "catalogue.purge_photo_files",
        "schedule": crontab(hour=3, minute=45),
    },
}

CACHES = {
    "default": (
        {
            # Redis away means cache misses, not 500s (label/cache.py); a Redis that does
            # not answer within a second counts as away rather than holding the request.
            "BACKEND": "label.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline script or style anywhere: everything comes from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy (label/middleware.py): browser features the portal never uses are
# refused to every origin; passkeys (WebAuthn) stay allowed on the portal's own pages.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "browsing-topics": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

MESSAGE_TAGS = {40: "danger"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs its font and image fetching at INFO on every document.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Contacts the public pages give (issue 11, #17): the accessibility statement's feedback
# address and the data-protection officer of the privacy notice. Production's checks refuse
# to run without them (config/settings/production.py); local and test settings set demo values.
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "")
DATA_PROTECTION_CONTACT_EMAIL = os.environ.get("DATA_PROTECTION_CONTACT_EMAIL", "")
DATA_PROTECTION_CONTACT_ADDRESS = os.environ.get("DATA_PROTECTION_CONTACT_ADDRESS", "")
# The legal notice and the privacy notice: the publisher's seat, director of publication and
# SIREN; the host's name and address; the processors (mail, file storage) and where the data
# are hosted. Plain text, one paragraph each; production's checks refuse them empty.
LEGAL_PUBLISHER_DETAILS = os.environ.get("LEGAL_PUBLISHER_DETAILS", "")
LEGAL_HOST_DETAILS = os.environ.get("LEGAL_HOST_DETAILS", "")
PRIVACY_PROCESSORS = os.environ.get("PRIVACY_PROCESSORS", "")
