"""Revenue and retention formulas: plain Python, no Django, no clock.

Inputs are monthly totals of the MRR ledger (one `MonthMovements` per calendar month, amounts as
positive magnitudes) and counts per bucket; outputs are frozen dataclasses. Rates are Decimals
between 0 and 1 (NRR may exceed 1), or None when the base is empty (no division by zero is ever
shown as 0 %).

Definitions (also in docs/metrics.md and on the dashboard):
- MRR at the end of a month = MRR at its start + new + expansion + reactivation
  - contraction - churn. ARR = 12 x MRR.
- NRR over a window = (MRR at its start + expansion - contraction - churn) / MRR at its start.
  New and reactivated MRR never count. GRR = the same without expansion (at most 100 %).
  Monthly: the window is the month; trailing twelve months (TTM): the twelve months ending with it.
- Logo churn rate = accounts lost in the month / accounts active at its start.
- Revenue churn rate = (churned + contraction MRR) / MRR at the start = 1 - GRR.
- Cohort retention = a start month's MRR k months later / its MRR at the end of its first month.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
RATE_PLACES = Decimal("0.0001")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after `month` (negative goes back)."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """First days of every month from `first`'s to `last`'s, both included."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def rate(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES)


@dataclass(frozen=True)
class MonthMovements:
    """The ledger's totals for one month. MRR amounts are positive magnitudes."""

    month: date
    new: Decimal = ZERO
    expansion: Decimal = ZERO
    contraction: Decimal = ZERO
    churn: Decimal = ZERO
    reactivation: Decimal = ZERO
    new_logos: int = 0
    churned_logos: int = 0
    reactivated_logos: int = 0

    @property
    def net(self) -> Decimal:
        return self.new + self.expansion + self.reactivation - self.contraction - self.churn


@dataclass(frozen=True)
class MonthMetrics:
    month: date
    start_mrr: Decimal
    end_mrr: Decimal
    start_logos: int
    end_logos: int
    movements: MonthMovements
    nrr: Decimal | None
    grr: Decimal | None
    logo_churn_rate: Decimal | None
    revenue_churn_rate: Decimal | None

    @property
    def arr(self) -> Decimal:
        return arr(self.end_mrr)


def arr(mrr: Decimal) -> Decimal:
    return mrr * 12


def nrr(
    *, start: Decimal, expansion: Decimal, contraction: Decimal, churn: Decimal
) -> Decimal | None:
    return rate(start + expansion - contraction - churn, start)


def grr(*, start: Decimal, contraction: Decimal, churn: Decimal) -> Decimal | None:
    value = rate(start - contraction - churn, start)
    return None if value is None else min(value, ONE)


def monthly_series(
    movements: Iterable[MonthMovements],
    *,
    months: Sequence[date],
    opening_mrr: Decimal,
    opening_logos: int,
) -> list[MonthMetrics]:
    """Metrics for each of `months` (consecutive first days), from the MRR and active accounts
    before the first of them and each month's movements (months without any count as empty)."""
    by_month = {m.month: m for m in movements}
    series: list[MonthMetrics] = []
    mrr, logos = opening_mrr, opening_logos
    for month in months:
        moved = by_month.get(month, MonthMovements(month=month))
        end_mrr = mrr + moved.net
        end_logos = logos + moved.new_logos + moved.reactivated_logos - moved.churned_logos
        series.append(
            MonthMetrics(
                month=month,
                start_mrr=mrr,
                end_mrr=end_mrr,
                start_logos=logos,
                end_logos=end_logos,
                movements=moved,
                nrr=nrr(
                    start=mrr,
                    expansion=moved.expansion,
                    contraction=moved.contraction,
                    churn=moved.churn,
                ),
                grr=grr(start=mrr, contraction=moved.contraction, churn=moved.churn),
                logo_churn_rate=rate(moved.churned_logos, logos),
                revenue_churn_rate=rate(moved.contraction + moved.churn, mrr),
            )
        )
        mrr, logos = end_mrr, end_logos
    return series


@dataclass(frozen=True)
class Trailing:
    """NRR and GRR over the twelve months ending with `month` (None without 12 months of data)."""

    month: date
    nrr: Decimal | None
    grr: Decimal | None


def trailing_twelve_months(series: Sequence[MonthMetrics], *, months: int = 12) -> Trailing | None:
    """TTM NRR/GRR at the last month of `series`: the start MRR twelve months back, and the
    expansion, contraction and churn of the twelve months since."""
    if not series:
        return None
    if len(series) < months:
        return Trailing(month=series[-1].month, nrr=None, grr=None)
    window = series[-months:]
    start = window[0].start_mrr
    expansion = sum((m.movements.expansion for m in window), ZERO)
    contraction = sum((m.movements.contraction for m in window), ZERO)
    churn = sum((m.movements.churn for m in window), ZERO)
    return Trailing(
        month=window[-1].month,
        nrr=nrr(start=start, expansion=expansion, contraction=contraction, churn=churn),
        grr=grr(start=start, contraction=contraction, churn=churn),
    )


@dataclass(frozen=True)
class CohortRow:
    """One start month: its MRR after its first month, then its retention month by month."""

    cohort: date
    base_mrr: Decimal
    accounts: int
    retention: list[Decimal | None] = field(default_factory=list)


def cohort_retention(
    net_by_cohort_month: Mapping[tuple[date, date], Decimal],
    accounts_by_cohort: Mapping[date, int],
    *,
    last_month: date,
) -> list[CohortRow]:
    """Cohorts by start month. `net_by_cohort_month[(cohort, month)]` is the net movement that
    month of the accounts started in `cohort`. Retention k = MRR at the end of month cohort+k /
    MRR at the end of the cohort's first month (k = 0 is 100 % by construction)."""
    rows = []
    for cohort in sorted(accounts_by_cohort):
        base = net_by_cohort_month.get((cohort, cohort), ZERO)
        mrr, retention = base, []
        for month in months_between(cohort, last_month):
            if month != cohort:
                mrr += net_by_cohort_month.get((cohort, month), ZERO)
            retention.append(rate(mrr, base))
        rows.append(
            CohortRow(
                cohort=cohort,
                base_mrr=base,
                accounts=accounts_by_cohort[cohort],
                retention=retention,
            )
        )
    return rows


def wilson_interval(successes: int, total: int, *, z: float = 1.96) -> tuple[float, float] | None:
    """95 % Wilson score interval of a proportion; None for an empty sample."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


@dataclass(frozen=True)
class Bucket:
    """One value (or range) of an attribute: how many accounts, how many churned."""

    label: str
    total: int
    churned: int

    @property
    def churn_rate(self) -> float:
        return self.churned / self.total if self.total else 0.0


@dataclass(frozen=True)
class BucketStat:
    label: str
    total: int
    churned: int
    churn_rate: float
    lift: float | None
    interval: tuple[float, float] | None


@dataclass(frozen=True)
class Driver:
    """An attribute, its buckets, and how strongly it separates churned from retained (0-1)."""

    attribute: str
    separation: float
    buckets: list[BucketStat]


OTHER_BUCKET = "other"


def group_rare(buckets: Sequence[Bucket], *, min_total: int) -> list[Bucket]:
    """Buckets smaller than `min_total` are merged into one "other" bucket (kept last)."""
    kept = [b for b in buckets if b.total >= min_total]
    rare = [b for b in buckets if b.total < min_total]
    if rare:
        kept.append(
            Bucket(
                label=OTHER_BUCKET,
                total=sum(b.total for b in rare),
                churned=sum(b.churned for b in rare),
            )
        )
    return kept


def churn_driver(attribute: str, buckets: Sequence[Bucket], *, min_total: int = 20) -> Driver:
    """Churn rate, lift against the base rate and Wilson interval per bucket; the separation is
    Cramér's V of the churned/retained x bucket table (0: no relation, 1: the bucket decides)."""
    grouped = group_rare([b for b in buckets if b.total > 0], min_total=min_total)
    total = sum(b.total for b in grouped)
    churned = sum(b.churned for b in grouped)
    base = churned / total if total else 0.0
    stats = [
        BucketStat(
            label=b.label,
            total=b.total,
            churned=b.churned,
            churn_rate=b.churn_rate,
            lift=(b.churn_rate / base) if base else None,
            interval=wilson_interval(b.churned, b.total),
        )
        for b in grouped
    ]
    return Driver(attribute=attribute, separation=_cramers_v(grouped, base), buckets=stats)


def _cramers_v(buckets: Sequence[Bucket], base: float) -> float:
    total = sum(b.total for b in buckets)
    if total == 0 or base in (0.0, 1.0) or len(buckets) < 2:
        return 0.0
    chi2 = 0.0
    for b in buckets:
        expected_churned = b.total * base
        expected_kept = b.total * (1 - base)
        chi2 += (b.churned - expected_churned) ** 2 / expected_churned
        chi2 += (b.total - b.churned - expected_kept) ** 2 / expected_kept
    # A 2 x k table: min(rows, columns) - 1 = 1, so V = sqrt(chi2 / n).
    return math.sqrt(chi2 / total)


def rank_drivers(drivers: Iterable[Driver]) -> list[Driver]:
    """Attributes that separate churned from retained accounts most, first (ties by name, so
    the order never depends on where the counts came from)."""
    return sorted(drivers, key=lambda d: (-d.separation, d.attribute))
