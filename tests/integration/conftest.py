"""Fixtures of the integration tests: real Redis, a real Celery worker, real PostgreSQL.

Without the service these tests skip, so that `make test` works on a bare machine. CI sets
REQUIRE_SERVICES=1, which turns every such skip into a failure: the PostgreSQL + Redis leg
can never pass by skipping its integration tests.
"""

import os
import uuid

import pytest


def _missing_service(message):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {message}", pytrace=False)
    pytest.skip(message)


def _is_postgres_url(url):
    return url.startswith(("postgres://", "postgresql://"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip (or fail) before any fixture runs, so a skipped transactional test does not
    flush the test database for nothing."""
    if item.get_closest_marker("integration") and not os.environ.get("REDIS_URL"):
        _missing_service("REDIS_URL is not set: this test needs a Redis server.")
    if item.get_closest_marker("postgres") and not _is_postgres_url(
        os.environ.get("DATABASE_URL", "")
    ):
        _missing_service("DATABASE_URL does not name a PostgreSQL server.")


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL, checked to answer; skips (or fails under REQUIRE_SERVICES=1) without it."""
    import redis

    url = os.environ.get("REDIS_URL", "")
    if not url:
        _missing_service("REDIS_URL is not set: this test needs a Redis server.")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        # A configured but dead Redis is a broken environment, never a reason to skip.
        pytest.fail(f"REDIS_URL={url} does not answer: {error}", pytrace=False)
    finally:
        client.close()
    return url


@pytest.fixture(scope="session")
def postgres_url():
    """DATABASE_URL when it names PostgreSQL; skips (or fails under REQUIRE_SERVICES=1)."""
    url = os.environ.get("DATABASE_URL", "")
    if not _is_postgres_url(url):
        _missing_service("DATABASE_URL does not name a PostgreSQL server.")
    return url


@pytest.fixture
def celery_worker(redis_url):
    """A real Celery worker, in a thread, consuming a private queue on the Redis broker.

    The app is built by config.celery.make_celery_app from the project's settings, with eager
    mode off. The queue name is unique so that two test runs sharing one Redis never take
    each other's messages. Afterwards the project's app is the current one again (in-process
    tasks for the rest of the suite) and the queue is deleted.
    """
    import redis
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections
    from django.db.backends.base.base import BaseDatabaseWrapper

    from config.celery import app as project_app
    from config.celery import make_celery_app

    queue = f"label-euralens-test-{uuid.uuid4().hex}"
    app = make_celery_app("label_euralens_worker_test", set_as_current=False)
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
    )

    def close_worker_connections(**kwargs):
        # The worker thread opens its own database connection: close it after each task so
        # the test database can be flushed and dropped. Django ignores close() on in-memory
        # SQLite (closing its only connection would drop the database); this thread's is a
        # second connection onto the shared test database, so it is closed for real.
        for conn in connections.all(initialized_only=True):
            if conn.vendor == "sqlite" and conn.is_in_memory_db():
                BaseDatabaseWrapper.close(conn)
            else:
                conn.close()

    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(
            app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)
        project_app.set_default()
        project_app.set_current()
        app.close()
        client = redis.Redis.from_url(redis_url)
        client.delete(queue, f"_kombu.binding.{queue}")
        client.close()
