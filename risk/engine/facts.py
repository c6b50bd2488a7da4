"""What the engine knows about one account: plain frozen values, built by the caller."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class UsagePoint:
    """Adoption on one day: how many of the licensed seats were active."""

    on: date
    active_users: int
    licensed_seats: int


@dataclass(frozen=True, slots=True)
class KpiReading:
    """One outcome KPI the account bought the product for, target against actual, on a date."""

    name: str
    target: Decimal
    actual: Decimal
    higher_is_better: bool
    as_of: date


@dataclass(frozen=True, slots=True)
class SignalReading:
    """The latest reading of a company-defined signal: a number in `value` (CSAT, open
    tickets...) or a category in `category` (plan, acquisition channel...), the other None."""

    value: Decimal | None
    as_of: date
    category: str | None = None


# A shared read-only default: a dict default would be one mutable object shared by every account.
NO_SIGNALS: Mapping[str, SignalReading] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """Everything the engine may use about one account. None (or empty) means "not known".

    Codes: `industry` from the model's industry table, `country` ISO 3166 alpha-2 in upper case,
    `segment` smb / mid_market / enterprise, `phase` deployment / defense / maturation / growth,
    `funding_stage` bootstrapped / seed / series_a / series_b_plus / profitable / listed /
    multinational. Money is in the company's reporting currency; `monthly_burn` is per month,
    `late_payments` counts the last 12 months, `cash_facts_as_of` dates runway, burn, late payments
    and funding stage together; `contract_term_months` is the length of the term in force;
    `mrr_earlier` is the MRR a window before the date scored.
    `usage` may come in any order. Values must be finite. An `mrr` of 0 means no billing figure.
    """

    industry: str | None = None
    country: str | None = None
    segment: str | None = None
    mrr: Decimal = Decimal(0)
    phase: str | None = None
    phase_entered_on: date | None = None
    planned_go_live_on: date | None = None
    break_clause_on: date | None = None
    renewal_on: date | None = None
    signing_discount_pct: Decimal | None = None
    funding_stage: str | None = None
    cash_runway_months: Decimal | None = None
    monthly_burn: Decimal | None = None
    late_payments: int | None = None
    cash_facts_as_of: date | None = None
    key_stakeholder_left_on: date | None = None
    stakeholders_known: bool = False
    usage: tuple[UsagePoint, ...] = ()
    kpis: tuple[KpiReading, ...] = ()
    signals: Mapping[str, SignalReading] = NO_SIGNALS
    # Months between renewals (1 monthly, 3 quarterly, 12 annual, 36 three-year); None unknown.
    contract_term_months: int | None = None
    # MRR the model's `mrr_window_days` before the date scored; None when not known (the
    # account was not a customer then, or nothing records its MRR that far back).
    mrr_earlier: Decimal | None = None
