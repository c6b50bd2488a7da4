"""A version number for "the portfolio as the triage list shows it", and `portfolio_changed()`.

Rendered fragments of the triage list are cached under the current version. Every write that can
change what a row shows calls `portfolio_changed()` (accounts, scores, overrides, expected churn,
owner and team renames, imports...), which bumps the version after the transaction commits, so the
next request renders afresh. Bumping after the commit (not before) means a reader can never cache
old rows under a new version: at worst it caches new rows under the old one, which the bump then
retires.

It lives in the project package, below every app, so that the lowest app (teams) can call it too.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "portfolio-version"


def portfolio_version() -> int | None:
    """The current version, or None when the cache is unavailable (then nothing is cached)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def portfolio_changed() -> None:
    """Call from every write that changes what the triage list shows; acts once committed."""
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key expired or was evicted: any new value retires old fragments
        cache.set(VERSION_KEY, 1, timeout=None)
