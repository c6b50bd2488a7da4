"""Request and response bodies of the API (OpenAPI 3.1 is generated from these)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from accounts.models import ChurnReason

# PostgreSQL refuses NUL characters in text: refused here with a 422, never reaching the database.
NO_NUL = r"^[^\x00]*$"
Username = Annotated[str, Field(max_length=150, pattern=NO_NUL, description="Owner's username.")]
# Dates a customer relationship can have: far-off years are typing mistakes, and contract
# arithmetic (renewal + term) must stay within what a date can hold.
Day = Annotated[date, Field(ge=date(1970, 1, 1), le=date(2199, 12, 31))]
ExternalId = Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
# The choices of the account fields, spelled out so that type checkers see them; kept in step
# with the models' choices by tests/api/test_schema_choices.py.
PhaseName = Literal["deployment", "defense", "maturation", "growth"]
IndustryName = Literal[
    "travel",
    "aviation",
    "hospitality",
    "events",
    "recruitment",
    "retail",
    "logistics",
    "healthcare",
    "supply_chain",
    "ecommerce",
    "remote_work",
    "software",
    "financial_services",
    "manufacturing",
    "education",
    "media",
    "public_sector",
    "other",
]
SegmentName = Literal["smb", "mid_market", "enterprise"]
BandName = Literal["low", "medium", "high", "critical"]
FundingStageName = Literal[
    "bootstrapped", "seed", "series_a", "series_b_plus", "profitable", "listed", "multinational"
]
CountryCode = Annotated[
    str, Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$", description="ISO 3166 code")
]
CurrencyCode = Annotated[
    str, Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code")
]


class Contribution(Schema):
    factor: str
    points: int
    reason: str = Field(description="The factor's reason, in the request's language.")


class AccountOut(Schema):
    external_id: str
    name: str
    industry: str
    country: str
    segment: str
    mrr: str = Field(description="Decimal amount, as a string to keep every digit.")
    currency: str
    contract_start: date
    renewal_date: date
    contract_term_months: int | None
    phase: str
    phase_entered_on: date
    status: str
    churned_on: date | None
    is_expected_churn: bool
    owner: str | None = Field(description="The owner's username.")
    team: str
    risk_score: int | None
    risk_band: str
    scored_at: datetime | None
    explanation: list[Contribution] = Field(
        description="The last stored score's factor contributions, biggest drag first."
    )


class AccountPage(Schema):
    count: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[AccountOut]


class AccountFilters(Schema):
    """The triage list's filters."""

    q: Annotated[str, Field(max_length=100, pattern=NO_NUL)] = ""
    phase: PhaseName | None = None
    band: BandName | None = None
    industry: IndustryName | None = None
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | None = None
    owner: (
        Annotated[str, Field(max_length=150, pattern=NO_NUL, description="Owner's username.")]
        | None
    ) = None
    renewal: Literal["quarter", "30", "90", "180"] | None = None
    expected_churn: bool | None = None
    status: Literal["active", "churned", "all"] = "active"
    sort: Literal["attention", "risk", "mrr", "renewal", "name"] = "attention"
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class AccountFields(Schema):
    """Facts of an account that a client may set (status and churn go through outcomes)."""

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)] | None = None
    industry: IndustryName | None = None
    country: CountryCode | None = None
    segment: SegmentName | None = None
    mrr: Money | None = None
    currency: CurrencyCode | None = None
    contract_start: Day | None = None
    renewal_date: Day | None = None
    break_clause_date: Day | None = None
    contract_term_months: Annotated[int, Field(ge=1, le=120)] | None = None
    planned_go_live: Day | None = None
    signing_discount_pct: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = None
    phase: PhaseName | None = None
    phase_entered_on: Day | None = None
    owner: (
        Annotated[str, Field(max_length=150, pattern=NO_NUL, description="Owner's username.")]
        | None
    ) = None
    funding_stage: FundingStageName | None = None
    cash_runway_months: Annotated[Decimal, Field(ge=0, max_digits=5, decimal_places=1)] | None = (
        None
    )
    monthly_burn: Money | None = None
    late_payments: Annotated[int, Field(ge=0, le=1000)] | None = None
    cash_facts_as_of: Day | None = None


class AccountCreate(AccountFields):
    external_id: ExternalId
    name: Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
    industry: IndustryName
    country: CountryCode
    segment: SegmentName
    mrr: Money
    currency: CurrencyCode = "EUR"
    contract_start: Day
    renewal_date: Day
    phase: PhaseName
    phase_entered_on: Day | None = Field(None, description="Defaults to today.")
    team: Annotated[str, Field(max_length=100, pattern=NO_NUL)] | None = Field(
        None, description="Team name; defaults to the token user's team."
    )


SignalName = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
SignalValue = Annotated[Decimal, Field(max_digits=14, decimal_places=4)]


class SignalReadingIn(Schema):
    name: SignalName
    value: SignalValue | None = Field(None, description="A numeric reading, or...")
    category: Annotated[str, Field(min_length=1, max_length=120, pattern=NO_NUL)] | None = Field(
        None, description="...a category: exactly one of value and category."
    )
    as_of: Day | None = Field(None, description="The day the reading was true; today if left out.")


class AccountSignalReadingIn(SignalReadingIn):
    account: ExternalId


IdempotencyKey = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]


class SignalOne(SignalReadingIn):
    idempotency_key: IdempotencyKey | None = None


class SignalBatch(Schema):
    idempotency_key: IdempotencyKey | None = Field(
        None, description="Sending the same key again replays the first answer, writing nothing."
    )
    readings: Annotated[list[AccountSignalReadingIn], Field(min_length=1, max_length=1000)]


class SignalsStored(Schema):
    stored: int
    accounts_rescored: int
    replayed: bool = False


class OutcomeIn(Schema):
    account: ExternalId
    kind: Literal["churn", "renewal"]
    on: Day
    reason: Literal[tuple(ChurnReason.values)] | None = Field(  # type: ignore[valid-type]
        None, description="For a churn: why the account left."
    )
    new_mrr: Money | None = Field(None, description="For a renewal at a new price.")


class OutcomeStored(Schema):
    recorded: bool = Field(description="False when this outcome was already recorded.")
    account: AccountOut
