"""Lever specifications: their parameters, limits, and which accounts they apply to."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from .impact import BANDS, KIND_PARAMS, PHASES, AccountContext, LeverParamError

GIVE_BACKS: tuple[str, ...] = ("success_story", "webinar", "reference", "longer_commitment")

# The unit of each parameter the formulas read (impact.KIND_PARAMS), as a code the interface
# words: "money" is in the account's (or the catalogue's) currency, "money_per_month" the same a
# month ("money_per_day" a day), "percent" in percent points (10 is 10 %), "count" a plain number
# of things.
PARAM_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "months": "months",
        "extra_months": "months",
        "days": "days",
        "day_rate": "money_per_day",
        "balance": "money",
        "upgrade_mrr": "money_per_month",
        "value_mrr": "money_per_month",
        "feature_mrr": "money_per_month",
        "instalments": "count",
        "percent": "percent",
    }
)
# The widest bounds an admin may give a parameter of each unit: past these a figure is a typo
# (a 250 % discount, a 40-year holiday), whatever the lever.
UNIT_CEILINGS: Mapping[str, Decimal] = MappingProxyType(
    {
        "months": Decimal("120"),
        "days": Decimal("365"),
        "money": Decimal("10000000"),
        "money_per_month": Decimal("1000000"),
        "money_per_day": Decimal("100000"),
        "count": Decimal("60"),
        "percent": Decimal("100"),
    }
)


@dataclass(frozen=True, slots=True)
class ParamLimit:
    """The accepted range of one parameter, inclusive; `label` names it in error messages."""

    min: Decimal
    max: Decimal
    label: str
    is_whole_number: bool = False

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"{self.label}: minimum {self.min} is above maximum {self.max}.")


@dataclass(frozen=True, slots=True)
class LeverSpec:
    """One lever of the catalogue. An empty phases/bands/segments set means "everywhere"."""

    kind: str
    name: str
    default_params: Mapping[str, Decimal]
    param_limits: Mapping[str, ParamLimit]
    phases: frozenset[str]
    bands: frozenset[str]
    segments: frozenset[str]
    give_backs: tuple[str, ...]
    keeps_cash_flowing: bool
    keeps_subscription: bool

    def __post_init__(self) -> None:
        # Catalogues are edited by admins: refuse a broken lever when it is built, not when a
        # CSM first tries to cost it.
        if self.kind not in KIND_PARAMS:
            raise ValueError(f"Unknown lever kind {self.kind!r}.")
        expected = sorted(KIND_PARAMS[self.kind])
        if sorted(self.param_limits) != expected:
            raise ValueError(
                f"A {self.kind} lever takes the parameters {', '.join(expected)}, "
                f"not {', '.join(sorted(self.param_limits)) or 'none'}."
            )
        _check_codes("phase", self.phases, PHASES)
        _check_codes("band", self.bands, BANDS)
        _check_codes("give-back", self.give_backs, GIVE_BACKS)
        for name, value in self.default_params.items():
            if name not in self.param_limits:
                raise ValueError(f"{self.name}: default for unknown parameter {name!r}.")
            _clean_value(name, value, self.param_limits[name])
        object.__setattr__(self, "default_params", MappingProxyType(dict(self.default_params)))
        object.__setattr__(self, "param_limits", MappingProxyType(dict(self.param_limits)))


def _check_codes(what: str, codes: Iterable[str], known: tuple[str, ...]) -> None:
    unknown = sorted(set(codes) - set(known))
    if unknown:
        expected = ", ".join(known)
        raise ValueError(f"Unknown {what} {', '.join(unknown)}; expected one of {expected}.")


def _to_decimal(field: str, raw: object, label: str) -> Decimal:
    if isinstance(raw, float):
        # Money is never a float; a float here is a bug in the caller, not a user's typo.
        raise TypeError(f"{field}: pass a Decimal, int or str, not a float.")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = Decimal(raw)
    elif isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            raise LeverParamError(field, f"{label} must be a number.") from None
    else:
        raise LeverParamError(field, f"{label} must be a number.")
    if not value.is_finite():
        raise LeverParamError(field, f"{label} must be a number.")
    return value


def _clean_value(field: str, raw: object, limit: ParamLimit) -> Decimal:
    value = _to_decimal(field, raw, limit.label)
    if value < 0:
        raise LeverParamError(field, f"{limit.label} cannot be negative.")
    if value < limit.min:
        raise LeverParamError(field, f"{limit.label} must be at least {limit.min:f}.")
    if value > limit.max:
        raise LeverParamError(field, f"{limit.label} cannot be over {limit.max:f}.")
    if limit.is_whole_number and value != value.to_integral_value():
        raise LeverParamError(field, f"{limit.label} must be a whole number.")
    return value


def validate_params(spec: LeverSpec, params: Mapping[str, object]) -> dict[str, Decimal]:
    """Clean `params` for `spec`: fill defaults, convert to Decimal, check limits.

    Accepts Decimal, int or numeric strings (a form's raw input); None counts as not given;
    a float raises TypeError, since it has already lost the cents.
    Raises LeverParamError on the first problem found: an unknown parameter first, then each
    parameter in the spec's order.
    """
    for name in sorted(params):
        if name not in spec.param_limits:
            raise LeverParamError(name, f"{spec.name} has no parameter {name!r}.")
    cleaned: dict[str, Decimal] = {}
    for name, limit in spec.param_limits.items():
        raw = params.get(name)
        if raw is None:
            raw = spec.default_params.get(name)
        if raw is None:
            raise LeverParamError(name, f"{limit.label} is required.")
        cleaned[name] = _clean_value(name, raw, limit)
    return cleaned


# Parameters whose natural default is a fact about the account rather than a catalogue setting.
_ACCOUNT_DEFAULTS: Mapping[str, Callable[[AccountContext], Decimal]] = MappingProxyType(
    {"balance": lambda account: account.outstanding_balance}
)
# Their catalogue default may stay empty: the account fills it in.
ACCOUNT_SUPPLIED_PARAMS: frozenset[str] = frozenset(_ACCOUNT_DEFAULTS)


def suggest_params(spec: LeverSpec, account: AccountContext) -> dict[str, Decimal]:
    """The spec's defaults plus what the account supplies (the balance to spread).

    Not validated: pass the result, possibly edited by a CSM, through `validate_params`.
    """
    params = dict(spec.default_params)
    for name in spec.param_limits:
        if name not in params and name in _ACCOUNT_DEFAULTS:
            params[name] = _ACCOUNT_DEFAULTS[name](account)
    return params


def is_eligible(spec: LeverSpec, account: AccountContext) -> tuple[bool, str]:
    """Whether `spec` may be offered to `account`, and why not (empty reason when it may)."""
    restrictions = (
        ("in phases", spec.phases, account.phase),
        ("to bands", spec.bands, account.band),
        ("to segments", spec.segments, account.segment),
    )
    for where, allowed, value in restrictions:
        if allowed and value not in allowed:
            return False, f"{spec.name} applies only {where} {', '.join(sorted(allowed))}"
    if spec.kind == "instalment_plan" and account.outstanding_balance <= 0:
        return False, f"{spec.name} needs an outstanding balance to spread"
    return True, ""
