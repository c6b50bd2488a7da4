"""Company-defined signals turned into points: thresholds on a number (CSAT, open tickets...),
points per category on a category (plan, acquisition channel...)."""

from collections.abc import Hashable, Mapping
from datetime import date

from ..assessment import Contribution
from ..config import ModelConfig
from ..facts import AccountFacts, SignalReading
from ..tables import CustomFactor, Table
from .common import missing, remember, scored, unusable


def custom_signal(
    factor: CustomFactor, facts: AccountFacts, model: ModelConfig, as_of: date
) -> Contribution:
    """A company-defined signal: the points of the furthest threshold crossed (0 otherwise), or
    the points of its category."""
    for name, configured, table, categories in model.compiled.custom:
        if configured == factor:
            return signal_contribution(name, factor, table, categories, facts, model, as_of)
    raise ValueError(f"{factor.factor} is not one of this model's custom factors")


def signal_contribution(
    name: str,
    factor: CustomFactor,
    table: Table,
    categories: Mapping[str, int],
    facts: AccountFacts,
    model: ModelConfig,
    as_of: date,
) -> Contribution:
    """custom_signal() for assess(), with the factor's name, table and categories looked up."""
    reading = facts.signals.get(factor.signal)
    memo = model.compiled.memos[name]
    if reading is None:
        key: Hashable = None
    else:
        # str(value), not the Decimal: see `number_key`.
        value = reading.value
        key = (None if value is None else str(value), reading.category, reading.as_of, as_of)
    found = memo.get(key)
    if found is None:
        found = remember(memo, key, _signal(name, factor, table, categories, reading, model, as_of))
    return found


def _signal(
    name: str,
    factor: CustomFactor,
    table: Table,
    categories: Mapping[str, int],
    reading: SignalReading | None,
    model: ModelConfig,
    as_of: date,
) -> Contribution:
    label = factor.label
    on_categories = factor.categories is not None
    # A reading of the other kind (a number for a category factor) says nothing to this factor.
    if reading is None or (reading.category is None if on_categories else reading.value is None):
        return missing(name, "signal.none", {"label": label})
    why = unusable(reading.as_of, as_of, model.max_fact_age_days)
    if why == "future":
        return missing(
            name, "signal.future", {"label": label, "date": reading.as_of, "as_of": as_of}
        )
    if why:
        params = {"label": label, "date": reading.as_of, "days": model.max_fact_age_days}
        return missing(name, "signal.stale", params)
    if on_categories:
        category = reading.category
        points = categories.get(category)  # type: ignore[arg-type]
        params = {"label": label, "category": category, "date": reading.as_of}
        if points is None:
            return scored(model, name, factor.other_points, "signal.category_other", params)
        return scored(model, name, points, "signal.category", params)
    value = reading.value
    assert value is not None
    i = table.index(value)
    if i < 0:
        return scored(
            model,
            name,
            0,
            "signal.value",
            {"label": label, "value": value, "date": reading.as_of},
        )
    code = "signal.at_or_above" if factor.higher_is_riskier else "signal.at_or_below"
    params = {
        "label": label,
        "value": value,
        "date": reading.as_of,
        "threshold": table.values[i],
    }
    return scored(model, name, table.points[i], code, params)


def unread_signals(model: ModelConfig) -> tuple[Contribution, ...]:
    """Every custom factor's "no reading" contribution, for accounts without any signal."""
    compiled = model.compiled
    if compiled.unread_signals is None:
        compiled.unread_signals = tuple(
            _signal(name, factor, table, categories, None, model, date.min)
            for name, factor, table, categories in compiled.custom
        )
    return compiled.unread_signals
