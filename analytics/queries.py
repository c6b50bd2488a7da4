"""Reads of the analytics pages. Every figure is aggregated in the database (GROUP BY, SUM,
COUNT); Python only walks the handful of grouped rows (months, bands, buckets), never accounts.

Every function takes the user (the team rule of `accounts.queries.visible_accounts`) and the
page's `Filters` (team, CSM, segment, industry, country, phase: the account's current values).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, Greatest, Least, TruncMonth
from django.utils import timezone

from accounts.models import Account, Band, MovementKind, MrrMovement, OutcomeKpi, Status
from accounts.queries import quarter_bounds, visible_accounts
from analytics import driver_buckets, formulas
from analytics.formulas import Bucket, MonthMovements
from analytics.models import AccountKpi, CohortMonth, DriverCount, LatestSignal, LedgerMonth
from playbooks.models import KIND_LABELS, Proposal
from risk.models import (
    ExpectedChurn,
    RescoreRun,
    RunStatus,
    Score,
    StoredContribution,
    stored_contributions,
)
from risk.presenters import factor_label
from teams.access import ALL_TEAMS, visible_team_ids
from teams.models import User

ZERO = Decimal(0)
AT_RISK_BANDS = (Band.HIGH, Band.CRITICAL)
GRANTED_STATES = ("approved", "applied", "ended")


@dataclass(frozen=True)
class Filters:
    team: int | None = None
    owner: int | None = None
    segment: str = ""
    industry: str = ""
    country: str = ""
    phase: str = ""

    def account_q(self, prefix: str = "") -> Q:
        q = Q()
        for name in ("team", "owner"):
            if getattr(self, name) is not None:
                q &= Q(**{f"{prefix}{name}_id": getattr(self, name)})
        for name in ("segment", "industry", "country", "phase"):
            if getattr(self, name):
                q &= Q(**{f"{prefix}{name}": getattr(self, name)})
        return q

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (for links to the lists behind each figure)."""
        values = {
            "team": self.team,
            "owner": self.owner,
            "segment": self.segment,
            "industry": self.industry,
            "country": self.country,
            "phase": self.phase,
        }
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _team_ids(user: User | None) -> set[int] | None:
    # None as the user: a management command, which reads the whole portfolio.
    return ALL_TEAMS if user is None else visible_team_ids(user)


def scoped_accounts(*, user: User | None, filters: Filters) -> QuerySet[Account]:
    accounts = Account.objects.all() if user is None else visible_accounts(user)
    return accounts.filter(filters.account_q())


def scoped_movements(*, user: User | None, filters: Filters) -> QuerySet[MrrMovement]:
    movements = MrrMovement.objects.filter(filters.account_q("account__"))
    teams = _team_ids(user)
    if teams is not ALL_TEAMS:
        movements = movements.filter(account__team_id__in=teams)
    return movements


def _ledger_rollup(model, *, user: User | None, filters: Filters):  # type: ignore[no-untyped-def]
    """A roll-up of the ledger (analytics/models.py) scoped as `scoped_movements` scopes the
    ledger, or None where the roll-ups cannot answer: a filter on an account field they are
    not keyed by (segment, industry, country, phase), or a database without their triggers."""
    if connection.vendor != "postgresql" or any(
        (filters.segment, filters.industry, filters.country, filters.phase)
    ):
        return None
    rows = model.objects.filter(filters.account_q())
    teams = _team_ids(user)
    if teams is not ALL_TEAMS:
        rows = rows.filter(team_id__in=teams)
    return rows


def _kind_sum(kind: str) -> Coalesce:
    return Coalesce(Sum("amount", filter=Q(kind=kind)), Value(ZERO))


def _kind_count(kind: str) -> Count:
    return Count("id", filter=Q(kind=kind))


def _kind_movements(kind: str) -> Coalesce:
    return Coalesce(Sum("movements", filter=Q(kind=kind)), Value(0))


def revenue_series(
    *, user: User | None, filters: Filters, last_month: date, months: int = 24
) -> list[formulas.MonthMetrics]:
    """The last `months` months up to `last_month` (a first day): one query, whatever the
    number of accounts (the movements grouped by month and kind, every month before the window
    grouped into one opening row). Read from the monthly roll-up of the ledger where it can
    answer (a few thousand rows instead of every movement), else from the ledger."""
    first = formulas.add_months(last_month, -(months - 1))
    end = formulas.add_months(last_month, 1)
    before = formulas.add_months(first, -1)  # the opening row's key
    opening = When(on__lt=first, then=Value(before))
    rollup = _ledger_rollup(LedgerMonth, user=user, filters=filters)
    if rollup is not None:
        grouped = (
            rollup.filter(month__lt=end, movements__gt=0)
            .annotate(period=Case(When(month__lt=first, then=Value(before)), default=F("month")))
            .values("period")
            .annotate(
                new_logos=_kind_movements(MovementKind.NEW),
                churned_logos=_kind_movements(MovementKind.CHURN),
                reactivated_logos=_kind_movements(MovementKind.REACTIVATION),
            )
        )
    else:
        grouped = (
            scoped_movements(user=user, filters=filters)
            .filter(on__lt=end)
            .annotate(period=Case(opening, default=TruncMonth("on")))
            .values("period")
            .annotate(
                new_logos=_kind_count(MovementKind.NEW),
                churned_logos=_kind_count(MovementKind.CHURN),
                reactivated_logos=_kind_count(MovementKind.REACTIVATION),
            )
        )
    grouped = grouped.annotate(
        new=_kind_sum(MovementKind.NEW),
        expansion=_kind_sum(MovementKind.EXPANSION),
        contraction=_kind_sum(MovementKind.CONTRACTION),
        churn=_kind_sum(MovementKind.CHURN),
        reactivation=_kind_sum(MovementKind.REACTIVATION),
    ).order_by("period")
    rows, opening_mrr, opening_logos = [], ZERO, 0
    for r in grouped:
        if _as_date(r["period"]) < first:
            opening_mrr = (
                r["new"] + r["expansion"] + r["contraction"] + r["churn"] + r["reactivation"]
            )
            opening_logos = r["new_logos"] + r["reactivated_logos"] - r["churned_logos"]
        else:
            rows.append(r)
    monthly = [
        MonthMovements(
            month=_as_date(r["period"]),
            new=r["new"],
            expansion=r["expansion"],
            contraction=-r["contraction"],
            churn=-r["churn"],
            reactivation=r["reactivation"],
            new_logos=r["new_logos"],
            churned_logos=r["churned_logos"],
            reactivated_logos=r["reactivated_logos"],
        )
        for r in rows
    ]
    return formulas.monthly_series(
        monthly,
        months=formulas.months_between(first, last_month),
        opening_mrr=opening_mrr,
        opening_logos=opening_logos,
    )


def _as_date(value: object) -> date:
    # TruncMonth gives a date on PostgreSQL and SQLite for a DateField; be strict anyway.
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


def cohort_table(
    *, user: User | None, filters: Filters, last_month: date, cohorts: int = 12
) -> list[formulas.CohortRow]:
    """MRR retention of the accounts started in each of the last `cohorts` months: one query
    (the cohorts' roll-up of the ledger where it can answer, else the ledger)."""
    first = formulas.add_months(last_month, -(cohorts - 1))
    end = formulas.add_months(last_month, 1)
    rollup = _ledger_rollup(CohortMonth, user=user, filters=filters)
    if rollup is not None:
        rows = (
            rollup.filter(cohort__gte=first, cohort__lt=end, month__lt=end, movements__gt=0)
            .values("cohort", "month")
            .annotate(net=Sum("amount"), started=Sum("started"))
        )
    else:
        rows = (
            scoped_movements(user=user, filters=filters)
            .filter(account__contract_start__gte=first, account__contract_start__lt=end, on__lt=end)
            .annotate(cohort=TruncMonth("account__contract_start"), month=TruncMonth("on"))
            .values("cohort", "month")
            .annotate(net=Sum("amount"), started=_kind_count(MovementKind.NEW))
        )
    net: dict[tuple[date, date], Decimal] = {}
    started: dict[date, int] = defaultdict(int)
    for r in rows:
        cohort, month = _as_date(r["cohort"]), max(_as_date(r["month"]), _as_date(r["cohort"]))
        net[(cohort, month)] = net.get((cohort, month), ZERO) + r["net"]
        started[cohort] += r["started"]
    return formulas.cohort_retention(net, dict(started), last_month=last_month)


@dataclass(frozen=True)
class Slice:
    """One line of a breakdown: a key (band, phase, team id...), its label, accounts and MRR."""

    key: str
    label: str
    accounts: int
    mrr: Decimal


def _active(user: User | None, filters: Filters) -> QuerySet[Account]:
    return scoped_accounts(user=user, filters=filters).filter(status=Status.ACTIVE)


@dataclass(frozen=True)
class QuarterForecast:
    """The renewals of one quarter: committed, at risk and expected churn, in MRR and accounts."""

    start: date
    end: date
    committed: Decimal
    at_risk: Decimal
    expected_churn: Decimal
    committed_accounts: int
    at_risk_accounts: int
    expected_churn_accounts: int

    @property
    def total(self) -> Decimal:
        return self.committed + self.at_risk + self.expected_churn

    @property
    def label(self) -> str:
        return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"


FORECAST_BUCKETS = ("committed", "at_risk", "expected_churn")


@dataclass(frozen=True)
class CalendarMonth:
    month: date
    accounts: int
    mrr: Decimal
    at_risk_mrr: Decimal


def _is_at_risk(band: str, expected: bool) -> bool:
    return expected or band in AT_RISK_BANDS


def _forecast_bucket(band: str, expected: bool) -> str:
    """Expected churn first (a manager's decision), then the risk band, then the rest: the same
    rule as `forecast_bucket_q`, on one grouped row."""
    if expected:
        return "expected_churn"
    return "at_risk" if band in AT_RISK_BANDS else "committed"


@dataclass(frozen=True)
class BookCell:
    """Active accounts sharing a band, phase, team, CSM, expected-churn flag and renewal month
    (None: renewing outside the months the dashboard reads), with their count and MRR."""

    band: str
    phase: str
    team: int | None
    owner: int | None
    expected: bool
    renewal_month: date | None
    accounts: int
    mrr: Decimal

    @property
    def at_risk(self) -> bool:
        return _is_at_risk(self.band, self.expected)


CALENDAR_MONTHS = 6


@dataclass
class ActiveBook:
    """The active accounts grouped once (`active_book`): every account-level figure of the
    dashboard (MRR at risk, exposures, forecast, renewals calendar) is a sum over these few
    hundred cells instead of one scan of the accounts each."""

    today: date
    cells: list[BookCell]

    def mrr_at_risk(self) -> Decimal:
        return sum((c.mrr for c in self.cells if c.at_risk), ZERO)

    def exposure(self, by: str) -> list[Slice]:
        """Active MRR at risk by `by` ("band", "phase", "team", "owner"), biggest first."""
        attribute = {"band": "band", "phase": "phase", "team": "team", "owner": "owner"}[by]
        accounts: dict[object, int] = defaultdict(int)
        mrr: dict[object, Decimal] = defaultdict(Decimal)
        for cell in self.cells:
            if cell.at_risk:
                key = getattr(cell, attribute)
                accounts[key] += cell.accounts
                mrr[key] += cell.mrr
        labels = _labels(by, list(accounts))
        slices = [
            Slice(
                key=str(key or ""),
                label=labels.get(key, str(key or "")),
                accounts=accounts[key],
                mrr=mrr[key],
            )
            for key in accounts
        ]
        return sorted(slices, key=lambda s: (-s.mrr, s.key))

    def forecast(self) -> list[QuarterForecast]:
        result = []
        for start, end in quarters(self.today):
            sums = dict.fromkeys(FORECAST_BUCKETS, ZERO)
            counts = dict.fromkeys(FORECAST_BUCKETS, 0)
            for cell in self.cells:
                if cell.renewal_month is not None and start <= cell.renewal_month <= end:
                    bucket = _forecast_bucket(cell.band, cell.expected)
                    sums[bucket] += cell.mrr
                    counts[bucket] += cell.accounts
            result.append(
                QuarterForecast(
                    start=start,
                    end=end,
                    committed=sums["committed"],
                    at_risk=sums["at_risk"],
                    expected_churn=sums["expected_churn"],
                    committed_accounts=counts["committed"],
                    at_risk_accounts=counts["at_risk"],
                    expected_churn_accounts=counts["expected_churn"],
                )
            )
        return result

    def calendar(self, months: int = CALENDAR_MONTHS) -> list[CalendarMonth]:
        first = formulas.month_start(self.today)
        shown = formulas.months_between(first, formulas.add_months(first, months - 1))
        accounts = dict.fromkeys(shown, 0)
        mrr = dict.fromkeys(shown, ZERO)
        at_risk = dict.fromkeys(shown, ZERO)
        for cell in self.cells:
            month = cell.renewal_month
            if month is not None and month in accounts:
                accounts[month] += cell.accounts
                mrr[month] += cell.mrr
                if cell.at_risk:
                    at_risk[month] += cell.mrr
        return [
            CalendarMonth(month=m, accounts=accounts[m], mrr=mrr[m], at_risk_mrr=at_risk[m])
            for m in shown
        ]


def _book_window(today: date) -> tuple[date, date]:
    """The renewal months the dashboard reads: both forecast quarters and the calendar."""
    periods = quarters(today)
    first = min(periods[0][0], formulas.month_start(today))
    end = max(
        periods[-1][1] + timedelta(days=1),
        formulas.add_months(formulas.month_start(today), CALENDAR_MONTHS),
    )
    return first, end


def active_book(*, user: User | None, filters: Filters, today: date) -> ActiveBook:
    """The active accounts grouped by band, phase, team, CSM, expected churn and renewal month
    (within the months the dashboard reads): one query, a bounded number of rows whatever the
    number of accounts (bands x phases x CSMs x 2 x ~9 months)."""
    first, end = _book_window(today)
    in_window = Q(renewal_date__gte=first, renewal_date__lt=end)
    rows = (
        _active(user, filters)
        .annotate(
            renewal_month=Case(When(in_window, then=TruncMonth("renewal_date")), default=None)
        )
        .values("risk_band", "phase", "team_id", "owner_id", "is_expected_churn", "renewal_month")
        .annotate(accounts=Count("id"), total=Coalesce(Sum("mrr"), Value(ZERO)))
        .order_by()
    )
    return ActiveBook(
        today=today,
        cells=[
            BookCell(
                band=r["risk_band"] or "",
                phase=r["phase"] or "",
                team=r["team_id"],
                owner=r["owner_id"],
                expected=bool(r["is_expected_churn"]),
                renewal_month=_as_date(r["renewal_month"]) if r["renewal_month"] else None,
                accounts=r["accounts"],
                mrr=r["total"],
            )
            for r in rows
        ],
    )


def mrr_at_risk(*, user: User | None, filters: Filters) -> Decimal:
    """MRR of the active accounts in a high or critical band, or flagged as expected churn."""
    return active_book(user=user, filters=filters, today=timezone.localdate()).mrr_at_risk()


def _labels(by: str, keys: list[object]) -> dict[object, str]:
    from accounts.models import Phase
    from teams.models import Team

    if by == "band":
        return {k: str(Band(k).label) for k in keys if k in Band.values}
    if by == "phase":
        return {k: str(Phase(k).label) for k in keys if k in Phase.values}
    if by == "team":
        team_ids = [k for k in keys if isinstance(k, int)]
        return dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    users = User.objects.filter(pk__in=[k for k in keys if k])
    return {u.pk: u.get_full_name() or u.username for u in users}


def forecast_bucket_q(bucket: str) -> Q:
    """Expected churn first (a manager's decision), then the risk band, then the rest (the
    accounts behind a forecast figure; `_forecast_bucket` is the same rule on grouped rows)."""
    expected = Q(is_expected_churn=True)
    at_risk = Q(risk_band__in=AT_RISK_BANDS) & ~expected
    return {"expected_churn": expected, "at_risk": at_risk, "committed": ~expected & ~at_risk}[
        bucket
    ]


def quarters(today: date) -> list[tuple[date, date]]:
    """This quarter and the next."""
    start, end = quarter_bounds(today)
    return [(start, end), quarter_bounds(end + timedelta(days=1))]


def forecast(*, user: User | None, filters: Filters, today: date) -> list[QuarterForecast]:
    """This quarter's and next quarter's renewals: one query."""
    return active_book(user=user, filters=filters, today=today).forecast()


def forecast_accounts(
    *, user: User | None, filters: Filters, start: date, end: date, bucket: str
) -> QuerySet[Account]:
    """The accounts behind one forecast figure, biggest MRR first."""
    return (
        _active(user, filters)
        .filter(forecast_bucket_q(bucket), renewal_date__gte=start, renewal_date__lte=end)
        .select_related("owner", "team")
        .order_by(F("mrr").desc(), "id")
    )


@dataclass(frozen=True)
class LeverLine:
    kind: str
    granted: int
    cash_cost: Decimal
    mrr_cost: Decimal
    saved: int
    lost: int
    mrr_kept: Decimal

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


def levers_granted(*, user: User | None, filters: Filters, since: date) -> list[LeverLine]:
    """Levers approved or applied since `since`, by kind: their cash and monthly MRR cost, and
    the MRR of the accounts they kept (renewals recorded as saved): one query."""
    proposals = Proposal.objects.filter(
        filters.account_q("account__"), state__in=GRANTED_STATES, decided_at__date__gte=since
    )
    teams = _team_ids(user)
    if teams is not ALL_TEAMS:
        proposals = proposals.filter(account__team_id__in=teams)
    rows = (
        proposals.values("kind")
        .annotate(
            granted=Count("id"),
            cash=Coalesce(Sum("cash_impact"), Value(ZERO)),
            mrr=Coalesce(Sum("mrr_impact"), Value(ZERO)),
            saved=Count("id", filter=Q(outcome="saved")),
            lost=Count("id", filter=Q(outcome="lost")),
            kept=Coalesce(Sum("account__mrr", filter=Q(outcome="saved")), Value(ZERO)),
        )
        .order_by("-granted", "kind")
    )
    return [
        LeverLine(
            kind=r["kind"],
            granted=r["granted"],
            cash_cost=-r["cash"],
            mrr_cost=-r["mrr"],
            saved=r["saved"],
            lost=r["lost"],
            mrr_kept=r["kept"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class BandMove:
    account_id: int
    account_name: str
    mrr: Decimal
    currency: str
    old_band: str
    new_band: str
    score: int
    factor: str
    reason: StoredContribution | None  # the factor that moved most, worded at display

    @property
    def old_band_label(self) -> str:
        return str(Band(self.old_band).label) if self.old_band in Band.values else self.old_band

    @property
    def new_band_label(self) -> str:
        return str(Band(self.new_band).label) if self.new_band in Band.values else self.new_band

    @property
    def factor_label(self) -> str:
        return factor_label(self.factor) if self.factor else ""

    @property
    def reason_text(self) -> str:
        """The main factor's reason in the reader's language."""
        return self.reason.reason if self.reason else ""

    @property
    def is_worse(self) -> bool:
        order = list(Band.values)
        return order.index(self.new_band) > order.index(self.old_band)


@dataclass
class Overnight:
    run: RescoreRun | None
    moves: list[BandMove] = field(default_factory=list)
    total: int = 0


def overnight_moves(*, user: User | None, filters: Filters, limit: int = 10) -> Overnight:
    """The accounts whose band changed in the last finished run, biggest MRR first, each with
    the factor that moved it (whose points changed most since the account's previous score):
    three queries whatever the size of the run (the run, the `limit` moves with their previous
    score's contributions beside them, and the count)."""
    run = (
        RescoreRun.objects.filter(status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )
    if run is None:
        return Overnight(run=None)
    scores = Score.objects.filter(run=run, account__in=scoped_accounts(user=user, filters=filters))
    scores = scores.exclude(previous_band="").exclude(previous_band=F("band"))
    previous = Score.objects.filter(
        account=OuterRef("account"), computed_at__lt=OuterRef("computed_at"), backdated=False
    ).order_by("-computed_at", "-id")
    rows = (
        scores.select_related("account")
        .annotate(previous_json=Subquery(previous.values("contributions_json")[:1]))
        .order_by(F("account__mrr").desc(), "id")[:limit]
    )
    moves = []
    for score in rows:
        factor, reason = moving_factor(score.contributions_json, score.previous_json)
        moves.append(
            BandMove(
                account_id=score.account_id,
                account_name=score.account.name,
                mrr=score.account.mrr,
                currency=score.account.currency,
                old_band=score.previous_band,
                new_band=score.band,
                score=score.score,
                factor=factor,
                reason=reason,
            )
        )
    total = len(moves) if len(moves) < limit else scores.count()
    return Overnight(run=run, moves=moves, total=total)


def _contributions(contributions_json: str | None) -> list[StoredContribution]:
    try:
        return stored_contributions(contributions_json)
    except (ValueError, TypeError):
        return []


def moving_factor(
    new_json: str, previous_json: str | None
) -> tuple[str, StoredContribution | None]:
    """The factor whose points changed most between the previous score and the new one (a
    factor absent from one side counts 0 there), with its contribution in the new score; the
    factor that weighs most in the new score when there is no previous one to compare."""
    new = {c.factor: c for c in _contributions(new_json)}
    if previous_json is None:
        if not new:
            return "", None
        top = max(new.values(), key=lambda c: abs(c.points))
        return top.factor, top
    old = {c.factor: c.points for c in _contributions(previous_json)}

    def change(factor: str) -> tuple[int, int]:
        points = new[factor].points if factor in new else 0
        return abs(points - old.get(factor, 0)), abs(points)

    factors = sorted(set(new) | set(old))
    if not factors:
        return "", None
    factor = max(factors, key=change)
    return factor, new.get(factor)


@dataclass(frozen=True)
class Queues:
    approvals: int
    expected_churn: int


def waiting_queues(*, user: User | None, filters: Filters) -> Queues:
    accounts = scoped_accounts(user=user, filters=filters)
    return Queues(
        approvals=Proposal.objects.filter(state="submitted", account__in=accounts).count(),
        expected_churn=ExpectedChurn.objects.filter(
            status="proposed", account__in=accounts
        ).count(),
    )


# Churn drivers -------------------------------------------------------------------------------


def _driver_rows(
    *, user: User | None, filters: Filters, attributes: str
) -> list[driver_buckets.ValueCount]:
    """Accounts and churned accounts per raw value of the churn drivers' attributes: "own"
    (the account's own attributes), "kpi", "signals" or "all". From the counts the database's
    triggers keep (`analytics.DriverCount`) when the filters are those it is keyed by (team, CSM,
    or none); from the accounts themselves otherwise. One query either way."""
    if connection.vendor == "postgresql" and not (
        filters.segment or filters.industry or filters.country or filters.phase
    ):
        return _counted_rows(user=user, filters=filters, attributes=attributes)
    return _read_rows(user=user, filters=filters, attributes=attributes)


def _counted_rows(
    *, user: User | None, filters: Filters, attributes: str
) -> list[driver_buckets.ValueCount]:
    counts = DriverCount.objects.filter(accounts__gt=0)
    teams = _team_ids(user)
    if teams is not ALL_TEAMS:
        counts = counts.filter(team_id__in=teams)
    if filters.team is not None:
        counts = counts.filter(team_id=filters.team)
    if filters.owner is not None:
        counts = counts.filter(owner_id=filters.owner)
    if attributes == "own":
        counts = counts.filter(attribute__in=driver_buckets.OWN_ATTRIBUTES)
    elif attributes == "kpi":
        counts = counts.filter(attribute=driver_buckets.KPI_ATTRIBUTE)
    elif attributes == "signals":
        counts = counts.filter(attribute__startswith=driver_buckets.SIGNAL_PREFIX)
    rows = (
        counts.order_by()
        .values_list("attribute", "number", "label")
        .annotate(total=Sum("accounts"), lost=Sum("churned"))
    )
    return [
        driver_buckets.ValueCount(
            attribute=attribute, number=number, label=label, accounts=total, churned=lost
        )
        for attribute, number, label, total, lost in rows
    ]


# The account columns each of the account's own attributes reads.
OWN_COLUMNS = {
    "discount": "signing_discount_pct",
    "runway": "cash_runway_months",
    "tenure": "start_year",
    "industry": "industry",
    "country": "country",
    "phase": "phase",
    "segment": "segment",
    "funding": "funding_stage",
}


def _read_rows(
    *, user: User | None, filters: Filters, attributes: str
) -> list[driver_buckets.ValueCount]:
    """The same counts as `_counted_rows`, from the scoped accounts (archived ones left out),
    their KPIs and their latest readings: the scoped accounts read once (a CTE), then grouped
    once per attribute."""
    accounts = (
        scoped_accounts(user=user, filters=filters)
        .filter(archived_at__isnull=True)
        .order_by()
        .annotate(start_year=ExtractYear("contract_start"))
        .values("id", "status", *OWN_COLUMNS.values())
    )
    scoped_sql, params = accounts.query.sql_with_params()
    churned = f"SUM(CASE WHEN status = '{Status.CHURNED}' THEN 1 ELSE 0 END)"
    branches = []
    if attributes in ("own", "all"):
        for attribute, column in OWN_COLUMNS.items():
            number, label = (
                (f"CAST({column} AS NUMERIC)", "''")
                if attribute in driver_buckets.NUMERIC_ATTRIBUTES
                else ("CAST(NULL AS NUMERIC)", column)
            )
            branches.append(
                f"SELECT '{attribute}', {number}, CAST({label} AS VARCHAR(200)), COUNT(*),"
                f" {churned} FROM scoped GROUP BY {column}"
            )
    sql_params: tuple = ()
    if attributes in ("kpi", "all"):
        kpi_sql, sql_params = _attainment_sql()
        branches.append(
            f"SELECT '{driver_buckets.KPI_ATTRIBUTE}', CAST(k.attainment AS NUMERIC), '',"
            f" COUNT(*), {churned} FROM scoped JOIN ({kpi_sql}) k ON k.account_id = scoped.id"
            " GROUP BY k.attainment"
        )
    if attributes in ("signals", "all"):
        branches.append(
            f"SELECT '{driver_buckets.SIGNAL_PREFIX}' || r.name, r.value,"
            f" CASE WHEN r.value IS NULL THEN r.category ELSE '' END, COUNT(*), {churned}"
            f" FROM scoped JOIN ({_latest_signals_sql()}) r ON r.account_id = scoped.id"
            " GROUP BY r.name, r.value, r.category"
        )
    # Only constants are formatted into the SQL; the values are parameters.
    rows = _fetch(
        f"WITH scoped AS ({scoped_sql}) {' UNION ALL '.join(branches)}", (*params, *sql_params)
    )
    return [
        driver_buckets.ValueCount(
            attribute=attribute,
            number=None if number is None else Decimal(str(number)),
            label=label or "",
            accounts=int(total),
            churned=int(lost or 0),
        )
        for attribute, number, label, total, lost in rows
    ]


def _fetch(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


KPI_CAP_PCT = 150.0


def _kpi_attainment() -> Greatest:
    """One KPI's attainment, percent of target, as the risk model reads it: lower-is-better KPIs
    inverted, each capped so one runaway KPI cannot hide the others."""
    actual, target = Cast("actual", FloatField()), Cast("target", FloatField())
    met = Q(higher_is_better=True, actual__gte=F("target")) | Q(
        higher_is_better=False, actual__lte=F("target")
    )
    pct = Case(
        When(target__lte=0, then=Case(When(met, then=Value(100.0)), default=Value(0.0))),
        When(higher_is_better=True, then=Value(100.0) * actual / target),
        When(actual__lte=0, then=Value(KPI_CAP_PCT)),
        default=Value(100.0) * target / actual,
        output_field=FloatField(),
    )
    return Greatest(Value(0.0), Least(Value(KPI_CAP_PCT), pct))


def _attainment_sql() -> tuple[str, tuple]:
    """Each account's average KPI attainment in whole percents rounded down (`account_id`,
    `attainment`), as SQL to join."""
    if connection.vendor == "postgresql":
        # As the database's triggers keep it (analytics.AccountKpi): no KPI averaged again.
        return f"SELECT account_id, attainment FROM {AccountKpi._meta.db_table}", ()
    # Elsewhere (SQLite in tests): averaged here; never negative, so a cast rounds it down.
    sql, params = _kpi_per_account_sql()
    return f"SELECT account_id, CAST(pct AS INTEGER) AS attainment FROM ({sql}) p", params


def _kpi_per_account_sql() -> tuple[str, tuple]:
    """Each account's average KPI attainment (`account_id`, `pct`), as SQL to join."""
    per_account = (
        OutcomeKpi.objects.order_by()
        .values("account_id")
        .annotate(pct=Avg(_kpi_attainment()))
        .values("account_id", "pct")
    )
    return per_account.query.sql_with_params()


def _latest_signals_sql() -> str:
    """Each account's latest reading of each named signal."""
    if connection.vendor == "postgresql":
        # The latest readings as the database's triggers keep them (analytics.LatestSignal).
        return f"SELECT account_id, name, value, category FROM {LatestSignal._meta.db_table}"
    # Elsewhere (SQLite in tests): the latest date of each (account, signal), then its reading
    # (one per day and signal).
    return (
        "SELECT r.account_id, r.name, r.value, r.category FROM accounts_signalreading r"
        " JOIN (SELECT account_id, name, MAX(as_of) AS as_of FROM accounts_signalreading"
        " GROUP BY account_id, name) m"
        " ON m.account_id = r.account_id AND m.name = r.name AND m.as_of = r.as_of"
    )


def attribute_buckets(
    *, user: User | None, filters: Filters, today: date
) -> dict[str, list[Bucket]]:
    """Accounts and churned accounts per bucket of each of the account's own attributes
    (`driver_buckets.OWN_ATTRIBUTES`), over every account that ever had a contract (churned and
    retained: the churned ones tell why)."""
    rows = _driver_rows(user=user, filters=filters, attributes="own")
    buckets = driver_buckets.buckets_of(rows, this_year=today.year)
    return {attribute: buckets.get(attribute, []) for attribute in driver_buckets.OWN_ATTRIBUTES}


def kpi_buckets(*, user: User | None, filters: Filters) -> list[Bucket]:
    """Accounts and churned accounts per band of average KPI attainment. Accounts without KPIs
    are left out."""
    rows = _driver_rows(user=user, filters=filters, attributes="kpi")
    this_year = timezone.localdate().year
    return driver_buckets.buckets_of(rows, this_year=this_year).get(
        driver_buckets.KPI_ATTRIBUTE, []
    )


def signal_buckets(*, user: User | None, filters: Filters) -> dict[str, list[Bucket]]:
    """Accounts and churned accounts per bucket of every named signal (its latest reading), by
    name: numeric signals by quartile, category signals by category
    (`driver_buckets.signal_buckets`)."""
    rows = _driver_rows(user=user, filters=filters, attributes="signals")
    this_year = timezone.localdate().year
    return {
        attribute.removeprefix(driver_buckets.SIGNAL_PREFIX): buckets
        for attribute, buckets in driver_buckets.buckets_of(rows, this_year=this_year).items()
    }


def churn_drivers(
    *, user: User | None, filters: Filters, today: date, min_total: int = 20
) -> list[formulas.Driver]:
    """Every attribute's buckets, attributes that separate churned from retained first: the
    account's own attributes, its KPI attainment and every named signal, from one query."""
    rows = _driver_rows(user=user, filters=filters, attributes="all")
    attributes = driver_buckets.buckets_of(rows, this_year=today.year)
    return formulas.rank_drivers(
        formulas.churn_driver(attribute, [b for b in buckets if b.label], min_total=min_total)
        for attribute, buckets in attributes.items()
    )


def churn_reasons(*, user: User | None, filters: Filters) -> list[Slice]:
    """Churned accounts by reason, with the MRR they took (their churn movements): one query."""
    rows = (
        scoped_movements(user=user, filters=filters)
        .filter(kind=MovementKind.CHURN)
        .values("account__churn_reason")
        .annotate(accounts=Count("account", distinct=True), mrr=Sum("amount"))
        .order_by("mrr")
    )
    from accounts.models import ChurnReason

    labels = dict(ChurnReason.choices)
    return [
        Slice(
            key=r["account__churn_reason"] or "",
            label=str(labels.get(r["account__churn_reason"], r["account__churn_reason"] or "")),
            accounts=r["accounts"],
            mrr=-(r["mrr"] or ZERO),
        )
        for r in rows
    ]
