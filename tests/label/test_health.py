"""/sante/: 200 when the database (and Redis, when configured) answer, 503 otherwise."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from label.views import health

pytestmark = pytest.mark.django_db

CLOSED_REDIS = "redis://127.0.0.1:1/0"


def test_health_answers_200_with_database_ok(client, settings):
    settings.REDIS_URL = ""

    response = client.get(reverse("label:health"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert list(body["checks"]) == ["database"]
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["ms"] >= 0
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_the_database_fails(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def database_down():
        raise DatabaseError("connection to server at 10.0.0.5 failed: password secret")

    monkeypatch.setattr(health, "_check_database", database_down)

    response = client.get(reverse("label:health"))

    assert response.status_code == 503
    body = response.json()
    assert body == {"status": "error", "checks": {"database": {"status": "error"}}}
    # No error detail (host, credentials) leaks to whoever polls the endpoint.
    assert "10.0.0.5" not in response.content.decode()


def test_health_answers_503_when_redis_is_configured_but_unreachable(client, settings):
    settings.REDIS_URL = CLOSED_REDIS

    response = client.get(reverse("label:health"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"] == {"status": "error"}


def test_health_refuses_post(client):
    response = client.post(reverse("label:health"))
    assert response.status_code == 405
