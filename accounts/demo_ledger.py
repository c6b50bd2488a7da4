"""The demo portfolio's MRR history: every account's movements since its contract start.

Each account opens with a "new" movement, then moves a few times (expansions more often than
contractions, as in a healthy book), ending exactly at its MRR today; a churned account ends with
its churn movement and an MRR of 0. Reproducible from the seed; written in bulk.
"""

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from accounts.bulk import bulk_insert
from accounts.models import Account, MovementKind, MrrMovement, Status

UNIT = Decimal(1)
FIELDS = [
    "account_id",
    "on",
    "kind",
    "amount",
    "currency",
    "mrr_after",
    "source",
    "source_id",
    "created_at",
]


def _path(rng: random.Random, final: Decimal, changes: int) -> list[Decimal]:
    """MRR values from the first to `final`, each differing from the one before."""
    factors = [
        rng.uniform(1.08, 1.45) if rng.random() < 0.65 else rng.uniform(0.65, 0.93)
        for _ in range(changes)
    ]
    value = float(final)
    values = [final]
    for factor in reversed(factors):
        value /= factor
        values.append(max(UNIT, Decimal(round(value))))
    values.reverse()
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def _account_movements(
    rng: random.Random, account: Account, *, today: date, now: object
) -> Iterator[list[object]]:
    end = account.churned_on if account.status == Status.CHURNED else today
    end = end or today
    start = account.contract_start
    if start is None:  # no contract start: no ledger to invent
        return
    span = (end - start).days
    changes = rng.choices((0, 1, 2, 3), weights=(30, 35, 25, 10))[0] if span > 90 else 0
    values = _path(rng, account.mrr, changes)
    days = sorted(rng.sample(range(45, span), len(values) - 1)) if len(values) > 1 else []
    previous = Decimal(0)
    for i, value in enumerate(values):
        on = start + timedelta(days=days[i - 1]) if i else start
        if i == 0:
            kind = MovementKind.NEW
        else:
            kind = MovementKind.EXPANSION if value > previous else MovementKind.CONTRACTION
        yield [account.pk, on, kind, value - previous, account.currency, value, "demo", "", now]
        previous = value
    if account.status == Status.CHURNED:
        yield [account.pk, end, MovementKind.CHURN, -previous, account.currency, 0, "demo", "", now]


def seed_mrr_history(*, accounts: QuerySet[Account], today: date, seed: int, now: object) -> int:
    """Write the history of `accounts` (which must have no movements yet); churned accounts end
    at an MRR of 0. Returns the number of movements written."""
    rows: list[list[object]] = []
    fields = ("id", "mrr", "currency", "contract_start", "status", "churned_on")
    source = accounts.filter(mrr__gt=0).only(*fields).order_by("pk")
    for account in source.iterator(chunk_size=2000):
        rng = random.Random(seed * 1_000_003 + account.pk)
        rows.extend(_account_movements(rng, account, today=today, now=now))
    bulk_insert(MrrMovement, FIELDS, rows)
    accounts.filter(status=Status.CHURNED).update(mrr=0)
    return len(rows)
