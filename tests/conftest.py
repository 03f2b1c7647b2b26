"""Fixtures shared by the whole suite."""

import pytest

from accounts.otp import session_mark_verified
from label.enums import Role
from label.services import role_groups_ensure
from tests.factories import UserFactory, WaveFactory

DEMO_PASSWORD = "motdepasse-solide-2026"  # noqa: S105 -- the factories' test password


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Each test writes uploads and PDFs in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and locks kept in the cache never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _territory(request):
    """The 150 communes, which a data migration loads, are there for every database test.

    A `transaction=True` test flushes every table when it ends, communes included; the next
    database test reloads them here instead of depending on the order of the tests.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    if marker is not None and marker.kwargs.get("serialized_rollback"):
        # Django restores its snapshot of the database (communes, content types and
        # permissions included) for such a test; rows added here would collide with it.
        return
    request.getfixturevalue("django_db_setup")
    from label.models import Commune
    from label.territory import communes_load

    with request.getfixturevalue("django_db_blocker").unblock():
        if Commune.objects.count() < 150:
            communes_load(Commune)
        _ensure_permissions()


def _ensure_permissions():
    """Recreate content types and permissions after a flush that skipped post_migrate.

    Django skips post_migrate when flushing after a `serialized_rollback` test, expecting the
    next test to restore a snapshot; a plain transactional test that follows finds no
    permission rows, and the role groups cannot be granted theirs.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes

    if Permission.objects.exists():
        return
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)


@pytest.fixture
def roles(db):
    return role_groups_ensure()


@pytest.fixture
def applicant(roles):
    return UserFactory(roles=[Role.APPLICANT])


@pytest.fixture
def instruction_user(roles):
    return UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])


@pytest.fixture
def reviewer(roles):
    return UserFactory(roles=[Role.APPLICANT, Role.REVIEWER])


@pytest.fixture
def jury_member(roles):
    return UserFactory(roles=[Role.APPLICANT, Role.JURY])


@pytest.fixture
def open_wave(db):
    return WaveFactory(number=11)


def login(client, user, *, otp_verified=True):
    """Log a user in on a test client (bypassing axes' request-bound backend).

    The session is marked as having passed the second factor, as after a real login with
    the authenticator (staff and jury must pass it, label/middleware.py). Pass
    `otp_verified=False` to get the session of a password-only login.
    """
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    # The login marks the account object as not past the second factor for the rest of its
    # request (label/rules.py); the test's object is not the server's request.user, so it
    # goes back to reading its groups like any account outside a session.
    user.__dict__.pop("otp_verified", None)
    if otp_verified:
        mark_otp_verified(client)
    return client


def mark_otp_verified(client):
    """Mark the test client's session as past the second factor (see label/otp.py)."""
    session = client.session
    session_mark_verified(session)
    session.save()
    return client
