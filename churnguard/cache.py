"""A Redis cache that degrades to "no cache" while Redis is down.

The cache only holds things that can be recomputed (list counts, session copies), so a Redis
outage must slow pages down, never break them: reads miss, writes are dropped, and it is logged.
After a failure the cache is not tried again for RETRY_AFTER seconds, so a page pays for a dead
Redis at most once in a while instead of on every call.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 10.0


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis object on every cache call; with redis-py 8 that costs
    ~0.3 ms (it rebuilds its response-callback table), more than the round trip itself.
    A Redis client is thread-safe and cheap to share, so keep one per connection pool."""

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    _down_until = 0.0  # per process: each gunicorn/Celery process finds out for itself

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _try(self, call: Callable[[], Any], fallback: Any) -> Any:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except _DOWN as error:
            TolerantRedisCache._down_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "Cache unavailable, continuing without it for %ss: %s", RETRY_AFTER, error
            )
            return fallback

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._try(
            lambda: super(TolerantRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._try(lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._try(lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._try(
            lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), False
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._try(lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._try(lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def clear(self) -> None:
        self._try(lambda: super(TolerantRedisCache, self).clear(), None)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int | None:
        # A missing key still raises ValueError, as the caller expects; a dead Redis does not.
        return self._try(lambda: super(TolerantRedisCache, self).incr(key, delta, version), None)
