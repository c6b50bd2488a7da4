"""The risk model as data: tables an admin edits, stored as JSON, compiled once for fast lookups.

Every threshold table is validated so that a riskier input can never lower the score: in a risk
table points only grow (from 0) as the value moves in the risky direction; in a protective table
(usage rise, KPI over-achievement) points only fall (from 0) as the value improves.
"""

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from .assessment import FACTORS, BandThresholds, Contribution, Part
from .jsonform import CODECS
from .tables import (
    CustomFactor,
    DatedPoints,
    ModelConfigError,
    Table,
    Threshold,
    check_table,
    threshold_value,
)


def _empty() -> Mapping[Any, Any]:
    return MappingProxyType({})


# Past this many entries a memo starts over: a nightly run over a million accounts repeats the
# same few thousand (industry, renewal date, discount...) combinations, so a small memo is enough
# and a bounded one keeps a long backtest from growing without limit.
MEMO_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """The risk model. Build it once per run (`from_dict`) and reuse it for every account.

    Every field defaults to a neutral value (empty tables count 0 points), so a partial model is
    usable; risk/default_model.py holds the real starting model. Threshold values are Decimal;
    day-based tables count days, percentage tables count percent. The package docstring says
    what each factor means to an admin.
    """

    base_score: int = 20
    bands: BandThresholds = BandThresholds(medium=35, high=55, critical=75)
    max_fact_age_days: int = 180
    weights: Mapping[str, float] = field(default_factory=_empty)
    industry_points: Mapping[str, int] = field(default_factory=_empty)
    country_points: Mapping[str, tuple[DatedPoints, ...]] = field(default_factory=_empty)
    region_of_country: Mapping[str, str] = field(default_factory=_empty)
    region_points: Mapping[str, int] = field(default_factory=_empty)
    # cash_stability
    runway_thresholds: tuple[Threshold, ...] = ()  # months, risky downward
    funding_stage_points: Mapping[str, int] = field(default_factory=_empty)
    burn_thresholds: tuple[Threshold, ...] = ()  # currency per month, risky upward
    self_funded_stages: tuple[str, ...] = ()  # stages whose burn is paid by revenue
    late_payment_thresholds: tuple[Threshold, ...] = ()  # count over 12 months, risky upward
    segment_cash_points: Mapping[str, int] = field(default_factory=_empty)
    # phase
    phase_points: Mapping[str, int] = field(default_factory=_empty)
    deployment_late_thresholds: tuple[Threshold, ...] = ()  # days past go-live, risky upward
    expected_deployment_days: int = 90  # go-live assumed this long after entering deployment
    break_clause_thresholds: tuple[Threshold, ...] = ()  # days until the clause, risky downward
    break_clause_phases: tuple[str, ...] = ()
    defense_duration_thresholds: tuple[Threshold, ...] = ()  # days in defense, risky upward
    # renewal_proximity
    renewal_thresholds: tuple[Threshold, ...] = ()  # days until renewal, risky downward
    renewal_overdue_points: int = 0
    # signing_discount
    signing_discount_thresholds: tuple[Threshold, ...] = ()  # percent, risky upward
    # stakeholder
    stakeholder_left_thresholds: tuple[Threshold, ...] = ()  # days since departure, risky down
    # usage_trend
    usage_window_days: int = 90
    usage_fall_thresholds: tuple[Threshold, ...] = ()  # change in % of seats, risky downward
    usage_rise_thresholds: tuple[Threshold, ...] = ()  # change in % of seats, protective upward
    low_adoption_thresholds: tuple[Threshold, ...] = ()  # latest % of seats, risky downward
    # kpi_attainment
    kpi_shortfall_thresholds: tuple[Threshold, ...] = ()  # average attainment %, risky downward
    kpi_overachievement_thresholds: tuple[Threshold, ...] = ()  # attainment %, protective upward
    kpi_attainment_cap_pct: int = 150  # one runaway KPI must not hide the others
    # usage intensity (part of usage_trend): a numeric signal, such as sessions per active user
    # per week; "" reads none
    usage_intensity_signal: str = ""
    low_intensity_thresholds: tuple[Threshold, ...] = ()  # intensity, risky downward
    # account_size: licensed seats when usage is known, else MRR per month; both risky downward
    size_seat_thresholds: tuple[Threshold, ...] = ()
    size_mrr_thresholds: tuple[Threshold, ...] = ()
    # mrr_trend: MRR now against `mrr_window_days` earlier, in percent of the earlier MRR
    mrr_window_days: int = 180
    mrr_fall_thresholds: tuple[Threshold, ...] = ()  # change %, risky downward (contraction)
    mrr_rise_thresholds: tuple[Threshold, ...] = ()  # change %, protective upward (expansion)
    custom_factors: tuple[CustomFactor, ...] = ()
    compiled: "Compiled" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for f in fields(self):
            if not f.init:
                continue
            value = getattr(self, f.name)
            # Copy and freeze: an admin's dict edited after building must not change the model.
            if isinstance(value, Mapping):
                object.__setattr__(self, f.name, MappingProxyType(dict(value)))
            elif f.name.endswith("_thresholds"):
                object.__setattr__(self, f.name, tuple(sorted(value, key=threshold_value)))
        object.__setattr__(
            self,
            "country_points",
            MappingProxyType(
                {
                    code: tuple(sorted(entries, key=_effective_from))
                    for code, entries in self.country_points.items()
                }
            ),
        )
        _validate(self)
        object.__setattr__(self, "compiled", Compiled(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "ModelConfig":
        """Build from the JSON form; missing keys take the neutral defaults, unknown keys fail."""
        if not isinstance(data, Mapping):
            raise ModelConfigError("the model must be a JSON object")
        unknown = sorted(set(data) - set(CODECS))
        if unknown:
            raise ModelConfigError(f"unknown model keys: {', '.join(map(str, unknown))}")
        kwargs = {name: CODECS[name][0](value, name) for name, value in data.items()}
        return cls(**kwargs)

    def to_dict(self) -> dict[str, object]:
        """The JSON form: dates as ISO strings, threshold values as decimal strings."""
        return {name: write(getattr(self, name)) for name, (_, write) in CODECS.items()}


def _effective_from(entry: DatedPoints) -> date:
    return entry.effective_from


class Compiled:
    """Lookups precomputed from a ModelConfig, plus the memo of contributions already built."""

    __slots__ = (
        "break_clause",
        "low_intensity",
        "mrr_fall",
        "mrr_rise",
        "size_mrr",
        "size_seats",
        "break_clause_phases",
        "burn",
        "countries",
        "custom",
        "defense_duration",
        "deployment_late",
        "kpi_over",
        "kpi_shortfall",
        "late_payments",
        "low_adoption",
        "memos",
        "parts",
        "renewal",
        "runway",
        "self_funded_stages",
        "signing_discount",
        "stakeholder_left",
        "unread_signals",
        "usage_fall",
        "usage_rise",
        "usage_window",
        "weights",
    )

    def __init__(self, model: ModelConfig) -> None:
        self.weights = dict.fromkeys(FACTORS, 1.0)
        self.weights.update({cf.factor: 1.0 for cf in model.custom_factors})
        self.weights.update(model.weights)
        self.countries = {
            code: (tuple(e.effective_from for e in entries), entries)
            for code, entries in model.country_points.items()
        }
        self.runway = Table(model.runway_thresholds, upward=False)
        self.burn = Table(model.burn_thresholds, upward=True)
        self.self_funded_stages = frozenset(model.self_funded_stages)
        self.late_payments = Table(model.late_payment_thresholds, upward=True)
        self.deployment_late = Table(model.deployment_late_thresholds, upward=True)
        self.break_clause = Table(model.break_clause_thresholds, upward=False)
        self.break_clause_phases = frozenset(model.break_clause_phases)
        self.defense_duration = Table(model.defense_duration_thresholds, upward=True)
        self.renewal = Table(model.renewal_thresholds, upward=False)
        self.signing_discount = Table(model.signing_discount_thresholds, upward=True)
        self.stakeholder_left = Table(model.stakeholder_left_thresholds, upward=False)
        self.usage_window = timedelta(days=model.usage_window_days)
        self.usage_fall = Table(model.usage_fall_thresholds, upward=False)
        self.usage_rise = Table(model.usage_rise_thresholds, upward=True)
        self.low_adoption = Table(model.low_adoption_thresholds, upward=False)
        self.kpi_shortfall = Table(model.kpi_shortfall_thresholds, upward=False)
        self.kpi_over = Table(model.kpi_overachievement_thresholds, upward=True)
        self.low_intensity = Table(model.low_intensity_thresholds, upward=False)
        self.size_seats = Table(model.size_seat_thresholds, upward=False)
        self.size_mrr = Table(model.size_mrr_thresholds, upward=False)
        self.mrr_fall = Table(model.mrr_fall_thresholds, upward=False)
        self.mrr_rise = Table(model.mrr_rise_thresholds, upward=True)
        # Sorted by factor name so assess() emits contributions already in tie-break order.
        self.custom = tuple(
            (
                cf.factor,
                cf,
                Table(cf.thresholds, upward=cf.higher_is_riskier),
                dict(cf.categories or ()),
            )
            for cf in sorted(model.custom_factors, key=lambda cf: cf.factor)
        )
        # Filled on first use by factors.unread_signals: every custom factor's "no reading".
        self.unread_signals: tuple[Contribution, ...] | None = None
        # One memo per factor, so a factor with endless combinations cannot evict the others.
        # Sharing a model between threads is safe: entries are only ever added or all dropped.
        self.memos: dict[str, dict[Hashable, Contribution]] = {name: {} for name in self.weights}
        # Pieces of reasons (a runway, a burn...) reused across accounts: (code, params, points).
        self.parts: dict[Hashable, Part] = {}


# Validation --------------------------------------------------------------------------------

# (field, crossed upward?, protective?) for every built-in threshold table; the directions are
# the ones Compiled gives its Tables.
_TABLES = (
    ("runway_thresholds", False, False),
    ("burn_thresholds", True, False),
    ("late_payment_thresholds", True, False),
    ("deployment_late_thresholds", True, False),
    ("break_clause_thresholds", False, False),
    ("defense_duration_thresholds", True, False),
    ("renewal_thresholds", False, False),
    ("signing_discount_thresholds", True, False),
    ("stakeholder_left_thresholds", False, False),
    ("usage_fall_thresholds", False, False),
    ("usage_rise_thresholds", True, True),
    ("low_adoption_thresholds", False, False),
    ("kpi_shortfall_thresholds", False, False),
    ("kpi_overachievement_thresholds", True, True),
    ("low_intensity_thresholds", False, False),
    ("size_seat_thresholds", False, False),
    ("size_mrr_thresholds", False, False),
    ("mrr_fall_thresholds", False, False),
    ("mrr_rise_thresholds", True, True),
)


def _validate(model: ModelConfig) -> None:
    if not 0 <= model.base_score <= 100:
        raise ModelConfigError("base_score must be between 0 and 100")
    for name in ("max_fact_age_days", "usage_window_days", "mrr_window_days"):
        if getattr(model, name) < 1:
            raise ModelConfigError(f"{name} must be at least 1")
    if model.expected_deployment_days < 0:
        raise ModelConfigError("expected_deployment_days must not be negative")
    if model.kpi_attainment_cap_pct < 100:
        raise ModelConfigError("kpi_attainment_cap_pct must be at least 100")
    for name, upward, protective in _TABLES:
        check_table(name, getattr(model, name), upward=upward, protective=protective)
    worst_renewal = max((t.points for t in model.renewal_thresholds), default=0)
    if model.renewal_overdue_points < worst_renewal:
        raise ModelConfigError(
            "renewal_overdue_points must be at least the points of the closest renewal window"
        )
    _validate_geography(model)
    _validate_custom_factors(model)
    _validate_weights(model)


def _validate_geography(model: ModelConfig) -> None:
    for code, entries in model.country_points.items():
        if not entries:
            raise ModelConfigError(f"country_points.{code}: needs at least one dated entry")
        days = [e.effective_from for e in entries]
        if len(set(days)) != len(days):
            raise ModelConfigError(f"country_points.{code}: two entries start on the same day")
    for code, region in model.region_of_country.items():
        if region not in model.region_points:
            raise ModelConfigError(f"region_of_country.{code}: region {region!r} has no points")


def _validate_custom_factors(model: ModelConfig) -> None:
    signals = [cf.signal for cf in model.custom_factors]
    if len(set(signals)) != len(signals):
        raise ModelConfigError("custom_factors: each signal may have only one factor")
    for cf in model.custom_factors:
        if not cf.signal or not cf.label:
            raise ModelConfigError("custom_factors: signal and label must not be empty")
        if cf.signal == model.usage_intensity_signal:
            raise ModelConfigError(
                f"custom_factors.{cf.signal}: this signal already counts as usage intensity"
            )
        if cf.categories is None:
            check_table(f"custom_factors.{cf.signal}", cf.thresholds, upward=cf.higher_is_riskier)
            continue
        if cf.thresholds:
            raise ModelConfigError(
                f"custom_factors.{cf.signal}: a category factor has points per category, "
                "not thresholds"
            )
        names = [name for name, _ in cf.categories]
        if any(not name or name != name.strip() for name in names):
            raise ModelConfigError(
                f"custom_factors.{cf.signal}: a category must not be empty or padded with spaces"
            )
        if len(set(names)) != len(names):
            raise ModelConfigError(f"custom_factors.{cf.signal}: a category is listed twice")


def _validate_weights(model: ModelConfig) -> None:
    known = set(FACTORS) | {cf.factor for cf in model.custom_factors}
    for name, weight in model.weights.items():
        if name not in known:
            raise ModelConfigError(f"weights.{name}: no such factor")
        # A negative weight would turn every risk into protection and break monotonicity.
        if not (math.isfinite(weight) and weight >= 0):
            raise ModelConfigError(f"weights.{name}: must be a finite number, 0 or more")
