"""Settings: production refuses to start unsafe, passes the deployment checklist; no
missing migration; EMAIL_URL is read correctly; the test settings keep tasks in-process."""

import os
import runpy
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from config.settings.base import mailers_from_url

BASE_DIR = Path(__file__).resolve().parents[2]


def _production_env(**overrides):
    """The environment of a production process: a long secret key, SMTP, a real host name."""
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' (tests/e2e/conftest.py), never
        # production's: a run of the whole suite must not hand it to this process.
        if key
        not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        OTP_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        EMAIL_URL="smtp+tls://portail:mot%40passe@smtp.example.org:587",
        ALLOWED_HOSTS="label.example.org",
        CSRF_TRUSTED_ORIGINS="https://label.example.org",
        SITE_URL="https://label.example.org",
        ACCESSIBILITY_CONTACT_EMAIL="accessibilite@example.org",
        DATA_PROTECTION_CONTACT_EMAIL="dpo@example.org",
        DATA_PROTECTION_CONTACT_ADDRESS="DPO, 1 rue de l'Exemple, 62300 Lens",
        LEGAL_PUBLISHER_DETAILS="Pôle Métropolitain de l'Artois, 1 rue de l'Exemple, 62300 Lens",
        LEGAL_HOST_DETAILS="Hébergeur Exemple, 2 rue de l'Hébergement, 59000 Lille",
        PRIVACY_PROCESSORS="Hébergeur Exemple (France) ; e-mails : Relais Exemple (France)",
    )
    env.update(overrides)
    return env


def test_check_deploy_under_production_settings_reports_nothing():
    result = subprocess.run(  # noqa: S603 -- fixed command, our own interpreter
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_under_production_settings_refuses_console_mail():
    env = _production_env()
    del env["EMAIL_URL"]
    result = subprocess.run(  # noqa: S603 -- fixed command, our own interpreter
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


@pytest.mark.parametrize("secret_key", [None, "", "too-short-to-be-a-real-secret"])
def test_production_settings_without_a_long_secret_key_raise(monkeypatch, secret_key):
    if secret_key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret_key)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        runpy.run_module("config.settings.production")


def test_production_settings_with_a_secret_key_are_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(64))
    monkeypatch.setenv("OTP_ENCRYPTION_KEY", Fernet.generate_key().decode())
    production = runpy.run_module("config.settings.production")
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert production["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_production_settings_put_uploads_on_object_storage_when_a_bucket_is_named(
    monkeypatch,
):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(64))
    monkeypatch.setenv("OTP_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "label-euralens")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://s3.example.org")
    # The base module reads the bucket at import: run it afresh with this environment.
    base = runpy.run_path(str(BASE_DIR / "config" / "settings" / "base.py"))
    storage = base["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "label-euralens"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert storage["OPTIONS"]["default_acl"] == "private"


@pytest.mark.django_db
def test_makemigrations_check_finds_no_missing_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"A model change has no migration:\n{out.getvalue()[:2000]}")
    assert "No changes detected" in out.getvalue()


def test_mailers_from_url_reads_starttls_smtp_with_quoted_password():
    mailers = mailers_from_url("smtp+tls://portail:mot%40passe@smtp.example.org:587")
    assert mailers["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailers["default"]["OPTIONS"] == {
        "host": "smtp.example.org",
        "port": 587,
        "username": "portail",
        "password": "mot@passe",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 20,
    }


def test_mailers_from_url_reads_implicit_tls_with_default_port_and_timeout():
    options = mailers_from_url("smtp+ssl://u:p@smtp.example.org?timeout=5")["default"]["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"], options["timeout"]) == (
        465,
        True,
        False,
        5,
    )


def test_mailers_from_url_keeps_absolute_file_path():
    mailers = mailers_from_url("file:///srv/label-euralens/mails")
    assert mailers["default"]["OPTIONS"] == {"file_path": "/srv/label-euralens/mails"}


def test_mailers_from_url_defaults_to_console():
    assert mailers_from_url("console://")["default"]["BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize("url", ["gopher://mail.example.org", "smtp://"])
def test_mailers_from_url_refuses_unknown_scheme_or_missing_host(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailers_from_url(url)


def test_test_settings_run_tasks_in_process_even_with_redis():
    from config.celery import app

    assert app.conf.task_always_eager is True


@pytest.mark.django_db
def test_production_redirects_to_https_except_the_health_probe(client, settings, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(64))
    monkeypatch.setenv("OTP_ENCRYPTION_KEY", Fernet.generate_key().decode())
    production = runpy.run_module("config.settings.production")
    settings.SECURE_SSL_REDIRECT = production["SECURE_SSL_REDIRECT"]
    settings.SECURE_REDIRECT_EXEMPT = production["SECURE_REDIRECT_EXEMPT"]

    home = client.get("/")
    probe = client.get("/sante/")

    assert home.status_code == 301
    assert home["Location"].startswith("https://")
    assert probe.status_code == 200


def test_check_deploy_refuses_empty_public_contacts():
    env = _production_env(DATA_PROTECTION_CONTACT_EMAIL="", ACCESSIBILITY_CONTACT_EMAIL="")
    result = subprocess.run(  # noqa: S603 -- fixed command, our own interpreter
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    assert "label.E101" in result.stderr
    assert "DATA_PROTECTION_CONTACT_EMAIL" in result.stderr
    assert "ACCESSIBILITY_CONTACT_EMAIL" in result.stderr
