"""Display values for the risk panel: factor bars and the score trend as an SVG polyline."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Band
from accounts.queries import quarter_bounds
from risk import engine
from risk.churn_rule import candidate_reason
from risk.explain import Explanation, FactorChange, explain_account
from risk.models import ExpectedChurn, Score
from risk.queries import (
    NoPublishedModel,
    active_override,
    model_config,
    open_expected_churn,
    score_history,
)
from risk.reasons import (
    DEFAULT_SIGNAL_LABELS,
    expected_churn_reason,
    explain_sentence,
    translated_default,
)
from risk.services.expected_churn import current_rule

FACTOR_LABELS = {
    "account_size": _("Account size"),
    "mrr_trend": _("MRR trend"),
    "industry": _("Industry"),
    "geography": _("Geography"),
    "cash_stability": _("Cash stability"),
    "phase": _("Journey phase"),
    "renewal_proximity": _("Renewal"),
    "signing_discount": _("Discount at signing"),
    "stakeholder": _("Stakeholders"),
    "usage_trend": _("Adoption trend"),
    "kpi_attainment": _("Outcome KPIs"),
}


def factor_label(factor: str) -> str:
    if factor.startswith(engine.CUSTOM_FACTOR_PREFIX):
        return factor.removeprefix(engine.CUSTOM_FACTOR_PREFIX).replace("_", " ").capitalize()
    return str(FACTOR_LABELS.get(factor, factor))


@dataclass(frozen=True, slots=True)
class FactorBar:
    factor: str
    label: str
    points: int
    reason: str
    has_data: bool
    width_pct: int
    is_protective: bool
    change: int = 0  # points gained (or lost) since the previous score
    previous_reason: str = ""  # the reason then, when the factor moved


def factor_bars(
    assessment: engine.Assessment,
    custom_labels: dict[str, str] | None = None,
    changes: tuple[FactorChange, ...] = (),
) -> list[FactorBar]:
    """Biggest drag first (the engine's order); bar widths relative to the largest factor.
    `custom_labels` names the admin's custom factors ("signal:csat" -> "CSAT (1-5)").
    `changes` (since the previous score) are shown on the factor's own line, once."""
    custom_labels = custom_labels or {}
    moved = {change.factor: change for change in changes}
    largest = max((abs(c.points) for c in assessment.contributions), default=0) or 1
    bars = []
    for c in assessment.contributions:
        change = moved.get(c.factor)
        bars.append(
            FactorBar(
                c.factor,
                custom_labels.get(c.factor) or factor_label(c.factor),
                c.points,
                explain_sentence(c),
                c.has_data,
                # Width in steps of 5 %: the CSS has one class per step (no inline style).
                5 * round(20 * abs(c.points) / largest),
                c.points < 0,
                change.points if change else 0,
                change.previous_reason if change else "",
            )
        )
    return bars


@dataclass(frozen=True, slots=True)
class WhatIfChange:
    factor: str
    label: str
    points_now: int
    points_then: int
    change: int
    reason: str  # the factor's reason under the hypothesis


def what_if_changes(
    current: engine.Assessment,
    hypothetical: engine.Assessment,
    custom_labels: dict[str, str] | None = None,
) -> list[WhatIfChange]:
    """The factors a hypothesis moves, biggest move first."""
    custom_labels = custom_labels or {}
    now = {c.factor: c.points for c in current.contributions}
    rows = [
        WhatIfChange(
            c.factor,
            custom_labels.get(c.factor) or factor_label(c.factor),
            now.get(c.factor, 0),
            c.points,
            c.points - now.get(c.factor, 0),
            explain_sentence(c),
        )
        for c in hypothetical.contributions
        if c.points != now.get(c.factor, 0)
    ]
    return sorted(rows, key=lambda row: -abs(row.change))


@dataclass(frozen=True, slots=True)
class TrendChart:
    width: int
    height: int
    points: str  # SVG polyline "x,y x,y ..."
    markers: list[tuple[float, float, int, date]]  # x, y, score, day
    band_lines: list[tuple[str, float]]  # band name, y


def trend_chart(
    history: list[Score],
    *,
    bands: engine.BandThresholds,
    current: int,
    today: date,
    width: int = 320,
    height: int = 90,
) -> TrendChart | None:
    """The score over time, oldest left; today's live score closes the line."""
    series = [(s.computed_at.date(), s.score) for s in reversed(history)]
    series.append((today, current))
    if len(series) < 2:
        return None
    first, last = series[0][0], series[-1][0]
    if first == last:
        return None  # all scores on one day: a line needs at least two days
    span = (last - first).days

    def y(score: int) -> float:
        return round(height - 4 - (height - 8) * score / 100, 1)

    markers = [(round(4 + (width - 8) * (d - first).days / span, 1), y(s), s, d) for d, s in series]
    return TrendChart(
        width=width,
        height=height,
        points=" ".join(f"{x},{yy}" for x, yy, _, _ in markers),
        markers=markers,
        band_lines=[
            ("medium", y(bands.medium)),
            ("high", y(bands.high)),
            ("critical", y(bands.critical)),
        ],
    )


@dataclass(frozen=True, slots=True)
class ExpectedChurnState:
    """An open expected churn as the banner shows it: why the rule raised it then, and why it
    would raise it today ("" once the rule no longer applies, e.g. after a phase change)."""

    raised_reason: str
    current_reason: str
    is_unchanged: bool


def expected_churn_state(
    expected_churn: ExpectedChurn, *, account: Account, band: str, today: date
) -> ExpectedChurnState:
    """The rule asked again with the account's facts now (its phase, today's band)."""
    _, quarter_end = quarter_bounds(today)
    now = candidate_reason(
        phase=account.phase,
        band=band,
        renewal_on=account.renewal_date,
        quarter_end=quarter_end,
        today=today,
        rule=current_rule(),
    )
    then = (expected_churn.rule_reason, expected_churn.rule_reason_params)
    return ExpectedChurnState(
        raised_reason=expected_churn.rule_reason_text,
        current_reason=expected_churn_reason(*now) if now else "",
        is_unchanged=now == then,
    )


def risk_panel(account: Account, *, today: date, explanation: Explanation | None = None) -> dict:
    """Everything the account page's risk panel shows, or an empty dict before any model."""
    try:
        explanation = explanation or explain_account(account, as_of=today)
    except NoPublishedModel:
        return {}
    config = model_config(explanation.risk_model)
    history = score_history(account)
    expected_churn = open_expected_churn(account)
    return {
        "explanation": explanation,
        "band_label": Band(explanation.assessment.band).label,
        "bars": factor_bars(
            explanation.assessment,
            # A shipped label ("Open support tickets") in the reader's language; a typed one as is.
            {
                f.factor: translated_default(f.label, DEFAULT_SIGNAL_LABELS)
                for f in config.custom_factors
            },
            explanation.changes,
        ),
        "trend": trend_chart(
            history, bands=config.bands, current=explanation.assessment.score, today=today
        ),
        "override": active_override(account),
        "expected_churn": expected_churn,
        "churn_state": expected_churn
        and expected_churn_state(
            expected_churn, account=account, band=explanation.assessment.band, today=today
        ),
        "history": history[:10],
    }
