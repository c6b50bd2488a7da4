"""Whether the account uses what it bought and reaches the outcomes it bought it for."""

from collections.abc import Collection, Hashable
from datetime import date
from decimal import Decimal
from operator import attrgetter

from ..assessment import Contribution, Part, ReasonParams, new_contribution
from ..config import ModelConfig
from ..facts import AccountFacts, KpiReading, UsagePoint
from .common import join_parts, missing, reason_part, remember, scored, unusable

_NO_USAGE = new_contribution("usage_trend", 0, "usage.none", None, False)
_NO_KPIS = new_contribution("kpi_attainment", 0, "kpi.none", None, False)
_DAY_THEN_NUMBERS = attrgetter("on", "active_users", "licensed_seats")


def usage_trend(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """Active users now against about `usage_window_days` earlier, in absolute users, plus the
    share of seats active now and the usage intensity when known.

    The change counts active users, read against the larger of the two seat counts: buying seats
    is expansion and must not read as falling adoption, and cutting seats must not hide users
    lost. Low adoption reads the share of the latest seats that is active.

    The reference is the latest reading at least a window before the latest one, or else the
    earliest reading there is. Readings without licensed seats or dated after `as_of` are ignored.
    Usage intensity (the model's `usage_intensity_signal`, such as sessions per active user) adds
    its own part, and counts alone when there is no usage trend.
    """
    intensity = _intensity(facts, model, as_of)
    usage = facts.usage
    if not usage:
        return _NO_USAGE if intensity is None else _intensity_only(model, intensity)
    found = _trend(usage, model, as_of, intensity)
    if found.has_data or intensity is None:
        return found
    return _intensity_only(model, intensity)


def _trend(
    usage: tuple[UsagePoint, ...],
    model: ModelConfig,
    as_of: date,
    intensity: tuple[Decimal, date] | None,
) -> Contribution:
    readings = [point for point in usage if point.licensed_seats > 0 and point.on <= as_of]
    if not readings:
        return missing("usage_trend", "usage.no_seats", {"as_of": as_of})
    if len(readings) > 1:
        # Same-day readings are ranked by their numbers: the input order never changes the result.
        readings.sort(key=_DAY_THEN_NUMBERS)
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
    days = (latest_on - reference.on).days
    # Whole percentages of the larger seat count (rounded half up, in integers), so that a seat
    # change alone never moves the trend and the reason's arithmetic is the one that scored:
    # "from 80 % to 55 % of 100 seats" is a fall of 25 points, 25 users.
    seats = max(reference.licensed_seats, latest.licensed_seats)
    then = (200 * reference.active_users + seats) // (2 * seats)
    now = (200 * latest.active_users + seats) // (2 * seats)
    latest_seats = latest.licensed_seats
    share = (200 * latest.active_users + latest_seats) // (2 * latest_seats)
    # The reason shows only these numbers, so accounts that share them share one result.
    memo = compiled.memos["usage_trend"]
    key = (then, now, share, seats, days, None if intensity is None else _intensity_key(intensity))
    found = memo.get(key)
    if found is None:
        found = remember(
            memo, key, _usage_contribution(model, then, now, share, seats, days, intensity)
        )
    return found


def _usage_contribution(
    model: ModelConfig,
    then: int,
    now: int,
    share: int,
    seats: int,
    days: int,
    intensity: tuple[Decimal, date] | None,
) -> Contribution:
    compiled = model.compiled
    change = now - then
    points = compiled.usage_fall.points_for_float(change)
    points += compiled.usage_rise.points_for_float(change)
    code = (
        "usage.users_fell"
        if change < 0
        else "usage.users_rose"
        if change > 0
        else "usage.users_held"
    )
    params: ReasonParams = {"then": then, "now": now, "seats": seats, "days": days}
    parts = [reason_part(code, params, points)]
    low_points = compiled.low_adoption.points_for_float(share)
    if low_points:
        parts.append(reason_part("usage.low_share", {"pct": share}, low_points))
    if intensity is not None:
        part = _intensity_part(model, intensity)
        if part[2]:
            parts.append(part)
    total, code, params = join_parts(parts)
    return scored(model, "usage_trend", total, code, params)


def _intensity(facts: AccountFacts, model: ModelConfig, as_of: date) -> tuple[Decimal, date] | None:
    """The fresh usage-intensity reading (value, date) when the model reads one."""
    name = model.usage_intensity_signal
    if not name or not facts.signals:
        return None
    reading = facts.signals.get(name)
    if reading is None or reading.value is None:
        return None
    if unusable(reading.as_of, as_of, model.max_fact_age_days):
        return None
    return reading.value, reading.as_of


def _intensity_key(intensity: tuple[Decimal, date]) -> tuple[str, date]:
    value, on = intensity
    return str(value), on  # see `number_key`


def _intensity_part(model: ModelConfig, intensity: tuple[Decimal, date]) -> Part:
    value, on = intensity
    points = model.compiled.low_intensity.points_for(value)
    return reason_part("usage.intensity", {"value": value, "date": on}, points)


def _intensity_only(model: ModelConfig, intensity: tuple[Decimal, date]) -> Contribution:
    memo = model.compiled.memos["usage_trend"]
    key = ("intensity", _intensity_key(intensity))
    found = memo.get(key)
    if found is None:
        _, params, points = _intensity_part(model, intensity)
        found = remember(
            memo, key, scored(model, "usage_trend", points, "usage.intensity_only", params)
        )
    return found


_NO_SIZE = new_contribution("account_size", 0, "size.none", None, False)


def account_size(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """How big the account is: small accounts leave more often in B2B SaaS. Licensed seats of
    the latest fresh usage reading when known (and the model has a seat table), else MRR.

    MRR at stake stays a separate axis of the triage order: this only says how likely a small
    account is to leave, not what it would cost.
    """
    compiled = model.compiled
    memo = compiled.memos["account_size"]
    if compiled.size_seats.values:
        latest = None
        for point in facts.usage:
            on = point.on
            if point.licensed_seats <= 0 or on > as_of:
                continue
            # The latest day; on one day, the reading ranked last by its numbers (as the trend).
            if (
                latest is None
                or on > latest.on
                or (on == latest.on and _DAY_THEN_NUMBERS(point) > _DAY_THEN_NUMBERS(latest))
            ):
                latest = point
        if latest is not None and (as_of - latest.on).days <= model.max_fact_age_days:
            seats = latest.licensed_seats
            found = memo.get(seats)
            if found is None:
                points = compiled.size_seats.points_for_float(seats)
                found = remember(
                    memo,
                    seats,
                    scored(model, "account_size", points, "size.seats", {"seats": seats}),
                )
            return found
    mrr = facts.mrr
    table = compiled.size_mrr
    if mrr > 0 and table.values:
        # The reason names the tier, not the amount, so accounts of one tier share one result.
        i = table.index(mrr)
        key = ("mrr", i)
        found = memo.get(key)
        if found is None:
            if i < 0:
                params = {"threshold": table.values[-1]}
                found = scored(model, "account_size", 0, "size.mrr_above", params)
            else:
                params = {"threshold": table.values[i]}
                found = scored(model, "account_size", table.points[i], "size.mrr", params)
            found = remember(memo, key, found)
        return found
    return _NO_SIZE


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
