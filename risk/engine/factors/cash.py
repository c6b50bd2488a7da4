"""How long the account's company can keep paying: runway, funding stage, burn, late payments."""

from datetime import date
from decimal import Decimal

from ..assessment import Contribution, new_contribution
from ..config import ModelConfig
from ..facts import AccountFacts
from ..text import format_date, format_decimal
from .common import Part, cached_part, join_parts, missing, reason_part, scored, unusable

_NO_CASH = new_contribution("cash_stability", 0, "No cash facts recorded", False)

_STAGE_LABELS = {
    "bootstrapped": "bootstrapped company",
    "seed": "seed-stage start-up",
    "series_a": "Series A start-up",
    "series_b_plus": "Series B+ start-up",
    "profitable": "profitable company",
    "listed": "listed company",
    "multinational": "multinational with reserves",
}
_SEGMENT_LABELS = {"smb": "small business", "mid_market": "mid-market", "enterprise": "enterprise"}


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
        if why:
            text = f"Cash facts as of {format_date(dated_on)} are {why}: treated as missing"
            return missing("cash_stability", text)
    # Mostly hits: look each piece up here, and only call cached_part to build a missing one.
    cache = model.compiled.parts
    parts: list[Part] = []
    if runway is not None:
        parts.append(
            cache.get(("runway", runway)) or cached_part(model, "runway", runway, _runway_part)
        )
    if stage is not None and stage in model.funding_stage_points:
        parts.append(cache.get(("stage", stage)) or cached_part(model, "stage", stage, _stage_part))
    if burn is not None and stage not in model.compiled.self_funded_stages:
        parts.append(cache.get(("burn", burn)) or cached_part(model, "burn", burn, _burn_part))
    if late is not None:
        parts.append(cache.get(("late", late)) or cached_part(model, "late", late, _late_part))
    if not parts:
        return missing("cash_stability", f"Funding stage {stage!r} is not in the risk model")
    segment = facts.segment
    if segment is not None and segment in model.segment_cash_points:
        parts.append(cached_part(model, "segment", segment, _segment_part))
    points, text = join_parts(parts)
    when = f"as of {format_date(dated_on)}" if dated_on is not None else "undated"
    return scored(model, "cash_stability", points, f"Cash ({when}): {text}")


def _runway_part(model: ModelConfig, months: Decimal) -> Part:
    text = f"runway {format_decimal(months)} months, {_runway_words(months)}"
    return reason_part(text, model.compiled.runway.points_for(months))


def _stage_part(model: ModelConfig, stage: str) -> Part:
    return reason_part(_STAGE_LABELS.get(stage, stage), model.funding_stage_points[stage])


def _burn_part(model: ModelConfig, burn: Decimal) -> Part:
    return reason_part(f"burning {burn:,.0f} a month", model.compiled.burn.points_for(burn))


def _late_part(model: ModelConfig, late: int) -> Part:
    return reason_part(
        _late_payments_text(late), model.compiled.late_payments.points_for_float(late)
    )


def _segment_part(model: ModelConfig, segment: str) -> Part:
    return reason_part(_SEGMENT_LABELS.get(segment, segment), model.segment_cash_points[segment])


def _runway_words(months: Decimal) -> str:
    if months <= 0:
        return "out of cash"
    if months <= 1:
        return "cash runs out within a month"
    if months <= 3:
        return "survives one quarter at most"
    if months <= 6:
        return "less than two quarters of cash"
    if months <= 12:
        return "less than a year of cash"
    if months <= 24:
        return "less than two years of cash"
    return "two years of cash or more"


def _late_payments_text(late: int) -> str:
    if late == 0:
        return "no late payments in 12 months"
    if late == 1:
        return "1 late payment in 12 months"
    return f"{late} late payments in 12 months"
