"""Company-defined signals (CSAT, open tickets...) turned into points by the admin's thresholds."""

from datetime import date

from ..assessment import Contribution
from ..config import ModelConfig
from ..facts import AccountFacts, SignalReading
from ..tables import CustomFactor, Table
from ..text import format_date, format_decimal
from .common import missing, remember, scored, unusable


def custom_signal(
    factor: CustomFactor, facts: AccountFacts, model: ModelConfig, as_of: date
) -> Contribution:
    """A company-defined signal: the points of the furthest threshold crossed, 0 otherwise."""
    for name, configured, table in model.compiled.custom:
        if configured == factor:
            return signal_contribution(name, factor, table, facts, model, as_of)
    raise ValueError(f"{factor.factor} is not one of this model's custom factors")


def signal_contribution(
    name: str,
    factor: CustomFactor,
    table: Table,
    facts: AccountFacts,
    model: ModelConfig,
    as_of: date,
) -> Contribution:
    """custom_signal() for assess(), with the factor's name and table already looked up."""
    reading = facts.signals.get(factor.signal)
    memo = model.compiled.memos[name]
    key = None if reading is None else (reading.value, reading.as_of, as_of)
    found = memo.get(key)
    if found is None:
        found = remember(memo, key, _signal(name, factor, table, reading, model, as_of))
    return found


def _signal(
    name: str,
    factor: CustomFactor,
    table: Table,
    reading: SignalReading | None,
    model: ModelConfig,
    as_of: date,
) -> Contribution:
    label = factor.label
    if reading is None:
        return missing(name, f"No {label} reading recorded")
    dated = format_date(reading.as_of)
    why = unusable(reading.as_of, as_of, model.max_fact_age_days)
    if why:
        return missing(name, f"{label} reading as of {dated} is {why}: treated as missing")
    i = table.index(reading.value)
    text = f"{label} {format_decimal(reading.value)} (as of {dated})"
    if i < 0:
        return scored(model, name, 0, text)
    beyond = "at or above" if factor.higher_is_riskier else "at or below"
    text = f"{text}: {beyond} {format_decimal(table.values[i])}"
    return scored(model, name, table.points[i], text)


def unread_signals(model: ModelConfig) -> tuple[Contribution, ...]:
    """Every custom factor's "no reading" contribution, for accounts without any signal."""
    compiled = model.compiled
    if compiled.unread_signals is None:
        compiled.unread_signals = tuple(
            _signal(name, factor, table, None, model, date.min)
            for name, factor, table in compiled.custom
        )
    return compiled.unread_signals
