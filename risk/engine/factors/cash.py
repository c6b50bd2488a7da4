"""How long the account's company can keep paying: runway, funding stage, burn, late payments."""

from datetime import date
from decimal import Decimal

from ..assessment import Contribution, Part, new_contribution
from ..config import ModelConfig
from ..facts import AccountFacts
from .common import cached_part, missing, reason_part, remember, scored, unusable

_NO_CASH = new_contribution("cash_stability", 0, "cash.none", None, False)


def cash_stability(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """Runway, funding stage, burn (unless self-funded), late payments, nudged by segment.

    Too many combinations to remember whole contributions; their pieces are remembered instead.
    """
    runway = facts.cash_runway_months
    burn = facts.monthly_burn
    stage = facts.funding_stage
    late = facts.late_payments
    if runway is None and burn is None and stage is None and late is None:
        return _NO_CASH
    dated_on = facts.cash_facts_as_of
    if dated_on is not None:
        why = unusable(dated_on, as_of, model.max_fact_age_days)
        if why == "future":
            return missing("cash_stability", "cash.future", {"date": dated_on, "as_of": as_of})
        if why:
            params = {"date": dated_on, "days": model.max_fact_age_days}
            return missing("cash_stability", "cash.stale", params)
    # Mostly hits: look each piece up here, and only call cached_part to build a missing one.
    cache = model.compiled.parts
    parts: list[Part] = []
    # Numbers are looked up by their str (see `number_key`).
    if runway is not None:
        key = ("runway", str(runway))
        parts.append(cache.get(key) or remember(cache, key, _runway_part(model, runway)))
    if stage is not None and stage in model.funding_stage_points:
        parts.append(cache.get(("stage", stage)) or cached_part(model, "stage", stage, _stage_part))
    if burn is not None and stage not in model.compiled.self_funded_stages:
        key = ("burn", str(burn))
        parts.append(cache.get(key) or remember(cache, key, _burn_part(model, burn)))
    if late is not None:
        parts.append(cache.get(("late", late)) or cached_part(model, "late", late, _late_part))
    if not parts:
        return missing("cash_stability", "cash.unknown_stage", {"funding_stage": stage})
    segment = facts.segment
    if segment is not None and segment in model.segment_cash_points:
        parts.append(cached_part(model, "segment", segment, _segment_part))
    points = sum([part[2] for part in parts])
    if dated_on is None:
        return scored(model, "cash_stability", points, "cash.undated", {"parts": tuple(parts)})
    params = {"as_of": dated_on, "parts": tuple(parts)}
    return scored(model, "cash_stability", points, "cash.dated", params)


def _runway_part(model: ModelConfig, months: Decimal) -> Part:
    params = {"months": months, "runway": _runway_words(months)}
    return reason_part("cash.runway", params, model.compiled.runway.points_for(months))


def _stage_part(model: ModelConfig, stage: str) -> Part:
    return reason_part("cash.stage", {"stage": stage}, model.funding_stage_points[stage])


def _burn_part(model: ModelConfig, burn: Decimal) -> Part:
    # Whole units: the reason shows the order of magnitude, not the cents.
    amount = burn.quantize(Decimal(1))
    return reason_part("cash.burn", {"burn": amount}, model.compiled.burn.points_for(burn))


def _late_part(model: ModelConfig, late: int) -> Part:
    points = model.compiled.late_payments.points_for_float(late)
    if late == 0:
        return reason_part("cash.no_late_payments", None, points)
    return reason_part("cash.late_payments", {"count": late}, points)


def _segment_part(model: ModelConfig, segment: str) -> Part:
    return reason_part("cash.segment", {"segment": segment}, model.segment_cash_points[segment])


def _runway_words(months: Decimal) -> str:
    """How long the cash lasts, as a code of the wording table."""
    if months <= 0:
        return "out"
    if months <= 1:
        return "month"
    if months <= 3:
        return "quarter"
    if months <= 6:
        return "two_quarters"
    if months <= 12:
        return "year"
    if months <= 24:
        return "two_years"
    return "more"
