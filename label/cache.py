"""The cache on Redis that keeps the portal serving when Redis is away.

Django's RedisCache raises as soon as Redis does not answer, and every page that reads the
cache (login through the rate limits, /projets/, /api/projects) then fails with a 500.
``ResilientRedisCache`` turns a Redis that does not answer into a cache that holds nothing:
reads miss, writes are dropped, ``add`` adds nothing, and the pages are computed from the
database as on a cold cache. The failure is logged at most once a minute per process, so a
Redis down for an hour writes sixty lines, not one per request. /sante/ asks Redis itself
and still answers 503.

The rate limits count in this cache. ``incr`` raises ``CacheUnavailable`` (a ValueError, the
error of a missing counter) so that each limit chooses: label/ratelimit.py lets the request
through (fails open) unless the limit is marked to fail closed; the README's security
section lists which.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
LOG_INTERVAL_SECONDS = 60


class CacheUnavailable(ValueError):
    """The cache could not be reached: a counter can be neither read nor raised."""


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations behave as a miss when Redis does not answer."""

    _last_logged = 0.0

    def _down(self, operation, error):
        now = time.monotonic()
        cls = type(self)
        if now - cls._last_logged >= LOG_INTERVAL_SECONDS:
            cls._last_logged = now
            logger.error(
                "Redis cache unreachable (%s: %s); serving without cache.",
                operation,
                type(error).__name__,
            )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except REDIS_DOWN as error:
            self._down("add", error)
            return False

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except REDIS_DOWN as error:
            self._down("get", error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except REDIS_DOWN as error:
            self._down("set", error)
            return None

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except REDIS_DOWN as error:
            self._down("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except REDIS_DOWN as error:
            self._down("delete", error)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except REDIS_DOWN as error:
            self._down("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except REDIS_DOWN as error:
            self._down("has_key", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as error:
            self._down("incr", error)
            raise CacheUnavailable(f"Cache unreachable: cannot count {key!r}.") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except REDIS_DOWN as error:
            self._down("set_many", error)
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except REDIS_DOWN as error:
            self._down("delete_many", error)
            return None

    def clear(self):
        try:
            return super().clear()
        except REDIS_DOWN as error:
            self._down("clear", error)
            return False
