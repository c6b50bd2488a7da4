"""assess(): every factor's contribution, summed onto the base score and banded."""

from collections.abc import Sequence
from datetime import date
from operator import attrgetter

from .assessment import Assessment, Contribution, band_for, new_assessment
from .config import ModelConfig
from .factors import (
    account_size,
    cash_stability,
    geography,
    industry,
    kpi_attainment,
    mrr_trend,
    phase,
    renewal_proximity,
    signal_contribution,
    signing_discount,
    stakeholder,
    unread_signals,
    usage_trend,
)
from .facts import AccountFacts

_POINTS = attrgetter("points")


def assess(facts: AccountFacts, model: ModelConfig, *, as_of: date) -> Assessment:
    """Score one account as of a date. Pure: same facts, model and date, same assessment.

    Contributions come biggest drag first; ties by factor name. The score is the model's base
    score plus every contribution's points, clamped to 0..100.
    """
    signals: Sequence[Contribution]
    if facts.signals:
        signals = [
            signal_contribution(name, factor, table, categories, facts, model, as_of)
            for name, factor, table, categories in model.compiled.custom
        ]
    else:
        signals = unread_signals(model)
    # Built in factor-name order ("signal:..." sorts between "renewal_..." and "signing_..."),
    # so one stable sort on points gives the documented tie-break without a second key.
    contributions = [
        account_size(facts, model, as_of),
        cash_stability(facts, model, as_of),
        geography(facts, model, as_of),
        industry(facts, model, as_of),
        kpi_attainment(facts, model, as_of),
        mrr_trend(facts, model, as_of),
        phase(facts, model, as_of),
        renewal_proximity(facts, model, as_of),
        *signals,
        signing_discount(facts, model, as_of),
        stakeholder(facts, model, as_of),
        usage_trend(facts, model, as_of),
    ]
    contributions.sort(key=_POINTS, reverse=True)
    total = model.base_score + sum(map(_POINTS, contributions))
    score = 0 if total < 0 else 100 if total > 100 else total
    return new_assessment(score, band_for(score, model.bands), tuple(contributions))
