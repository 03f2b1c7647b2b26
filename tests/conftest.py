"""Fixtures shared by the whole suite."""

import pytest

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
    request.getfixturevalue("django_db_setup")
    from label.models import Commune
    from label.territory import communes_load

    with request.getfixturevalue("django_db_blocker").unblock():
        if Commune.objects.count() < 150:
            communes_load(Commune)


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


def login(client, user):
    """Log a user in on a test client (bypassing axes' request-bound backend)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
