"""The model's building blocks: thresholds, dated country points, custom factors, lookup tables."""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .assessment import CUSTOM_FACTOR_PREFIX


class ModelConfigError(ValueError):
    """The model cannot be used as given; the message names the offending entry."""


@dataclass(frozen=True, slots=True)
class Threshold:
    value: Decimal
    points: int


@dataclass(frozen=True, slots=True)
class DatedPoints:
    """Points for a country from `effective_from` until the next entry takes over."""

    effective_from: date
    points: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class CustomFactor:
    """A company-defined signal turned into points.

    On a numeric signal (`categories` None): the points of the furthest threshold crossed. On a
    category signal (`categories` a tuple of (category, points), `thresholds` empty): the points
    of the reading's category, or `other_points` for a category the table does not list.
    """

    signal: str
    label: str
    higher_is_riskier: bool
    thresholds: tuple[Threshold, ...]
    categories: tuple[tuple[str, int], ...] | None = None
    other_points: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "thresholds", tuple(sorted(self.thresholds, key=threshold_value)))
        if self.categories is not None:
            object.__setattr__(self, "categories", tuple(sorted(self.categories)))

    @property
    def factor(self) -> str:
        return f"{CUSTOM_FACTOR_PREFIX}{self.signal}"

    @property
    def on_categories(self) -> bool:
        return self.categories is not None


class Table:
    """A threshold table ready for lookup.

    `upward` tables are crossed when the value is >= a threshold, the others when it is <=.
    Lookups answer "the points of the furthest threshold crossed, 0 when none is".
    """

    __slots__ = ("_by_position", "_search", "floats", "points", "upward", "values")

    def __init__(self, thresholds: tuple[Threshold, ...], *, upward: bool) -> None:
        ordered = sorted(thresholds, key=threshold_value)
        self.values = tuple(t.value for t in ordered)
        # Float copies serve float and int inputs (ratios, day counts) without Decimal conversions.
        self.floats = tuple(float(t.value) for t in ordered)
        self.points = tuple(t.points for t in ordered)
        self.upward = upward
        # One bisect answers a lookup: its insertion point indexes the points with a 0 added on
        # the side where no threshold is crossed.
        if upward:
            self._search = bisect_right
            self._by_position = (0, *self.points)
        else:
            self._search = bisect_left
            self._by_position = (*self.points, 0)

    def index(self, value: Decimal) -> int:
        """Index in `values` of the furthest threshold crossed, -1 when none is."""
        position = self._search(self.values, value)
        if self.upward:
            return position - 1
        return position if position < len(self.values) else -1

    def points_for(self, value: Decimal) -> int:
        return self._by_position[self._search(self.values, value)]

    def points_for_float(self, value: float) -> int:
        return self._by_position[self._search(self.floats, value)]


def threshold_value(threshold: Threshold) -> Decimal:
    return threshold.value


def check_table(
    name: str, thresholds: tuple[Threshold, ...], *, upward: bool, protective: bool = False
) -> None:
    """Reject tables that would let a riskier value lower the score."""
    values = [t.value for t in thresholds]
    if any(not v.is_finite() for v in values):
        raise ModelConfigError(f"{name}: threshold values must be finite numbers")
    if len(set(values)) != len(values):
        raise ModelConfigError(f"{name}: two thresholds have the same value")
    crossing_order = sorted(thresholds, key=threshold_value, reverse=not upward)
    previous = 0
    for t in crossing_order:
        if protective and t.points > previous:
            raise ModelConfigError(
                f"{name}: protective points must be 0 or less and fall as the value improves"
            )
        if not protective and t.points < previous:
            raise ModelConfigError(
                f"{name}: points must be 0 or more and grow as the value gets riskier"
            )
        previous = t.points
