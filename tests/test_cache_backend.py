"""The Redis cache backend keeps Django's cache contract (on a real Redis)."""

import os

import pytest

from churnguard.cache import TolerantRedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL (CI does)")


@pytest.fixture
def cache():
    backend = TolerantRedisCache(REDIS_URL, {"KEY_PREFIX": "cache-contract-test", "TIMEOUT": 60})
    backend.clear()
    yield backend
    backend.clear()


def test_values_come_back_as_they_were_stored(cache):
    values = {"int": 7, "bool": True, "text": "Été", "tuple": (1, "a"), "none-like": [None]}
    for key, value in values.items():
        cache.set(key, value)
    assert {key: cache.get(key) for key in values} == values
    assert type(cache.get("bool")) is bool
    assert cache.get("missing", "default") == "default"
    assert cache.get_many(["int", "missing", "text"]) == {"int": 7, "text": "Été"}


def test_add_only_sets_a_missing_key(cache):
    assert cache.add("key", 1)
    assert not cache.add("key", 2)
    assert cache.get("key") == 1


def test_incr_counts_and_refuses_a_missing_key(cache):
    cache.set("version", 1, timeout=None)
    assert cache.incr("version") == 2
    assert cache.get("version") == 2
    with pytest.raises(ValueError):
        cache.incr("no-such-key")


def test_delete_timeouts_and_touch(cache):
    cache.set("gone", "x", timeout=0)
    assert not cache.has_key("gone")
    cache.set("kept", "x")
    assert cache.has_key("kept")
    assert cache.touch("kept", timeout=None)
    assert cache.delete("kept")
    assert not cache.delete("kept")


def test_every_cache_object_of_a_process_shares_one_client(cache):
    other = TolerantRedisCache(REDIS_URL, {"KEY_PREFIX": "cache-contract-test"})
    assert other._redis is cache._redis
