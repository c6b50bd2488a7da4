"""What every factor shares: weights, the memos, pieces of reasons, stale facts."""

from collections.abc import Callable, Hashable
from datetime import date
from math import floor

from ..assessment import PARTS_CODE, Contribution, Part, ReasonParams, new_contribution
from ..config import MEMO_LIMIT, ModelConfig

# number_key: memo keys hold a number read from the database (a discount, a runway, a signal's
# value) as its str, not as the Decimal. Every account brings fresh Decimal objects, and CPython
# computes a Decimal's hash through modular arithmetic the first time: about 1 µs for a value
# with four decimal places, five times its str. Equal values written differently ("3.5",
# "3.5000") get two entries, which only costs a little sharing.


def remember[V](memo: dict[Hashable, V], key: Hashable, found: V) -> V:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = found
    return found


def reason_part(code: str, params: ReasonParams | None, points: int) -> Part:
    return (code, params or {}, points)


def scored(
    model: ModelConfig, factor: str, raw: int, code: str, params: ReasonParams | None = None
) -> Contribution:
    """Apply the factor's weight (rounded half up); the reason keeps both sides of the sum."""
    weight = model.compiled.weights[factor]
    if weight == 1.0:
        return new_contribution(factor, raw, code, params, True)
    points = floor(raw * weight + 0.5)
    return new_contribution(factor, points, code, params, True, raw, weight)


def missing(factor: str, code: str, params: ReasonParams | None = None) -> Contribution:
    return new_contribution(factor, 0, code, params, False)


def unusable(dated_on: date, as_of: date, max_age_days: int) -> str | None:
    """Why a fact dated `dated_on` cannot count at `as_of` ("future" or "stale"), None when it can.

    Backtests score the past: a fact recorded later was not known then.
    """
    if dated_on > as_of:
        return "future"
    if (as_of - dated_on).days > max_age_days:
        return "stale"
    return None


def join_parts(parts: list[Part]) -> tuple[int, str, ReasonParams]:
    """Total points and one reason; parts show their own points only when there are two+."""
    if len(parts) == 1:
        code, params, points = parts[0]
        return points, code, params
    if len(parts) == 2:  # the usual case, without building a list
        first, second = parts
        return first[2] + second[2], PARTS_CODE, {"parts": (first, second)}
    return sum([part[2] for part in parts]), PARTS_CODE, {"parts": tuple(parts)}


def cached_part[T: Hashable](
    model: ModelConfig, kind: str, value: T, build: Callable[[ModelConfig, T], Part]
) -> Part:
    """A piece of reason from the parts cache, built on first use."""
    cache = model.compiled.parts
    key = (kind, value)
    part = cache.get(key)
    if part is None:
        part = remember(cache, key, build(model, value))
    return part
