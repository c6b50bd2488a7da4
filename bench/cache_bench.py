"""How long a cache call takes: Django's Redis backend against ChurnGuard's, side by side.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/cache_bench.py [--calls 20000]

Times `get_many` of two keys (what the triage page asks on every request), `get` and `set`
through both backends on the same Redis, and prints microseconds per call (median of 3 runs).
Writes only keys under its own prefix, and deletes them afterwards.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "churnguard.settings")

import django

django.setup()

from django.core.cache.backends.base import BaseCache  # noqa: E402
from django.core.cache.backends.redis import RedisCache  # noqa: E402

from churnguard.cache import TolerantRedisCache  # noqa: E402

PREFIX = "cache-bench"


def per_call_us(call: Callable[[], Any], calls: int) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        runs.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    url = os.environ.get("REDIS_URL")
    if not url:
        sys.exit("cache_bench needs Redis: set REDIS_URL.")
    params = {"KEY_PREFIX": PREFIX, "TIMEOUT": 60}
    backends: dict[str, BaseCache] = {
        "django RedisCache": RedisCache(url, params),
        "TolerantRedisCache": TolerantRedisCache(url, params),
    }
    print(f"{'backend':<20} {'get_many(2)':>12} {'get':>8} {'set':>8}   µs per call")
    fragment = "<tr>" * 500
    for name, cache in backends.items():
        cache.set("version", 1)
        cache.set("fragment", fragment)
        calls: list[Callable[[], Any]] = [
            partial(cache.get_many, ["fragment", "version"]),
            partial(cache.get, "fragment"),
            partial(cache.set, "fragment", fragment),
        ]
        figures = [per_call_us(call, args.calls) for call in calls]
        print(f"{name:<20} {figures[0]:>12.1f} {figures[1]:>8.1f} {figures[2]:>8.1f}")
        cache.delete_many(["version", "fragment"])


if __name__ == "__main__":
    main()
