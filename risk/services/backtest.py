"""Backtests: how well a model's scores of the past predicted the churn that followed.

A case is an (account, date) the score history holds a score for (any model version), whose
outcome window (the date plus the horizon) has fully passed, for an account that was still a
customer on that date. Its label is whether the account churned within the horizon after the
date. A case is scored with the model under test: its stored score where that version scored it
on that date, else re-scored as of the date (in memory: a backtest writes nothing).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from risk import engine
from risk.backtest.stats import (
    BandRow,
    auc_confidence_interval,
    brier_score,
    calibration_table,
    top_decile_lift,
)
from risk.models import RiskModel, Score
from risk.queries import published_model
from risk.services.as_of import assess_as_of

DEFAULT_HORIZON_DAYS = 90
MAX_HORIZON_DAYS = 730


@dataclass(frozen=True, slots=True)
class Case:
    account_id: int
    as_of: date
    churned: bool


@dataclass(frozen=True, slots=True)
class ScoredCase:
    account_id: int
    as_of: date
    churned: bool
    score: int
    band: str


@dataclass(frozen=True, slots=True)
class Figures:
    n: int
    accounts: int
    churned: int
    base_churn_rate: float | None
    auc: float | None
    auc_ci: tuple[float, float] | None
    top_decile_lift: float | None
    brier: float | None
    bands: list[BandRow]

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "accounts": self.accounts,
            "churned": self.churned,
            "base_churn_rate": _round(self.base_churn_rate),
            "auc": _round(self.auc),
            "auc_ci": [_round(v) for v in self.auc_ci] if self.auc_ci else None,
            "top_decile_lift": _round(self.top_decile_lift),
            "brier": _round(self.brier),
            "bands": [
                {
                    "band": row.band,
                    "cases": row.cases,
                    "churned": row.churned,
                    "rate": _round(row.rate),
                    "interval": [_round(v) for v in row.interval],
                }
                for row in self.bands
            ],
        }


@dataclass
class Backtest:
    model_version: int
    horizon_days: int
    date_from: date | None
    date_to: date | None
    cases: list[ScoredCase] = field(repr=False)
    figures: Figures

    def to_dict(self) -> dict[str, object]:
        return {
            "model_version": self.model_version,
            "horizon_days": self.horizon_days,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            **self.figures.to_dict(),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def backtest_cases(
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    date_from: date | None = None,
    date_to: date | None = None,
    today: date | None = None,
) -> list[Case]:
    """Every case whose outcome window has passed, in (date, account) order."""
    today = today or timezone.localdate()
    horizon = timedelta(days=horizon_days)
    rows = Score.objects.filter(as_of__isnull=False, as_of__lte=today - horizon)
    if date_from:
        rows = rows.filter(as_of__gte=date_from)
    if date_to:
        rows = rows.filter(as_of__lte=date_to)
    keys = rows.values_list("account_id", "as_of", "account__churned_on").distinct()
    cases = [
        Case(account_id=pk, as_of=on, churned=churned_on is not None and churned_on <= on + horizon)
        for pk, on, churned_on in keys
        # Rows without a date were filtered out above; a score dated on or after the churn is
        # no prediction of it.
        if on is not None and (churned_on is None or churned_on > on)
    ]
    cases.sort(key=lambda c: (c.as_of, c.account_id))
    return cases


def score_cases(cases: Sequence[Case], *, model: RiskModel) -> list[ScoredCase]:
    """The cases with the model's score of each: stored where that version scored the account
    on that date (a draft is always re-scored: its tables may have changed since)."""
    stored: dict[tuple[int, date], tuple[int, str]] = {}
    if cases and not model.is_draft:
        rows = (
            Score.objects.filter(
                risk_model=model,
                as_of__gte=min(c.as_of for c in cases),
                as_of__lte=max(c.as_of for c in cases),
            )
            # The latest score of a day wins: ascending order, later rows overwrite.
            .order_by("computed_at", "id")
            .values_list("account_id", "as_of", "score", "band")
        )
        stored = {(pk, on): (score, band) for pk, on, score, band in rows if on is not None}
    missing: dict[date, list[int]] = defaultdict(list)
    for case in cases:
        if (case.account_id, case.as_of) not in stored:
            missing[case.as_of].append(case.account_id)
    for on, ids in missing.items():
        for pk, assessment in assess_as_of(as_of=on, account_ids=ids, model=model):
            stored[(pk, on)] = (assessment.score, assessment.band)
    scored = []
    for case in cases:
        found = stored.get((case.account_id, case.as_of))
        if found is not None:
            scored.append(ScoredCase(case.account_id, case.as_of, case.churned, *found))
    return scored


def figures(cases: Sequence[ScoredCase]) -> Figures:
    labels = [c.churned for c in cases]
    scores = [c.score for c in cases]
    churned = sum(labels)
    both_outcomes = 0 < churned < len(cases)
    auc = ci = lift = None
    if both_outcomes:
        auc, low, high = auc_confidence_interval(scores, labels)
        ci = (low, high)
        lift = top_decile_lift(scores, labels)
    return Figures(
        n=len(cases),
        accounts=len({c.account_id for c in cases}),
        churned=churned,
        base_churn_rate=churned / len(cases) if cases else None,
        auc=auc,
        auc_ci=ci,
        top_decile_lift=lift,
        # The score read as a probability of churning within the horizon.
        brier=brier_score([s / 100 for s in scores], labels) if cases else None,
        bands=calibration_table([c.band for c in cases], labels, order=engine.BANDS),
    )


def run_backtest(
    *,
    model: RiskModel | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    date_from: date | None = None,
    date_to: date | None = None,
    cases: Iterable[Case] | None = None,
    today: date | None = None,
) -> Backtest:
    """Backtest a model (the published one by default) on the history's cases, or on given
    cases (to compare two models on the very same ones)."""
    model = model or published_model()
    if cases is None:
        cases = backtest_cases(
            horizon_days=horizon_days, date_from=date_from, date_to=date_to, today=today
        )
    scored = score_cases(list(cases), model=model)
    return Backtest(
        model_version=model.version,
        horizon_days=horizon_days,
        date_from=date_from,
        date_to=date_to,
        cases=scored,
        figures=figures(scored),
    )
