"""Version numbers for "the portfolio as the triage list shows it" and for "the figures drawn from
it" (the analytics pages), and `portfolio_changed()` / `figures_changed()`, which bump them.

Rendered fragments of the triage list are cached under the portfolio version, analytics figures
under the figures version. Every write that can change what a row shows calls
`portfolio_changed()` (accounts, scores, overrides, expected churn, owner and team renames,
imports...), which bumps both versions after the transaction commits, so the next request renders
afresh. A write that changes rows but no figure says so (`figures=False`: a rescore that moved no
band changes a row's score but no analytics figure), and a write that changes figures but no row
calls `figures_changed()` (a signal or KPI reading: the churn drivers). Bumping after the commit
(not before) means a reader can never cache old rows under a new version: at worst it caches new
rows under the old one, which the bump then retires.

It lives in the project package, below every app, so that the lowest app (teams) can call it too.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "portfolio-version"
FIGURES_KEY = "portfolio-figures-version"


def portfolio_version() -> int | None:
    """The current version, or None when the cache is unavailable (then nothing is cached)."""
    return _version(VERSION_KEY)


def figures_version() -> int | None:
    """The version of the figures drawn from the portfolio (the analytics pages' cache), or None
    when the cache is unavailable."""
    return _version(FIGURES_KEY)


def portfolio_changed(*, figures: bool = True) -> None:
    """Call from every write that changes what the triage list shows; acts once committed.
    `figures=False` only where the write provably changes no analytics figure (analytics reads
    the ledger, the accounts' own fields, bands, expected churn, outcomes, KPIs and signals,
    team and CSM names, the last run's scores)."""
    transaction.on_commit(_bump_both if figures else _bump)


def figures_changed() -> None:
    """Call from a write that changes analytics figures but no row of the triage list."""
    transaction.on_commit(_bump_figures)


def _version(key: str) -> int | None:
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key)
    return version


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # the key expired or was evicted: any new value retires old fragments
        cache.set(key, 1, timeout=None)


def _bump() -> None:
    _incr(VERSION_KEY)


def _bump_figures() -> None:
    _incr(FIGURES_KEY)


def _bump_both() -> None:
    _incr(VERSION_KEY)
    _incr(FIGURES_KEY)
