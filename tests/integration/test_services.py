"""The real services CI provides: /sante/ and the cache on Redis, the database on PostgreSQL."""

import uuid

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.urls import reverse


@pytest.mark.integration
@pytest.mark.django_db
def test_health_reports_database_and_redis_ok(client, settings, redis_url):
    settings.REDIS_URL = redis_url

    response = client.get(reverse("label:health"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
    }


@pytest.mark.integration
def test_cache_is_redis_and_round_trips(redis_url):
    assert isinstance(caches["default"], RedisCache)
    key = f"integration-{uuid.uuid4().hex}"

    cache.set(key, {"vague": 11}, timeout=30)

    assert cache.get(key) == {"vague": 11}


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql_when_configured(postgres_url):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 130000


@pytest.mark.integration
def test_cache_clear_leaves_the_keys_of_other_runs(redis_url, settings):
    import redis

    other_run = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    foreign_key = f"test-other-run-{uuid.uuid4().hex}:1:compteur"
    other_run.set(foreign_key, 3, ex=60)
    cache.set("compteur", 1, timeout=60)

    cache.clear()

    assert cache.get("compteur") is None
    assert other_run.get(foreign_key) == b"3"
    other_run.delete(foreign_key)
    other_run.close()
