"""The cost model: what each lever kind costs us in cash and in MRR.

Sign convention: every amount is from our side of the table. Negative means a cost to us
(cash we do not collect, MRR we stop billing); positive would be a gain. Amounts are `Decimal`
in the account's currency, rounded to cents with ROUND_HALF_UP once, on the final figure.

`Impact.cash` is the cash effect over the lever's whole duration; `Impact.mrr` is the change of
MRR per month while the lever runs (for the whole remaining contract when `is_permanent`).
`Impact.months` is how long the lever runs; 0 means a one-off.

| kind                     | parameters            | cash                          | MRR a month |
| ------------------------ | --------------------- | ----------------------------- | ----------- |
| temporary_upgrade        | months, upgrade_mrr   | -upgrade_mrr x months         | 0           |
| early_access             | months, value_mrr     | -value_mrr x months           | 0           |
| free_services            | days, day_rate        | -days x day_rate (one-off)    | 0           |
| payment_holiday          | months                | -MRR x months (forgiven)      | 0           |
| payment_deferral         | months                | -MRR x months (deferred)      | 0           |
| instalment_plan          | balance, instalments  | -balance x (n-1)/n (deferred) | 0           |
| temporary_downsell       | percent, months       | -MRR x pct x months           | -MRR x pct  |
| free_feature             | feature_mrr, months   | -feature_mrr x months         | 0           |
| price_cut_for_commitment | percent, extra_months | -MRR x pct x 12               | -MRR x pct  |

pct is percent / 100; n is the number of instalments.

Giving away something we normally bill (a higher plan, a feature, consulting days) is counted as
cash: it is revenue we would otherwise have invoiced, and it lets managers compare every lever on
one scale. Early access has no list price, so its `value_mrr` (default 0) is an optional estimate.
A payment holiday forgives the months; a deferral and an instalment plan only move the cash later,
so their impact says `is_cash_deferred`. An instalment plan collects the first instalment now and
defers the other n-1. A price cut is permanent, so its cash is counted over the 12-month horizon
and it returns the months of commitment won in exchange as `committed_months`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

HORIZON_MONTHS = 12
CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

PHASES: tuple[str, ...] = ("deployment", "defense", "maturation", "growth")
BANDS: tuple[str, ...] = ("low", "medium", "high", "critical")

# The parameters each kind's formula reads. A LeverSpec must give limits for exactly these, so a
# formula never meets a parameter the catalogue forgot.
KIND_PARAMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "temporary_upgrade": ("months", "upgrade_mrr"),
        "early_access": ("months", "value_mrr"),
        "free_services": ("days", "day_rate"),
        "payment_holiday": ("months",),
        "payment_deferral": ("months",),
        "instalment_plan": ("balance", "instalments"),
        "temporary_downsell": ("percent", "months"),
        "free_feature": ("feature_mrr", "months"),
        "price_cut_for_commitment": ("percent", "extra_months"),
    }
)
LEVER_KINDS: tuple[str, ...] = tuple(KIND_PARAMS)


class LeverParamError(ValueError):
    """A lever parameter is missing, unknown or out of its limits; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def to_cents(amount: Decimal) -> Decimal:
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    # -0.00 would print as a cost of nothing.
    return rounded.copy_abs() if rounded.is_zero() else rounded


@dataclass(frozen=True, slots=True)
class AccountContext:
    """The facts about one account that levers are costed and ranked against."""

    mrr: Decimal
    currency: str
    phase: str | None
    band: str | None
    segment: str | None
    score: int | None
    renewal_on: date | None
    outstanding_balance: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.mrr < 0 or self.outstanding_balance < 0:
            raise ValueError("MRR and outstanding balance cannot be negative.")
        if self.score is not None and not 0 <= self.score <= 100:
            raise ValueError(f"Score must be between 0 and 100, not {self.score}.")
        if self.phase is not None and self.phase not in PHASES:
            raise ValueError(f"Unknown phase {self.phase!r}.")
        if self.band is not None and self.band not in BANDS:
            raise ValueError(f"Unknown band {self.band!r}.")


@dataclass(frozen=True, slots=True)
class Impact:
    """What a lever costs: cash over its duration, MRR per month while it runs."""

    cash: Decimal
    mrr: Decimal
    months: int
    is_permanent: bool = False
    is_cash_deferred: bool = False
    committed_months: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "cash", to_cents(self.cash))
        object.__setattr__(self, "mrr", to_cents(self.mrr))


Params = Mapping[str, Decimal]


def _get(params: Params, name: str) -> Decimal:
    try:
        return params[name]
    except KeyError:
        raise LeverParamError(name, f"{name} is required.") from None


def _whole(params: Params, name: str) -> int:
    value = _get(params, name)
    if value != value.to_integral_value():
        raise LeverParamError(name, f"{name} must be a whole number.")
    return int(value)


def _temporary_upgrade(params: Params, account: AccountContext) -> Impact:
    months = _whole(params, "months")
    return Impact(cash=-_get(params, "upgrade_mrr") * months, mrr=ZERO, months=months)


def _early_access(params: Params, account: AccountContext) -> Impact:
    months = _whole(params, "months")
    return Impact(cash=-_get(params, "value_mrr") * months, mrr=ZERO, months=months)


def _free_services(params: Params, account: AccountContext) -> Impact:
    return Impact(cash=-_get(params, "days") * _get(params, "day_rate"), mrr=ZERO, months=0)


def _payment_holiday(params: Params, account: AccountContext) -> Impact:
    months = _whole(params, "months")
    return Impact(cash=-account.mrr * months, mrr=ZERO, months=months)


def _payment_deferral(params: Params, account: AccountContext) -> Impact:
    months = _whole(params, "months")
    return Impact(cash=-account.mrr * months, mrr=ZERO, months=months, is_cash_deferred=True)


def _instalment_plan(params: Params, account: AccountContext) -> Impact:
    instalments = _whole(params, "instalments")
    if instalments < 1:
        raise LeverParamError("instalments", "instalments must be at least 1.")
    deferred = _get(params, "balance") * (instalments - 1) / instalments
    return Impact(cash=-deferred, mrr=ZERO, months=instalments, is_cash_deferred=True)


def _temporary_downsell(params: Params, account: AccountContext) -> Impact:
    months = _whole(params, "months")
    monthly = account.mrr * _get(params, "percent") / HUNDRED
    return Impact(cash=-monthly * months, mrr=-monthly, months=months)


def _free_feature(params: Params, account: AccountContext) -> Impact:
    months = _whole(params, "months")
    return Impact(cash=-_get(params, "feature_mrr") * months, mrr=ZERO, months=months)


def _price_cut_for_commitment(params: Params, account: AccountContext) -> Impact:
    monthly = account.mrr * _get(params, "percent") / HUNDRED
    return Impact(
        cash=-monthly * HORIZON_MONTHS,
        mrr=-monthly,
        months=HORIZON_MONTHS,
        is_permanent=True,
        committed_months=_whole(params, "extra_months"),
    )


_FORMULAS: Mapping[str, Callable[[Params, AccountContext], Impact]] = MappingProxyType(
    {
        "temporary_upgrade": _temporary_upgrade,
        "early_access": _early_access,
        "free_services": _free_services,
        "payment_holiday": _payment_holiday,
        "payment_deferral": _payment_deferral,
        "instalment_plan": _instalment_plan,
        "temporary_downsell": _temporary_downsell,
        "free_feature": _free_feature,
        "price_cut_for_commitment": _price_cut_for_commitment,
    }
)


def compute_impact(kind: str, params: Params, account: AccountContext) -> Impact:
    """Cost a lever of `kind` with already validated `params` (see `validate_params`).

    Raises ValueError for an unknown kind and LeverParamError when a parameter the formula
    reads is missing or not a whole number where it must be.
    """
    try:
        formula = _FORMULAS[kind]
    except KeyError:
        raise ValueError(f"Unknown lever kind {kind!r}.") from None
    return formula(params, account)
