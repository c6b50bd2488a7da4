"""Reasons worded in the reader's language: one catalogue from message codes to sentences.

The risk engine (and the lever core, the expected-churn rule, the alerts) store a reason as a
message code and its parameters: numbers, dates, codes and the names users typed, never
English. This module turns them into a sentence at display time, through gettext, in the active
language:

- `MESSAGES` maps every engine code to a format string with named placeholders. To add a factor,
  add its codes here (and their French in the catalogue); nothing else changes.
- `PARAM_FORMATS` says how each parameter is shown, by its name: dates and numbers per locale,
  codes through their translated labels, admin-typed names as typed (or translated while they
  keep the default model's value).
- `format_date`, `format_number`, `format_money` are the one place a reason formats a value.

Parameters come either from the engine (dates, Decimals) or back from the stored JSON (ISO
strings, numbers as strings): every formatter accepts both. A reason never breaks a page: an
unknown code or a bad parameter falls back to the code and its raw values.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language, npgettext_lazy, pgettext_lazy

from accounts.countries import country_name
from accounts.models import Band, FundingStage, Industry, Phase
from churnguard import formats as display
from risk.engine.assessment import PARTS_CODE

logger = logging.getLogger(__name__)

# How a date inside a reason reads: "1 Sep 2026", "1 septembre 2026".

# Code of a reason stored before reasons had codes, and that could not be recognised: its
# English text is kept as it was written and shown as such.
LEGACY_CODE = "legacy"


def format_date(value: date | str) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return display.format_date(day, display.locale_for(get_language()))


def format_number(value: Any) -> str:
    """`3`, `2.5`, `250,000` (`250 000` in French): no trailing zeros, grouped per locale."""
    if isinstance(value, int):
        number: Decimal = Decimal(value)
    else:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return formats.number_format(number, force_grouping=True)


def format_money(amount: Any, currency: str) -> str:
    return display.format_money(amount, currency, display.locale_for(get_language()), whole=True)


def translated_default(value: str, defaults: Mapping[str, Promise]) -> str:
    """`value` in the reader's language while it is a shipped default; as typed otherwise."""
    found = defaults.get(value)
    return value if found is None else str(found)


def _vocabulary(words: Mapping[str, Promise]) -> Callable[[Any], str]:
    def word(code: Any) -> str:
        found = words.get(code)
        return str(code) if found is None else str(found)

    return word


def _choice(choices: Any, *, lower: bool = False) -> Callable[[Any], str]:
    def label(code: Any) -> str:
        if code not in choices.values:
            return str(code)
        text = str(choices(code).label)
        return text[:1].lower() + text[1:] if lower else text

    return label


def _as_is(value: Any) -> Any:
    return value


# Words the engine names by code ---------------------------------------------------------------

EXPOSURES = {
    "heavy": pgettext_lazy("risk reason", "heavily exposed to the crisis"),
    "exposed": pgettext_lazy("risk reason", "exposed to the crisis"),
    "somewhat": pgettext_lazy("risk reason", "somewhat exposed to the crisis"),
    "neutral": pgettext_lazy("risk reason", "neutral"),
    "held_up": pgettext_lazy("risk reason", "has held up in the crisis"),
}
PHASE_OUTLOOKS = {
    "deployment": pgettext_lazy("risk reason", "onboarding"),
    "defense": pgettext_lazy("risk reason", "already a concern"),
    "maturation": pgettext_lazy("risk reason", "deployed and seeing value"),
    "growth": pgettext_lazy("risk reason", "eligible for expansion"),
}
AS_RECORDED = pgettext_lazy("risk reason", "as recorded")
RUNWAYS = {
    "out": pgettext_lazy("risk reason", "out of cash"),
    "month": pgettext_lazy("risk reason", "cash runs out within a month"),
    "quarter": pgettext_lazy("risk reason", "survives one quarter at most"),
    "two_quarters": pgettext_lazy("risk reason", "less than two quarters of cash"),
    "year": pgettext_lazy("risk reason", "less than a year of cash"),
    "two_years": pgettext_lazy("risk reason", "less than two years of cash"),
    "more": pgettext_lazy("risk reason", "two years of cash or more"),
}
STAGES = {
    "bootstrapped": pgettext_lazy("risk reason", "bootstrapped company"),
    "seed": pgettext_lazy("risk reason", "seed-stage start-up"),
    "series_a": pgettext_lazy("risk reason", "Series A start-up"),
    "series_b_plus": pgettext_lazy("risk reason", "Series B+ start-up"),
    "profitable": pgettext_lazy("risk reason", "profitable company"),
    "listed": pgettext_lazy("risk reason", "listed company"),
    "multinational": pgettext_lazy("risk reason", "multinational with reserves"),
}
SEGMENTS = {
    "smb": pgettext_lazy("risk reason", "small business"),
    "mid_market": pgettext_lazy("risk reason", "mid-market"),
    "enterprise": pgettext_lazy("risk reason", "enterprise"),
}

# The default risk model's own wording (risk/default_model.py): region names, country notes and
# signal labels are admin-editable data, translated only while they keep the shipped value.
DEFAULT_REGIONS = {
    "EU-South": pgettext_lazy("risk reason", "EU-South"),
    "EU-West": pgettext_lazy("risk reason", "EU-West"),
    "EU-North": pgettext_lazy("risk reason", "EU-North"),
    "North America": pgettext_lazy("risk reason", "North America"),
    "LATAM": pgettext_lazy("risk reason", "LATAM"),
    "APAC": pgettext_lazy("risk reason", "APAC"),
    "MEA": pgettext_lazy("risk reason", "MEA"),
}
DEFAULT_NOTES = {
    "first and longest lockdowns": pgettext_lazy("risk reason", "first and longest lockdowns"),
    "recovered, still fragile": pgettext_lazy("risk reason", "recovered, still fragile"),
    "long lockdown, tourism-bound": pgettext_lazy("risk reason", "long lockdown, tourism-bound"),
    "tourism back, recovery slow": pgettext_lazy("risk reason", "tourism back, recovery slow"),
    "repeated lockdowns": pgettext_lazy("risk reason", "repeated lockdowns"),
    "reopened, energy prices bite": pgettext_lazy("risk reason", "reopened, energy prices bite"),
    "uneven state lockdowns": pgettext_lazy("risk reason", "uneven state lockdowns"),
    "rebounded early": pgettext_lazy("risk reason", "rebounded early"),
    "zero-COVID closures": pgettext_lazy("risk reason", "zero-COVID closures"),
    "reopened after zero-COVID": pgettext_lazy("risk reason", "reopened after zero-COVID"),
    "short-time work cushions": pgettext_lazy("risk reason", "short-time work cushions"),
    "long crisis, weak currency": pgettext_lazy("risk reason", "long crisis, weak currency"),
    "slow recovery": pgettext_lazy("risk reason", "slow recovery"),
}
DEFAULT_SIGNAL_LABELS = {
    "CSAT (1-5)": pgettext_lazy("risk reason", "CSAT (1-5)"),
    "Open support tickets": pgettext_lazy("risk reason", "Open support tickets"),
}

# The notes of the model ChurnGuard ships with.
DEFAULT_MODEL_NOTES = {
    "Default model from the product brief.": pgettext_lazy(
        "default data", "Default model from the product brief."
    ),
    "Default model updated: account size, adoption in active users, usage intensity.": (
        pgettext_lazy(
            "default data",
            "Default model updated: account size, adoption in active users, usage intensity.",
        )
    ),
    "Default model updated: MRR trend.": pgettext_lazy(
        "default data", "Default model updated: MRR trend."
    ),
}

# How each parameter is shown, by name; a name not listed is shown as it is.
PARAM_FORMATS: dict[str, Callable[[Any], Any]] = {
    "date": format_date,
    "as_of": format_date,
    "since": format_date,
    "days": format_number,
    "count": _as_is,  # chooses the plural form: stays a number
    "then": format_number,
    "now": format_number,
    "pct": format_number,
    "weakest": format_number,
    "value": format_number,
    "threshold": format_number,
    "months": format_number,
    "burn": format_number,
    "seats": format_number,
    "industry": _choice(Industry),
    "phase": _choice(Phase, lower=True),
    "funding_stage": _choice(FundingStage),
    "country": lambda code: country_name(code) or str(code),
    "region": lambda name: translated_default(name, DEFAULT_REGIONS),
    "note": lambda note: translated_default(note, DEFAULT_NOTES),
    "label": lambda label: translated_default(label, DEFAULT_SIGNAL_LABELS),
    "exposure": _vocabulary(EXPOSURES),
    "runway": _vocabulary(RUNWAYS),
    "stage": _vocabulary(STAGES),
    "segment": _vocabulary(SEGMENTS),
}

# Message code -> sentence. Every placeholder is a parameter the engine gives under that name
# (see PARAM_FORMATS), except `parts` (the pieces of a composite reason) and `phase_words`
# (the outlook of the phase in `phase`).
MESSAGES: dict[str, Promise] = {
    # Factors without (fresh) data.
    "industry.none": pgettext_lazy("risk reason", "No industry recorded"),
    "industry.unknown": pgettext_lazy(
        "risk reason", "Industry '%(industry)s' is not in the risk model's table"
    ),
    "geography.none": pgettext_lazy("risk reason", "No country recorded"),
    "geography.unknown": pgettext_lazy(
        "risk reason", "Country %(country)s is not in the risk model's geography tables"
    ),
    "phase.none": pgettext_lazy("risk reason", "No journey phase recorded"),
    "phase.unknown": pgettext_lazy(
        "risk reason", "Phase '%(phase)s' is not in the risk model's phase table"
    ),
    "renewal.none": pgettext_lazy("risk reason", "No renewal date recorded"),
    "discount.none": pgettext_lazy("risk reason", "No signing discount recorded"),
    "stakeholder.none": pgettext_lazy("risk reason", "No stakeholders recorded"),
    "usage.none": pgettext_lazy("risk reason", "No usage recorded"),
    "usage.no_seats": pgettext_lazy("risk reason", "No usage with licensed seats up to %(as_of)s"),
    "usage.stale": pgettext_lazy(
        "risk reason", "Latest usage as of %(date)s is older than %(days)s days: treated as missing"
    ),
    "usage.one_day": pgettext_lazy(
        "risk reason", "Usage recorded on one day only (%(date)s): no trend yet"
    ),
    "kpi.none": pgettext_lazy("risk reason", "No outcome KPIs recorded"),
    "kpi.no_readings": pgettext_lazy("risk reason", "No outcome KPI readings up to %(as_of)s"),
    "kpi.stale": pgettext_lazy(
        "risk reason",
        "Outcome KPI readings (latest %(date)s) are older than %(days)s days: treated as missing",
    ),
    "cash.none": pgettext_lazy("risk reason", "No cash facts recorded"),
    "cash.unknown_stage": pgettext_lazy(
        "risk reason", "Funding stage '%(funding_stage)s' is not in the risk model"
    ),
    "cash.future": pgettext_lazy(
        "risk reason", "Cash facts as of %(date)s are dated after %(as_of)s: treated as missing"
    ),
    "cash.stale": pgettext_lazy(
        "risk reason", "Cash facts as of %(date)s are older than %(days)s days: treated as missing"
    ),
    "signal.none": pgettext_lazy("risk reason", "No %(label)s reading recorded"),
    "signal.future": pgettext_lazy(
        "risk reason",
        "%(label)s reading as of %(date)s is dated after %(as_of)s: treated as missing",
    ),
    "signal.stale": pgettext_lazy(
        "risk reason",
        "%(label)s reading as of %(date)s is older than %(days)s days: treated as missing",
    ),
    # Factors with data.
    "industry.scored": pgettext_lazy("risk reason", "%(industry)s industry: %(exposure)s"),
    "geography.dated_note_region": pgettext_lazy(
        "risk reason", "Country %(country)s (%(region)s): %(note)s (since %(since)s)"
    ),
    "geography.dated_note": pgettext_lazy(
        "risk reason", "Country %(country)s: %(note)s (since %(since)s)"
    ),
    "geography.dated_exposure_region": pgettext_lazy(
        "risk reason", "Country %(country)s (%(region)s): %(exposure)s (since %(since)s)"
    ),
    "geography.dated_exposure": pgettext_lazy(
        "risk reason", "Country %(country)s: %(exposure)s (since %(since)s)"
    ),
    "geography.region": pgettext_lazy(
        "risk reason", "Country %(country)s, %(region)s: %(exposure)s"
    ),
    "renewal.overdue": pgettext_lazy(
        "risk reason", "Renewal was due on %(date)s: overdue by %(days)s days"
    ),
    "renewal.today": pgettext_lazy("risk reason", "Renewal on %(date)s, today"),
    "renewal.tomorrow": pgettext_lazy("risk reason", "Renewal on %(date)s, tomorrow"),
    "renewal.in_days": pgettext_lazy("risk reason", "Renewal on %(date)s, in %(days)s days"),
    "renewal.break_clause": pgettext_lazy(
        "risk reason", "Break clause before the renewal on %(date)s, in %(days)s days"
    ),
    "renewal.term_ends": pgettext_lazy(
        "risk reason", "Term in force ends on %(date)s, in %(days)s days"
    ),
    "renewal.short_term": pgettext_lazy(
        "risk reason", "%(months)s-month term, renewal on %(date)s, in %(days)s days"
    ),
    "discount.full_price": pgettext_lazy("risk reason", "Signed at full price"),
    "discount.warning": pgettext_lazy(
        "risk reason", "Signed with a %(pct)s %% discount, a strong sign of non-renewal"
    ),
    "discount.given": pgettext_lazy("risk reason", "Signed with a %(pct)s %% discount"),
    "stakeholder.in_place": pgettext_lazy("risk reason", "Key stakeholders in place"),
    "stakeholder.left": pgettext_lazy(
        "risk reason", "Key stakeholder left on %(date)s, %(days)s days ago"
    ),
    "kpi.one": pgettext_lazy("risk reason", "Outcome KPI %(name)s at %(pct)s %% of target"),
    "kpi.many": pgettext_lazy(
        "risk reason",
        "%(count)s outcome KPIs at %(pct)s %% of target on average"
        " (weakest: %(name)s at %(weakest)s %%)",
    ),
    "cash.dated": pgettext_lazy("risk reason", "Cash (as of %(as_of)s): %(parts)s"),
    "cash.undated": pgettext_lazy("risk reason", "Cash (undated): %(parts)s"),
    "signal.value": pgettext_lazy("risk reason", "%(label)s %(value)s (as of %(date)s)"),
    "signal.at_or_above": pgettext_lazy(
        "risk reason", "%(label)s %(value)s (as of %(date)s): at or above %(threshold)s"
    ),
    "signal.at_or_below": pgettext_lazy(
        "risk reason", "%(label)s %(value)s (as of %(date)s): at or below %(threshold)s"
    ),
    "signal.category": pgettext_lazy("risk reason", "%(label)s: %(category)s (as of %(date)s)"),
    "signal.category_other": pgettext_lazy(
        "risk reason", "%(label)s: %(category)s (as of %(date)s), not listed in the model"
    ),
    "size.none": pgettext_lazy("risk reason", "No seats or MRR recorded"),
    "size.seats": pgettext_lazy("risk reason", "Plan of %(seats)s licensed seats"),
    "size.mrr": pgettext_lazy("risk reason", "MRR of %(threshold)s a month or less"),
    "size.mrr_above": pgettext_lazy("risk reason", "MRR above %(threshold)s a month"),
    "mrr.none": pgettext_lazy("risk reason", "No earlier MRR to compare with"),
    "mrr.fell": pgettext_lazy("risk reason", "MRR down %(pct)s %% in the last %(days)s days"),
    "mrr.rose": pgettext_lazy("risk reason", "MRR up %(pct)s %% in the last %(days)s days"),
    "mrr.held": pgettext_lazy("risk reason", "MRR unchanged over the last %(days)s days"),
    # Pieces of the journey-phase reason.
    "phase.in_since": pgettext_lazy("risk reason", "In %(phase)s since %(since)s: %(phase_words)s"),
    "phase.in": pgettext_lazy("risk reason", "In %(phase)s: %(phase_words)s"),
    "phase.defense_days": pgettext_lazy(
        "risk reason", "%(days)s days in defense without resolution"
    ),
    "phase.break_clause": pgettext_lazy(
        "risk reason", "break clause on %(date)s, in %(days)s days"
    ),
    "phase.no_go_live": pgettext_lazy("risk reason", "no planned go-live date recorded"),
    "phase.on_schedule_go_live": pgettext_lazy(
        "risk reason", "on schedule for the planned go-live of %(date)s"
    ),
    "phase.on_schedule_usual": pgettext_lazy(
        "risk reason", "on schedule for the usual %(count)s-day deployment of %(date)s"
    ),
    "phase.late_go_live": pgettext_lazy(
        "risk reason", "%(days)s days past the planned go-live of %(date)s"
    ),
    "phase.late_usual": pgettext_lazy(
        "risk reason", "%(days)s days past the usual %(count)s-day deployment of %(date)s"
    ),
    # Pieces of the usage reason.
    "usage.fell": pgettext_lazy(
        "risk reason", "Active users fell from %(then)s %% to %(now)s %% of seats in %(days)s days"
    ),
    "usage.rose": pgettext_lazy(
        "risk reason", "Active users rose from %(then)s %% to %(now)s %% of seats in %(days)s days"
    ),
    "usage.held": pgettext_lazy(
        "risk reason", "Active users held from %(then)s %% to %(now)s %% of seats in %(days)s days"
    ),
    "usage.low_adoption": pgettext_lazy("risk reason", "low adoption"),
    "usage.users_fell": pgettext_lazy(
        "risk reason",
        "Active users fell from %(then)s %% to %(now)s %% of %(seats)s seats in %(days)s days",
    ),
    "usage.users_rose": pgettext_lazy(
        "risk reason",
        "Active users rose from %(then)s %% to %(now)s %% of %(seats)s seats in %(days)s days",
    ),
    "usage.users_held": pgettext_lazy(
        "risk reason", "Active users held at %(now)s %% of %(seats)s seats in %(days)s days"
    ),
    "usage.low_share": pgettext_lazy("risk reason", "low adoption: %(pct)s %% of seats active"),
    "usage.intensity": pgettext_lazy("risk reason", "usage intensity %(value)s (as of %(date)s)"),
    "usage.intensity_only": pgettext_lazy(
        "risk reason", "Usage intensity %(value)s (as of %(date)s)"
    ),
    # Pieces of the cash reason.
    "cash.runway": pgettext_lazy("risk reason", "runway %(months)s months, %(runway)s"),
    "cash.stage": pgettext_lazy("risk reason", "%(stage)s"),
    "cash.burn": pgettext_lazy("risk reason", "burning %(burn)s a month"),
    "cash.no_late_payments": pgettext_lazy("risk reason", "no late payments in 12 months"),
    "cash.late_payments": npgettext_lazy(
        "risk reason",
        "%(count)s late payment in 12 months",
        "%(count)s late payments in 12 months",
        "count",
    ),
    "cash.segment": pgettext_lazy("risk reason", "%(segment)s"),
}

# How a piece shows its own points inside a composite reason, and how pieces are joined.
_PART_WITH_POINTS = pgettext_lazy("risk reason", "%(text)s (%(points)s)")
_PARTS_SEPARATOR = pgettext_lazy("risk reason parts separator", "; ")
# A factor's reason followed by the points that count, with the weight's arithmetic if any.
_WITH_POINTS = pgettext_lazy("risk reason", "%(text)s, %(points)s")
_WITH_WEIGHTED_POINTS = pgettext_lazy("risk reason", "%(text)s, %(raw)s × %(weight)s = %(points)s")


def parts_separator() -> str:
    """Between pieces of a reason: "; " (after a no-break space in French)."""
    return str(_PARTS_SEPARATOR)


def signed(points: int) -> str:
    return f"{points:+d}"


def reason_text(
    code: str,
    params: Mapping[str, Any] | None = None,
    *,
    messages: Mapping[str, Promise] = MESSAGES,
    formats_by_name: Mapping[str, Callable[[Any], Any]] = PARAM_FORMATS,
) -> str:
    """The sentence of a code and its parameters, in the active language.

    Other apps word their own codes through the same function with their own `messages` (and
    parameter formats), so every reason in the product is rendered one way.
    """
    params = params or {}
    try:
        if code == LEGACY_CODE:
            return str(params.get("text", ""))
        if code == PARTS_CODE:
            return _parts_text(params.get("parts", ()), messages, formats_by_name)
        template = messages[code]
        values: dict[str, Any] = {}
        for name, value in params.items():
            if name == "parts":
                values[name] = _parts_text(value, messages, formats_by_name)
            else:
                format_value = formats_by_name.get(name)
                values[name] = value if format_value is None else format_value(value)
        if "phase" in params:
            values["phase_words"] = str(PHASE_OUTLOOKS.get(params["phase"], AS_RECORDED))
        return str(template % values) if values else str(template)
    except Exception:  # a reason must never break a page
        logger.warning("Could not word reason %r %r", code, params, exc_info=True)
        shown = ", ".join(f"{name}={value}" for name, value in params.items() if name != "parts")
        return f"{code} ({shown})" if shown else code


def _parts_text(
    parts: Sequence[Sequence[Any]],
    messages: Mapping[str, Promise],
    formats_by_name: Mapping[str, Callable[[Any], Any]],
) -> str:
    """One piece alone; two or more each followed by its own points."""
    if len(parts) == 1:
        code, params, _points = parts[0]
        return reason_text(code, params, messages=messages, formats_by_name=formats_by_name)
    return str(_PARTS_SEPARATOR).join(
        str(_PART_WITH_POINTS)
        % {
            "text": reason_text(code, params, messages=messages, formats_by_name=formats_by_name),
            "points": signed(points),
        }
        for code, params, points in parts
    )


def contribution_text(
    code: str,
    params: Mapping[str, Any] | None,
    *,
    points: int,
    has_data: bool = True,
    raw_points: int | None = None,
    weight: float = 1.0,
) -> str:
    """A factor's whole reason: the sentence, then the points that count ("…, +8"), or the
    weight's arithmetic ("…, +18 × 1.5 = +27"). A factor without data shows no points."""
    text = reason_text(code, params)
    if not has_data or code == LEGACY_CODE:
        return text
    if raw_points is None or weight == 1.0:
        return str(_WITH_POINTS) % {"text": text, "points": signed(points)}
    return str(_WITH_WEIGHTED_POINTS) % {
        "text": text,
        "raw": signed(raw_points),
        "weight": format_number(Decimal(repr(weight))),
        "points": signed(points),
    }


def explain(contribution: Any) -> str:
    """The reason of an engine contribution, worded in the active language."""
    return contribution_text(
        contribution.code,
        contribution.params,
        points=contribution.points,
        has_data=contribution.has_data,
        raw_points=contribution.raw_points,
        weight=contribution.weight,
    )


def explain_sentence(contribution: Any) -> str:
    """The reason's sentence alone, for pages that print the factor's points beside it (each
    figure once)."""
    return reason_text(contribution.code, contribution.params)


# Why the expected-churn rule raised an account (risk.churn_rule).
EXPECTED_CHURN_MESSAGES: dict[str, Promise] = {
    "phase_band": pgettext_lazy(
        "expected churn reason", "%(phase)s phase with a %(band)s risk band"
    ),
    "renewing_this_quarter": pgettext_lazy(
        "expected churn reason", "%(band)s risk band, renewing on %(date)s (this quarter)"
    ),
}
_EXPECTED_CHURN_FORMATS: dict[str, Callable[[Any], Any]] = {
    **PARAM_FORMATS,
    "phase": _choice(Phase),
    "band": _choice(Band, lower=True),
}


def expected_churn_reason(code: str, params: Mapping[str, Any] | None) -> str:
    return reason_text(
        code, params, messages=EXPECTED_CHURN_MESSAGES, formats_by_name=_EXPECTED_CHURN_FORMATS
    )


# Why a learned model suggestion failed (risk.services.suggestions): codes stored on the request.
TOO_FEW_CASES = "too_few_cases"
TOO_FEW_CHURNED = "too_few_churned"
NO_TEST_CASES = "no_test_cases"
NO_PUBLISHED_MODEL = "no_published_model"
INTERRUPTED = "interrupted"
UNEXPECTED_ERROR = "error"
SUGGESTION_FAILURES: dict[str, Promise] = {
    TOO_FEW_CASES: pgettext_lazy(
        "suggestion failure",
        "Not enough cases before %(date)s: %(cases)s (at least %(needed)s needed).",
    ),
    TOO_FEW_CHURNED: pgettext_lazy(
        "suggestion failure",
        "Not enough churned cases before %(date)s: %(churned)s (at least %(needed)s needed).",
    ),
    NO_TEST_CASES: pgettext_lazy(
        "suggestion failure",
        "No case from %(date)s on to compare the suggestion with the active model.",
    ),
    NO_PUBLISHED_MODEL: pgettext_lazy(
        "suggestion failure",
        "No model is published: there is nothing to start from or to compare with.",
    ),
    INTERRUPTED: pgettext_lazy(
        "suggestion failure",
        "Learning stopped before it finished (the worker stopped or ran out of time). Ask again.",
    ),
    UNEXPECTED_ERROR: pgettext_lazy(
        "suggestion failure",
        "An unexpected error stopped the learning. It was logged for your administrator.",
    ),
}
_SUGGESTION_FORMATS: dict[str, Callable[[Any], Any]] = {
    **PARAM_FORMATS,
    "cases": format_number,
    "churned": format_number,
    "needed": format_number,
}


def suggestion_failure_text(code: str, params: Mapping[str, Any] | None) -> str:
    return reason_text(
        code, params, messages=SUGGESTION_FAILURES, formats_by_name=_SUGGESTION_FORMATS
    )
