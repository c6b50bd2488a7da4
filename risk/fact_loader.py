"""Build the engine's AccountFacts from the database, in bulk and as of a date.

A handful of set-based reads per chunk of accounts, whatever its size: no per-account query.
Only facts known on `as_of` are read, so a past date gives the facts as they were then
(usage, KPIs, signals and stakeholder departures are dated rows).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Lower, Replace

from accounts.models import (
    Account,
    AccountSnapshot,
    MrrMovement,
    OutcomeKpi,
    SignalReading,
    Stakeholder,
    UsageSnapshot,
)
from risk import engine
from risk.engine.facts import NO_SIGNALS


class AccountRow(NamedTuple):
    """What scoring reads of an account: its own facts, then the score it holds now (which the
    writer compares with the new one). Built from plain tuples: a dict per row cost more."""

    id: int
    industry: str
    country: str
    segment: str
    mrr: Decimal
    phase: str
    phase_entered_on: date
    planned_go_live: date | None
    break_clause_date: date | None
    renewal_date: date | None
    signing_discount_pct: Decimal
    funding_stage: str
    cash_runway_months: Decimal | None
    monthly_burn: Decimal | None
    late_payments: int | None
    cash_facts_as_of: date | None
    contract_term_months: int | None
    risk_score: int | None
    risk_band: str


def account_rows(accounts: QuerySet[Account]) -> list[AccountRow]:
    """The rows of these accounts, in the queryset's order."""
    make = AccountRow._make
    return [make(values) for values in fetch(accounts.values_list(*AccountRow._fields))]


# AccountFacts is frozen: its generated __init__ sets each of its fields through
# object.__setattr__. Setting the slots directly builds the very same value at half the cost.
_FACT_SLOTS = tuple(
    getattr(engine.AccountFacts, field.name).__set__ for field in fields(engine.AccountFacts)
)
_new = object.__new__


def _account_facts(*values: object) -> engine.AccountFacts:
    facts = _new(engine.AccountFacts)
    for set_slot, value in zip(_FACT_SLOTS, values, strict=True):
        set_slot(facts, value)
    return facts


def load_facts(
    rows: Sequence[AccountRow], *, as_of: date, model: engine.ModelConfig
) -> dict[int, engine.AccountFacts]:
    """AccountFacts for these accounts, keyed by id."""
    if not rows:
        return {}
    owners = _owned_by([row.id for row in rows])
    usage = _usage(owners, as_of=as_of, window_days=model.usage_window_days)
    kpis = _kpis(owners, as_of=as_of)
    people = _stakeholders(owners, as_of=as_of)
    numeric = [f.signal for f in model.custom_factors if f.categories is None]
    if model.usage_intensity_signal:
        numeric.append(model.usage_intensity_signal)
    categories = [f.signal for f in model.custom_factors if f.categories is not None]
    signals = _signals(owners, numeric, categories, as_of=as_of) if numeric or categories else {}
    mrr_earlier = _mrr_on(owners, as_of - timedelta(days=model.mrr_window_days))
    facts = {}
    for row in rows:
        pk = row.id
        known, left_on = people.get(pk, (False, None))
        # In the order of AccountFacts' fields (a test checks it against the keyword form).
        facts[pk] = _account_facts(
            row.industry or None,
            row.country or None,
            row.segment or None,
            row.mrr,
            row.phase or None,
            row.phase_entered_on,
            row.planned_go_live,
            row.break_clause_date,
            row.renewal_date,
            row.signing_discount_pct,
            row.funding_stage or None,
            row.cash_runway_months,
            row.monthly_burn,
            row.late_payments,
            row.cash_facts_as_of,
            left_on,
            known,
            usage.get(pk, ()),
            kpis.get(pk, ()),
            signals.get(pk, NO_SIGNALS),
            row.contract_term_months,
            mrr_earlier.get(pk),
        )
    return facts


def facts_for_account(account: Account, *, as_of: date, model: engine.ModelConfig):
    rows = account_rows(Account.objects.filter(pk=account.pk))
    return load_facts(rows, as_of=as_of, model=model)[account.pk]


def fetch(rows: QuerySet) -> Iterable[tuple[Any, ...]]:
    """The tuples of a values_list() queryset. On PostgreSQL they come straight from the
    driver (already dates, Decimals and ints): Django's per-row iterator machinery was a third
    of the cost of loading a chunk's facts. Elsewhere the ORM converts types (SQLite needs it)."""
    if connection.vendor != "postgresql":
        return rows
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _owned_by(ids: list[int]) -> Q:
    """Rows belonging to these accounts. A chunk is a dense id range: a range scan beats an
    IN list of thousands of ids, which is slow to build, send and plan. Rows of accounts inside
    the range but not asked for (churned ones) are read and ignored."""
    low, high = min(ids), max(ids)
    if len(ids) * 2 >= high - low + 1:
        return Q(account_id__gte=low, account_id__lte=high)
    return Q(account_id__in=ids)


def _usage(owners: Q, *, as_of: date, window_days: int) -> dict[int, tuple]:
    # Twice the trend window: the engine compares the latest point with one ~a window earlier.
    since = as_of - timedelta(days=2 * window_days + 30)
    rows = UsageSnapshot.objects.filter(owners, on__gt=since, on__lte=as_of)
    grouped: dict[int, list[engine.UsagePoint]] = defaultdict(list)
    for pk, on, active, seats in fetch(
        rows.values_list("account_id", "on", "active_users", "licensed_seats")
    ):
        grouped[pk].append(engine.UsagePoint(on, active, seats))
    return {pk: tuple(points) for pk, points in grouped.items()}


def _kpis(owners: Q, *, as_of: date) -> dict[int, tuple]:
    rows = OutcomeKpi.objects.filter(owners, as_of__lte=as_of).values_list(
        "account_id", "name", "target", "actual", "higher_is_better", "as_of"
    )
    grouped: dict[int, list[engine.KpiReading]] = defaultdict(list)
    for pk, name, target, actual, higher, on in fetch(rows):
        grouped[pk].append(engine.KpiReading(name, target, actual, higher, on))
    return {pk: tuple(readings) for pk, readings in grouped.items()}


def _mrr_on(owners: Q, on: date) -> dict[int, Decimal]:
    """Each account's MRR on a date: from its latest snapshot or MRR movement on or before it,
    whichever is later (imported history lives in snapshots, the ledger holds the rest)."""
    movements = MrrMovement.objects.filter(owners, on__lte=on).order_by("account_id", "-on", "-id")
    snapshots = AccountSnapshot.objects.filter(owners, as_of__lte=on, facts__has_key="mrr")
    snapshots = snapshots.order_by("account_id", "-as_of")
    if connection.vendor == "postgresql":
        # DISTINCT ON keeps the latest row per account. Elsewhere, the first one seen is kept.
        movements = movements.distinct("account_id")
        snapshots = snapshots.distinct("account_id")
    found: dict[int, tuple[date, Decimal]] = {}
    for pk, day, mrr in fetch(movements.values_list("account_id", "on", "mrr_after")):
        found.setdefault(pk, (day, mrr))
    latest_snapshot: dict[int, tuple[date, str | None]] = {}
    snapshots = snapshots.annotate(mrr=KT("facts__mrr"))  # as text: the JSON form keeps every digit
    for pk, day, mrr in fetch(snapshots.values_list("account_id", "as_of", "mrr")):
        latest_snapshot.setdefault(pk, (day, mrr))
    for pk, (day, mrr) in latest_snapshot.items():
        if mrr is not None and (pk not in found or day >= found[pk][0]):
            found[pk] = (day, Decimal(mrr))
    return {pk: mrr for pk, (_, mrr) in found.items()}


def _stakeholders(owners: Q, *, as_of: date) -> dict[int, tuple[bool, date | None]]:
    """Per account: whether anyone is recorded, and the latest departure of a key stakeholder."""
    rows = (
        Stakeholder.objects.filter(owners)
        .values("account_id")
        .annotate(
            n=Count("id"),
            left=Max("left_on", filter=Q(is_key=True, left_on__lte=as_of)),
        )
        .values_list("account_id", "n", "left")
    )
    return {pk: (n > 0, left) for pk, n, left in fetch(rows)}


def signal_key(name: str) -> str:
    """How signal names compare: without regard to case, "-" or "_". An import names a column's
    signal "usage-intensity" where a model (or the API) may say "usage_intensity"."""
    return name.lower().replace("_", "-")


def _signals(
    owners: Q, numeric: Iterable[str], categories: Iterable[str], *, as_of: date
) -> dict[int, MappingProxyType]:
    """The latest reading of each named signal, keyed by the name the model uses: numeric
    readings for the signals scored on numbers, category readings for those scored on
    categories. Readings are matched to those names by `signal_key`."""
    numeric_keys = {signal_key(name): name for name in numeric}
    category_keys = {signal_key(name): name for name in categories}
    readings = SignalReading.objects.annotate(
        key=Replace(Lower("name"), Value("_"), Value("-"))
    ).filter(
        owners,
        Q(key__in=list(numeric_keys), value__isnull=False)
        | (Q(key__in=list(category_keys)) & ~Q(category="")),
        as_of__lte=as_of,
    )
    if connection.vendor == "postgresql":
        # DISTINCT ON keeps one row per (account, signal): the latest. Elsewhere, fold in Python.
        readings = readings.order_by("account_id", "name", "-as_of").distinct("account_id", "name")
    else:
        readings = readings.order_by("account_id", "name", "-as_of")
    latest: dict[int, dict[str, engine.SignalReading]] = defaultdict(dict)
    for pk, name, value, category, on in fetch(
        readings.values_list("account_id", "name", "value", "category", "as_of")
    ):
        key = signal_key(name)
        model_name = (category_keys if value is None else numeric_keys).get(key)
        if model_name is None:  # a reading of the other kind than its factor reads
            continue
        seen = latest[pk].get(model_name)
        # Two spellings of one signal on an account: the latest reading counts.
        if seen is None or on > seen.as_of:
            latest[pk][model_name] = engine.SignalReading(value, on, category or None)
    return {pk: MappingProxyType(values) for pk, values in latest.items()}
