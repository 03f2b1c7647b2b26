"""Redis away (issue 17, finding 5): the portal keeps serving from the database.

The cache points at a real Redis URL on a closed port: every cache operation fails the way
it does when Redis is down. Login, /projets/ and the API answer as on a cold cache, the rate
limits fail open (login) or closed (second-factor codes), the failure is logged at most once
a minute, and /sante/ still says 503.
"""

import logging

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from label import cache as resilient
from label.ratelimit import is_rate_limited
from tests.conftest import DEMO_PASSWORD
from tests.factories import CatalogueEntryFactory

pytestmark = pytest.mark.django_db

CLOSED_REDIS = "redis://127.0.0.1:1/0"
REDIS_AWAY = override_settings(
    CACHES={
        "default": {
            "BACKEND": "label.cache.ResilientRedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    },
    REDIS_URL=CLOSED_REDIS,
)


@pytest.fixture(autouse=True)
def _redis_away(monkeypatch):
    # Each test sees the first failure and logs it, whatever the tests before it did.
    monkeypatch.setattr(resilient.ResilientRedisCache, "_last_logged", -1e9)
    with REDIS_AWAY:
        yield


def test_cache_behaves_as_a_miss():
    assert cache.get("anything", "default") == "default"
    assert cache.add("lock", 1) is False
    assert cache.set("key", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(resilient.CacheUnavailable):
        cache.incr("counter")


def test_login_works_without_redis(client, applicant):
    response = client.post(
        reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == applicant.pk


def test_catalogue_and_api_serve_from_the_database_without_redis(client):
    CatalogueEntryFactory(name="Forêt urbaine de Lens")

    page = client.get("/projets/")
    api = client.get("/api/projects")

    assert page.status_code == 200
    assert "Forêt urbaine de Lens" in page.content.decode()
    assert api.status_code == 200
    assert "Forêt urbaine de Lens" in api.content.decode()


def test_rate_limits_fail_open_or_closed_as_each_says():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.5")

    assert not is_rate_limited(request, scope="login", key="ip", limit=1, period=60)
    assert is_rate_limited(request, scope="otp", key="ip", limit=100, period=60, fail_closed=True)


def test_failure_is_logged_once_a_minute(caplog):
    with caplog.at_level(logging.ERROR, logger="label.cache"):
        for _attempt in range(20):
            cache.get("anything")

    records = [record for record in caplog.records if record.name == "label.cache"]
    assert len(records) == 1
    assert "Redis cache unreachable" in records[0].getMessage()


def test_health_still_says_503(client):
    response = client.get(reverse("label:health"))

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"status": "error"}
