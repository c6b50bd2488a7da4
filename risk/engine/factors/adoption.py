"""Whether the account uses what it bought and reaches the outcomes it bought it for."""

from collections.abc import Collection, Hashable
from datetime import date
from operator import attrgetter

from ..assessment import Contribution, ReasonParams, new_contribution
from ..config import ModelConfig
from ..facts import AccountFacts, KpiReading
from .common import join_parts, missing, reason_part, remember, scored

_NO_USAGE = new_contribution("usage_trend", 0, "usage.none", None, False)
_NO_KPIS = new_contribution("kpi_attainment", 0, "kpi.none", None, False)
_DAY_THEN_NUMBERS = attrgetter("on", "active_users", "licensed_seats")


def usage_trend(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """Latest share of seats active against the reading about `usage_window_days` earlier.

    When seats were added in between, the earlier active users count against the new seats:
    buying seats is expansion, and must not read as falling adoption.

    The reference is the latest reading at least a window before the latest one, or else the
    earliest reading there is. Readings without licensed seats or dated after `as_of` are ignored.
    """
    usage = facts.usage
    if not usage:
        return _NO_USAGE
    # Same-day readings are ranked by their numbers, so the input order never changes the result.
    readings = [
        point
        for point in sorted(usage, key=_DAY_THEN_NUMBERS)
        if point.licensed_seats > 0 and point.on <= as_of
    ]
    if not readings:
        return missing("usage_trend", "usage.no_seats", {"as_of": as_of})
    latest = readings[-1]
    latest_on = latest.on
    max_age = model.max_fact_age_days
    if (as_of - latest_on).days > max_age:
        return missing("usage_trend", "usage.stale", {"date": latest_on, "days": max_age})
    compiled = model.compiled
    cutoff = latest_on - compiled.usage_window
    reference = readings[0]  # unless a reading sits a whole window before the latest
    for point in reversed(readings):
        if point.on <= cutoff:
            reference = point
            break
    if reference.on == latest_on:
        return missing("usage_trend", "usage.one_day", {"date": latest_on})
    # Whole percentages (rounded half up, in integers), so the reason's arithmetic is the one
    # that scored: "from 80 % to 55 %" is a fall of 25.
    # A seat increase is expansion, not falling adoption: the earlier active users are read
    # against the larger seat count, so only a change in active users moves the trend.
    seats = max(reference.licensed_seats, latest.licensed_seats)
    then = (200 * reference.active_users + seats) // (2 * seats)
    seats = latest.licensed_seats
    now = (200 * latest.active_users + seats) // (2 * seats)
    days = (latest_on - reference.on).days
    # The reason shows only these three numbers, so accounts that share them share one result.
    memo = compiled.memos["usage_trend"]
    key = (then, now, days)
    found = memo.get(key)
    if found is None:
        found = remember(memo, key, _usage_contribution(model, then, now, days))
    return found


def _usage_contribution(model: ModelConfig, then: int, now: int, days: int) -> Contribution:
    compiled = model.compiled
    change = now - then
    points = compiled.usage_fall.points_for_float(change)
    points += compiled.usage_rise.points_for_float(change)
    code = "usage.fell" if change < 0 else "usage.rose" if change > 0 else "usage.held"
    params: ReasonParams = {"then": then, "now": now, "days": days}
    low_points = compiled.low_adoption.points_for_float(now)
    if low_points:
        points, code, params = join_parts(
            [reason_part(code, params, points), reason_part("usage.low_adoption", None, low_points)]
        )
    return scored(model, "usage_trend", points, code, params)


def kpi_attainment(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """Average attainment of the latest fresh reading of each outcome KPI, target against actual."""
    kpis = facts.kpis
    if not kpis:
        return _NO_KPIS
    if len(kpis) == 1:  # the common case needs no de-duplication
        known: Collection[KpiReading] = kpis if kpis[0].as_of <= as_of else ()
    else:
        latest: dict[str, KpiReading] = {}
        for reading in kpis:
            if reading.as_of <= as_of:
                seen = latest.get(reading.name)
                if seen is None or _is_newer(reading, seen):
                    latest[reading.name] = reading
        known = latest.values()
    if not known:
        return missing("kpi_attainment", "kpi.no_readings", {"as_of": as_of})
    max_age = model.max_fact_age_days
    fresh = [r for r in known if (as_of - r.as_of).days <= max_age]
    if not fresh:
        newest = max(r.as_of for r in known)
        return missing("kpi_attainment", "kpi.stale", {"date": newest, "days": max_age})
    cap = float(model.kpi_attainment_cap_pct)
    # Scored on the whole percentages the reason shows, so accounts showing the same numbers
    # share one result.
    memo = model.compiled.memos["kpi_attainment"]
    if len(fresh) == 1:
        reading = fresh[0]
        pct = int(attainment_pct(reading, cap) + 0.5)
        key: Hashable = (reading.name, pct)
        found = memo.get(key)
        if found is None:
            params = {"name": reading.name, "pct": pct}
            found = remember(memo, key, _kpi_scored(model, pct, "kpi.one", params))
        return found
    ranked = sorted([(attainment_pct(r, cap), r.name) for r in fresh])
    pct = int(sum([a for a, _ in ranked]) / len(ranked) + 0.5)
    weakest = int(ranked[0][0] + 0.5)
    key = (len(ranked), pct, ranked[0][1], weakest)
    found = memo.get(key)
    if found is None:
        params = {"count": len(ranked), "pct": pct, "name": ranked[0][1], "weakest": weakest}
        found = remember(memo, key, _kpi_scored(model, pct, "kpi.many", params))
    return found


def _kpi_scored(model: ModelConfig, pct: int, code: str, params: dict[str, object]) -> Contribution:
    compiled = model.compiled
    points = compiled.kpi_shortfall.points_for_float(pct) + compiled.kpi_over.points_for_float(pct)
    return scored(model, "kpi_attainment", points, code, params)


def _is_newer(reading: KpiReading, than: KpiReading) -> bool:
    # Two readings of one KPI on one day: keep the worse, hiding risk is the costlier mistake.
    if reading.as_of != than.as_of:
        return reading.as_of > than.as_of
    return attainment_pct(reading, 1e9) < attainment_pct(than, 1e9)


def attainment_pct(reading: KpiReading, cap: float) -> float:
    """How much of its target a KPI reached, 0..cap percent, honouring `higher_is_better`."""
    target = float(reading.target)
    actual = float(reading.actual)
    if target <= 0:
        # A ratio to a zero or negative target means nothing: the target is met or it is not.
        met = actual >= target if reading.higher_is_better else actual <= target
        return 100.0 if met else 0.0
    if reading.higher_is_better:
        pct = 100 * actual / target
    elif actual <= 0:
        return cap
    else:
        pct = 100 * target / actual
    return 0.0 if pct < 0 else cap if pct > cap else pct
