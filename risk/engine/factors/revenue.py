"""Whether the account pays more or less than it did: a contraction (a downgrade, seats cut at
renewal) often comes before the account leaves, an expansion says it is growing with us."""

from datetime import date
from math import floor

from ..assessment import Contribution, new_contribution
from ..config import ModelConfig
from ..facts import AccountFacts
from .common import remember, scored

_NO_MRR_TREND = new_contribution("mrr_trend", 0, "mrr.none", None, False)


def mrr_trend(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """MRR now against `mrr_window_days` earlier, in whole percent of the earlier MRR.

    No data when either is unknown or zero (no billing figure): a new account has nothing to
    compare with, and its size is read by `account_size`.
    """
    change = mrr_change_pct(facts)
    if change is None:
        return _NO_MRR_TREND
    memo = model.compiled.memos["mrr_trend"]
    found = memo.get(change)
    if found is None:
        found = remember(memo, change, _mrr_contribution(model, change))
    return found


def mrr_change_pct(facts: AccountFacts) -> int | None:
    """The change of MRR over the window in whole percent of the earlier MRR (rounded half up,
    so the reason's figure is the one that scored), None when it cannot be read."""
    earlier = facts.mrr_earlier
    mrr = facts.mrr
    if earlier is None or earlier <= 0 or mrr <= 0:
        return None
    if mrr == earlier:  # most accounts: no float conversions (~0.4 µs each for a fresh Decimal)
        return 0
    return floor(100 * (float(mrr) - float(earlier)) / float(earlier) + 0.5)


def _mrr_contribution(model: ModelConfig, change: int) -> Contribution:
    compiled = model.compiled
    points = compiled.mrr_fall.points_for_float(change) + compiled.mrr_rise.points_for_float(change)
    code = "mrr.fell" if change < 0 else "mrr.rose" if change > 0 else "mrr.held"
    params = {"pct": abs(change), "days": model.mrr_window_days}
    return scored(model, "mrr_trend", points, code, params)
