"""What every factor shares: weights, the memos, pieces of reasons, stale facts."""

from collections.abc import Callable, Hashable
from datetime import date
from math import floor

from ..assessment import Contribution, new_contribution
from ..config import MEMO_LIMIT, ModelConfig
from ..text import format_date

# Format specs cost more than the rest of a reason: signed points come from a table.
SIGNED = {points: f"{points:+d}" for points in range(-200, 201)}

# A piece of a reason: (text, text followed by its points, points).
Part = tuple[str, str, int]


def signed(points: int) -> str:
    return SIGNED.get(points) or f"{points:+d}"


def remember[V](memo: dict[Hashable, V], key: Hashable, found: V) -> V:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = found
    return found


def reason_part(text: str, points: int) -> Part:
    return (text, f"{text} ({signed(points)})", points)


def scored(model: ModelConfig, factor: str, raw: int, text: str) -> Contribution:
    """Apply the factor's weight (rounded half up) and end the reason with the points that count."""
    weight = model.compiled.weights[factor]
    if weight == 1.0:
        reason = f"{text}, {SIGNED.get(raw) or signed(raw)}"
        return new_contribution(factor, raw, reason, True)
    points = floor(raw * weight + 0.5)
    return new_contribution(
        factor, points, f"{text}, {signed(raw)} × {weight:g} = {signed(points)}", True
    )


def missing(factor: str, reason: str) -> Contribution:
    return new_contribution(factor, 0, reason, False)


def unusable(dated_on: date, as_of: date, max_age_days: int) -> str | None:
    """Why a fact dated `dated_on` cannot count at `as_of`, None when it can."""
    if dated_on > as_of:
        # Backtests score the past: a fact recorded later was not known then.
        return f"dated after {format_date(as_of)}"
    if (as_of - dated_on).days > max_age_days:
        return f"older than {max_age_days} days"
    return None


def join_parts(parts: list[Part]) -> tuple[int, str]:
    """Total points and one line of text; parts show their own points only when there are two+."""
    if len(parts) == 1:
        return parts[0][2], parts[0][0]
    if len(parts) == 2:  # the usual case, without building two lists
        first, second = parts
        return first[2] + second[2], f"{first[1]}; {second[1]}"
    return sum([part[2] for part in parts]), "; ".join([part[1] for part in parts])


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
