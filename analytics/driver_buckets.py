"""The churn drivers' buckets: how the raw values of each attribute (a discount, a runway, a
contract start's year, a KPI attainment, a signal's latest value) are grouped before their churn
rates are compared. Plain Python: the database counts accounts per raw value (from the counts
its triggers keep, or from the accounts themselves), these rules bucket them.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from analytics.formulas import Bucket

# (upper bound, label): a value goes to the first bound it is under. Every bound is a whole
# number: the KPI attainment is counted in whole percents rounded down, which keeps its bands.
DISCOUNT_BUCKETS = ((0, "0 %"), (10, "1-9 %"), (20, "10-19 %"), (30, "20-29 %"), (101, "30 % +"))
RUNWAY_BUCKETS = ((6, "< 6"), (12, "6-12"), (24, "12-24"), (10_000, "24 +"))
KPI_BUCKETS = ((25, "< 25"), (50, "25-49"), (75, "50-74"), (90, "75-89"), (100, "90-99"))
KPI_MET = "100 +"
TENURE_YEARS = 3  # and more, together
SIGNAL_QUANTILES = 4

KPI_ATTRIBUTE = "kpi"
SIGNAL_PREFIX = "signal:"
OWN_ATTRIBUTES = (
    "discount",
    "industry",
    "country",
    "phase",
    "segment",
    "funding",
    "runway",
    "tenure",
)
NUMERIC_ATTRIBUTES = ("discount", "runway", "tenure", KPI_ATTRIBUTE)


@dataclass(frozen=True)
class ValueCount:
    """How many accounts have one raw value of one attribute, and how many of them churned.
    `number` for numeric values, `label` for the others (a signal's category, an industry)."""

    attribute: str
    number: Decimal | None
    label: str
    accounts: int
    churned: int


def _under(value: Decimal, bounds: tuple[tuple[int, str], ...]) -> str:
    for bound, label in bounds:
        if value < bound:
            return label
    return ""


def discount_bucket(pct: Decimal | None) -> str:
    if pct is None:
        return ""
    return DISCOUNT_BUCKETS[0][1] if pct <= 0 else _under(pct, DISCOUNT_BUCKETS[1:])


def runway_bucket(months: Decimal | None) -> str:
    return "" if months is None else _under(months, RUNWAY_BUCKETS)


def tenure_bucket(start_year: Decimal | None, *, this_year: int) -> str:
    """Whole calendar years since the contract start, counted to today for churned and retained
    alike (counting to the churn date would give the churned ones shorter tenures by
    construction); 3 and more together, a future start negative."""
    if start_year is None:
        return ""
    return str(min(this_year - int(start_year), TENURE_YEARS))


def kpi_bucket(attainment: Decimal | None) -> str:
    if attainment is None:
        return ""
    return _under(attainment, KPI_BUCKETS) or KPI_MET


# The buckets of the bounded attributes, in their bounds' order.
BUCKET_ORDER = {
    "discount": tuple(label for _bound, label in DISCOUNT_BUCKETS),
    "runway": tuple(label for _bound, label in RUNWAY_BUCKETS),
    KPI_ATTRIBUTE: (*(label for _bound, label in KPI_BUCKETS), KPI_MET),
}


def _sort_key(attribute: str, label: str) -> tuple[int, int, str]:
    """The unknown bucket first, then bounded buckets in their bounds' order, tenures by years,
    the others by name."""
    if not label:
        return (0, 0, "")
    if attribute in BUCKET_ORDER:
        return (1, BUCKET_ORDER[attribute].index(label), label)
    if attribute == "tenure":
        return (1, int(label), label)
    return (1, 0, label)


def buckets_of(rows: Iterable[ValueCount], *, this_year: int) -> dict[str, list[Bucket]]:
    """Accounts and churned accounts per bucket of each attribute of `rows` (signals under
    "signal:<name>"), in the buckets' order; an attribute's unknown value is the bucket ""."""
    own: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    signals: dict[str, list[ValueCount]] = defaultdict(list)
    for row in rows:
        if row.accounts <= 0:
            continue
        if row.attribute.startswith(SIGNAL_PREFIX):
            signals[row.attribute].append(row)
            continue
        label = _label(row, this_year)
        own[row.attribute][label][0] += row.accounts
        own[row.attribute][label][1] += row.churned
    buckets = {
        attribute: [
            Bucket(label=label, total=total, churned=churned)
            for label, (total, churned) in sorted(
                counts.items(), key=lambda item: _sort_key(attribute, item[0])
            )
        ]
        for attribute, counts in own.items()
    }
    for attribute, values in signals.items():
        buckets[attribute] = signal_buckets(values)
    return buckets


def _label(row: ValueCount, this_year: int) -> str:
    if row.attribute == "discount":
        return discount_bucket(row.number)
    if row.attribute == "runway":
        return runway_bucket(row.number)
    if row.attribute == "tenure":
        return tenure_bucket(row.number, this_year=this_year)
    if row.attribute == KPI_ATTRIBUTE:
        return kpi_bucket(row.number)
    return row.label


def signal_buckets(values: list[ValueCount]) -> list[Bucket]:
    """A signal's buckets: its categories as they are (first, in order), its numbers by quartile
    as percentile_disc cuts them (the upper values are those at positions ceil(k/4 * n) in value
    order); equal values always share a bucket, labelled "low:high" with the lowest and highest
    value in it."""
    categories: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    numbers: dict[Decimal, list[int]] = defaultdict(lambda: [0, 0])
    for row in values:
        counts = categories[row.label] if row.number is None else numbers[row.number]
        counts[0] += row.accounts
        counts[1] += row.churned
    buckets = [
        Bucket(label=label, total=total, churned=churned)
        for label, (total, churned) in sorted(categories.items())
    ]
    ordered = sorted(numbers.items())
    total = sum(counts[0] for _value, counts in ordered)
    positions = [math.ceil(k * total / SIGNAL_QUANTILES) for k in range(1, SIGNAL_QUANTILES)]
    cuts: list[Decimal] = []
    upto = 0
    for value, (accounts, _churned) in ordered:
        upto += accounts
        while len(cuts) < len(positions) and upto >= positions[len(cuts)]:
            cuts.append(value)
    # Per quartile: its lowest and highest value, accounts and churned accounts.
    quartiles: dict[int, tuple[Decimal, Decimal, int, int]] = {}
    for value, (accounts, churned) in ordered:
        tile = next((k for k, cut in enumerate(cuts) if value <= cut), SIGNAL_QUANTILES - 1)
        low, _high, total_so_far, churned_so_far = quartiles.get(tile, (value, value, 0, 0))
        quartiles[tile] = (low, value, total_so_far + accounts, churned_so_far + churned)
    for low, high, accounts, churned in quartiles.values():
        label = f"{_plain(low)}:{_plain(high)}"
        buckets.append(Bucket(label=label, total=accounts, churned=churned))
    return buckets


def _plain(value: Decimal) -> str:
    """A value as a plain decimal string ("12.5", "3"), whatever the database gives."""
    return f"{value.normalize():f}"
