"""A Redis cache that degrades to "no cache" while Redis is down.

The cache only holds things that can be recomputed (list counts, session copies), so a Redis
outage must slow pages down, never break them: reads miss, writes are dropped, and it is logged.
After a failure the cache is not tried again for RETRY_AFTER seconds, so a page pays for a dead
Redis at most once in a while instead of on every call.

Built on Django's public extension point for cache backends (`BaseCache`) and redis-py's client.
One client (and its connection pool) per Redis URL per process, shared by every thread: Django's
own Redis backend builds a new client on every call, which cost more than the round trip itself
(docs/performance.md). Values are stored as Django's Redis backend stores them (integers as
such, so INCR works; anything else pickled), so either backend reads the other's keys.
"""

import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 10.0
T = TypeVar("T")

_clients: dict[tuple[str, tuple[tuple[str, Any], ...]], redis.Redis] = {}
_clients_lock = threading.Lock()


def _client(url: str, options: dict[str, Any]) -> redis.Redis:
    key = (url, tuple(sorted(options.items())))
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.setdefault(key, redis.Redis.from_url(url, **options))
    return client


def _dumps(value: Any) -> Any:
    # bool is an int subclass but must come back as a bool: pickle it.
    if type(value) is int:
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _loads(raw: bytes | str) -> Any:
    try:
        return int(raw)
    except ValueError:
        # Only what this app wrote (the cache is not shared); the client returns bytes.
        return pickle.loads(raw.encode() if isinstance(raw, str) else raw)


class TolerantRedisCache(BaseCache):
    _down_until = 0.0  # per process: each gunicorn/Celery process finds out for itself

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(params)
        servers = server.split(",") if isinstance(server, str) else list(server)
        self._url = servers[0].strip()
        self._options: dict[str, Any] = dict(params.get("OPTIONS") or {})

    @property
    def _redis(self) -> redis.Redis:
        return _client(self._url, self._options)

    def _try(self, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < TolerantRedisCache._down_until:
            return fallback
        try:
            return call()
        except _DOWN as error:
            TolerantRedisCache._down_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "Cache unavailable, continuing without it for %ss: %s", RETRY_AFTER, error
            )
            return fallback

    def _seconds(self, timeout: Any) -> int | None:
        """Seconds to live, or None for "forever" (Django's timeout conventions)."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def _key(self, key: Any, version: int | None) -> str:
        return self.make_and_validate_key(key, version=version)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        raw = self._try(lambda: self._redis.get(self._key(key, version)), None)
        return default if raw is None else _loads(raw)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        wanted = {self._key(key, version): key for key in keys}
        if not wanted:
            return {}
        nothing: list[bytes | str | None] = []
        raws = self._try(lambda: self._redis.mget(list(wanted)), nothing)
        return {
            wanted[made]: _loads(raw)
            for made, raw in zip(wanted, raws, strict=False)
            if raw is not None
        }

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        made, seconds = self._key(key, version), self._seconds(timeout)
        if seconds == 0:
            self._try(lambda: self._redis.delete(made), 0)
        else:
            self._try(lambda: self._redis.set(made, _dumps(value), ex=seconds), None)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        made, seconds = self._key(key, version), self._seconds(timeout)
        if seconds == 0:
            return False
        return bool(
            self._try(lambda: self._redis.set(made, _dumps(value), ex=seconds, nx=True), None)
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        made, seconds = self._key(key, version), self._seconds(timeout)
        if seconds is None:
            return bool(self._try(lambda: self._redis.persist(made), False))
        return bool(self._try(lambda: self._redis.expire(made, seconds), False))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._try(lambda: self._redis.delete(self._key(key, version)), 0))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._try(lambda: self._redis.exists(self._key(key, version)), 0))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Like Django's: a missing key raises ValueError, as callers expect. A dead Redis does
        not raise: it answers 0, and the caller's next read misses anyway."""
        made = self._key(key, version)

        def increment() -> int | None:
            if not self._redis.exists(made):
                return None
            return int(self._redis.incr(made, delta))

        if time.monotonic() < TolerantRedisCache._down_until:
            return 0
        down: int | None = 0
        value = self._try(increment, down)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def clear(self) -> None:
        self._try(lambda: self._redis.flushdb(), None)
