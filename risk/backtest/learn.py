"""Learning the risk model's tables from the company's own history, kept a table a CSM can read.

The method
----------
1. Inputs. For each built-in factor input (days to renewal, discount at signing, adoption and its
   change in active users, usage intensity, plan size in seats or else MRR, runway, late
   payments, industry, journey phase, funding stage) and each named numeric or category signal,
   the value every training case had on its date, exactly as the engine reads it (stale or later
   facts count as missing). An input known for fewer than `MIN_COVERAGE` of the cases is left
   out.
2. Thresholds. A numeric input is cut at its quantiles (deciles, rounded to readable values).
   Each threshold becomes a 0/1 column "the value has crossed it" in the risky direction, so a
   table's points are sums of non-negative steps: monotone by construction once every step is
   0 or more. The direction is the factor's meaning (a closer renewal, a bigger discount, lower
   adoption, shorter runway, more late payments are riskier); a company signal's direction is
   learned from which side of its median churns more. Categories get one column each; on a
   category signal, the categories seen in fewer than `RARE_CATEGORY` of the cases share one
   column, which becomes the factor's points for any category it does not list.
3. Fit. An L1-regularised logistic regression (scikit-learn) on those columns; its strength is
   chosen by cross-validation whose folds are made of whole accounts (never one account on both
   sides), by ROC AUC. Steps that come out negative on a monotone table are removed and the
   model refitted, until every table is monotone.
4. Points. Coefficients become integer points at a common scale (a logit unit is worth up to 15
   points, so the usual range of scores spans about 60 points), the base score places the
   lowest-risk cases near 10, and the band thresholds sit at the 60th, 85th and 95th percentiles
   of the training scores.

The result is an ordinary ModelConfig: the same engine scores and explains it. Plain Python;
scikit-learn and NumPy are imported inside `fit_model` only.
"""

import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import SupportsFloat, cast

from risk import engine
from risk.engine import AccountFacts, ModelConfig, Threshold
from risk.engine.factors.account import SHORT_TERM_MONTHS, renewal_in_force
from risk.engine.factors.revenue import mrr_change_pct

MIN_COVERAGE = 0.1
RARE_CATEGORY = 0.01
# The column key of a category signal's rare categories (and of any category it does not list).
OTHER = "__other__"
FOLDS = 5
STRENGTHS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
QUANTILES = tuple(q / 10 for q in range(1, 10))


@dataclass(frozen=True, slots=True)
class TrainingCase:
    account_id: int
    as_of: date
    facts: AccountFacts
    churned: bool


@dataclass(frozen=True, slots=True)
class Input:
    """One input of the model: how to read it from a case, and where it goes in the config."""

    name: str  # config key ("renewal_thresholds", "industry_points") or "signal:<name>"
    read: Callable[[AccountFacts, date], object]
    kind: str  # "risky_down", "risky_up" (threshold tables) or "category"
    integer: bool = False


@dataclass
class Learned:
    config: ModelConfig
    strength: float
    cv_auc: float
    train_cases: int
    inputs: list[str] = field(default_factory=list)


# Reading inputs as the engine does ---------------------------------------------------------


def _fresh(on: date | None, as_of: date, max_age: int) -> bool:
    return on is not None and on <= as_of and (as_of - on).days <= max_age


def _renewal_days(facts: AccountFacts, as_of: date) -> int | None:
    """Days to the end of the term in force, as the engine reads them (negative: overdue)."""
    found = renewal_in_force(facts, as_of)
    if found is None:
        return None
    end_on, kind = found
    return -1 if kind == "overdue" else (end_on - as_of).days


def _renewal_share(facts: AccountFacts) -> float:
    """The share of the renewal points the engine gives this account's term (short terms less)."""
    term = facts.contract_term_months
    if term is not None and 1 <= term < SHORT_TERM_MONTHS:
        return term / SHORT_TERM_MONTHS
    return 1.0


def _discount(facts: AccountFacts, as_of: date) -> Decimal | None:
    return facts.signing_discount_pct


def usage_readings(
    facts: AccountFacts, as_of: date, *, window_days: int, max_age: int
) -> tuple[int, int] | None:
    """(change, share): the change in active users in whole percentage points of the larger seat
    count, and the whole percentage of the latest seats active, as the usage factor reads them."""
    readings = sorted(
        (p for p in facts.usage if p.licensed_seats > 0 and p.on <= as_of),
        key=lambda p: (p.on, p.active_users, p.licensed_seats),
    )
    if not readings or (as_of - readings[-1].on).days > max_age:
        return None
    latest = readings[-1]
    cutoff = latest.on.toordinal() - window_days
    reference = readings[0]
    for point in reversed(readings):
        if point.on.toordinal() <= cutoff:
            reference = point
            break
    if reference.on == latest.on:
        return None
    seats = max(reference.licensed_seats, latest.licensed_seats)  # as the engine reads it
    then = (200 * reference.active_users + seats) // (2 * seats)
    now = (200 * latest.active_users + seats) // (2 * seats)
    share = (200 * latest.active_users + latest.licensed_seats) // (2 * latest.licensed_seats)
    return now - then, share


def _latest_seats(facts: AccountFacts, as_of: date, max_age: int) -> int | None:
    """The licensed seats of the latest fresh usage reading, as the size factor reads them."""
    known = [p for p in facts.usage if p.licensed_seats > 0 and p.on <= as_of]
    if not known:
        return None
    latest = max(known, key=lambda p: (p.on, p.active_users, p.licensed_seats))
    return latest.licensed_seats if (as_of - latest.on).days <= max_age else None


def _inputs(
    model: ModelConfig, signals: Sequence[str], category_signals: Sequence[str] = ()
) -> list[Input]:
    age, window = model.max_fact_age_days, model.usage_window_days

    def adoption(facts: AccountFacts, as_of: date) -> int | None:
        found = usage_readings(facts, as_of, window_days=window, max_age=age)
        return None if found is None else found[1]

    def adoption_change(facts: AccountFacts, as_of: date) -> int | None:
        found = usage_readings(facts, as_of, window_days=window, max_age=age)
        return None if found is None else found[0]

    def seats(facts: AccountFacts, as_of: date) -> int | None:
        return _latest_seats(facts, as_of, age)

    def mrr(facts: AccountFacts, as_of: date) -> Decimal | None:
        # The engine reads MRR only when it knows no fresh seats.
        if facts.mrr <= 0 or _latest_seats(facts, as_of, age) is not None:
            return None
        return facts.mrr

    def cash(read: Callable[[AccountFacts], object]) -> Callable[[AccountFacts, date], object]:
        def reader(facts: AccountFacts, as_of: date) -> object:
            dated = facts.cash_facts_as_of
            if dated is not None and not _fresh(dated, as_of, age):
                return None
            return read(facts)

        return reader

    def signal(name: str, *, on_categories: bool = False) -> Callable[[AccountFacts, date], object]:
        def reader(facts: AccountFacts, as_of: date) -> object:
            reading = facts.signals.get(name)
            if reading is None or not _fresh(reading.as_of, as_of, age):
                return None
            return reading.category if on_categories else reading.value

        return reader

    inputs = [
        Input("renewal_thresholds", _renewal_days, "risky_down", integer=True),
        Input("signing_discount_thresholds", _discount, "risky_up"),
        Input("low_adoption_thresholds", adoption, "risky_down", integer=True),
        Input("usage_fall_thresholds", adoption_change, "risky_down", integer=True),
        Input("runway_thresholds", cash(lambda f: f.cash_runway_months), "risky_down"),
        Input("late_payment_thresholds", cash(lambda f: f.late_payments), "risky_up", integer=True),
        Input("funding_stage_points", cash(lambda f: f.funding_stage), "category"),
        Input("industry_points", lambda f, d: f.industry, "category"),
        Input("phase_points", lambda f, d: f.phase, "category"),
        Input("size_seat_thresholds", seats, "risky_down", integer=True),
        Input("size_mrr_thresholds", mrr, "risky_down"),
        Input("mrr_fall_thresholds", lambda f, d: mrr_change_pct(f), "risky_down", integer=True),
    ]
    if model.usage_intensity_signal:
        reader = signal(model.usage_intensity_signal)
        inputs.append(Input("low_intensity_thresholds", reader, "risky_down"))
    prefix = engine.CUSTOM_FACTOR_PREFIX
    inputs += [
        Input(f"{prefix}{name}", signal(name), "risky_up")
        for name in signals
        if name != model.usage_intensity_signal
    ]
    inputs += [
        Input(f"{prefix}{name}", signal(name, on_categories=True), "category")
        for name in category_signals
    ]
    return inputs


# Columns -----------------------------------------------------------------------------------


@dataclass
class Column:
    input: Input
    key: object  # a threshold (Decimal), a category (str) or "overdue"
    values: list[float]


def _readable(value: float, integer: bool) -> Decimal:
    if integer or abs(value) >= 100:
        return Decimal(round(value))
    if value == 0:
        return Decimal(0)
    digits = 2 - int(math.floor(math.log10(abs(value))))
    return Decimal(str(round(value, digits)))


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def _number(value: object) -> float:
    """A numeric input's reading (an int, a float or a Decimal) as a float."""
    return float(cast(SupportsFloat, value))


def _signal_direction(values: list[object], labels: list[bool]) -> bool:
    """True when higher readings churn more (compared around the median)."""
    known = sorted((_number(v), y) for v, y in zip(values, labels, strict=True) if v is not None)
    middle = known[len(known) // 2][0]
    above = [y for v, y in known if v > middle]
    below = [y for v, y in known if v <= middle]
    if not above or not below:
        return True
    return sum(above) / len(above) >= sum(below) / len(below)


def build_columns(
    cases: Sequence[TrainingCase], inputs: Sequence[Input]
) -> tuple[list[Column], list[Input]]:
    labels = [c.churned for c in cases]
    columns: list[Column] = []
    used: list[Input] = []
    for spec in inputs:
        raw = [spec.read(c.facts, c.as_of) for c in cases]
        known = [v for v in raw if v is not None]
        if len(known) < MIN_COVERAGE * len(cases):
            continue
        if spec.kind == "category":
            counts: dict[object, int] = defaultdict(int)
            for v in known:
                counts[v] += 1
            # A category seen in fewer than 1 % of cases carries no reliable points of its own:
            # on a category signal such categories share one column, the factor's "other".
            common = {k for k, n in counts.items() if n >= RARE_CATEGORY * len(cases)}
            for category in sorted(cast(str, k) for k in common):
                columns.append(Column(spec, category, [1.0 if v == category else 0.0 for v in raw]))
            if spec.name.startswith(engine.CUSTOM_FACTOR_PREFIX) and len(common) < len(counts):
                rare = [0.0 if v is None or v in common else 1.0 for v in raw]
                columns.append(Column(spec, OTHER, rare))
            used.append(spec)
            continue
        if spec.name.startswith(engine.CUSTOM_FACTOR_PREFIX):
            upward = _signal_direction(raw, labels)
            spec = Input(spec.name, spec.read, "risky_up" if upward else "risky_down")
        upward = spec.kind == "risky_up"
        values = [_number(v) for v in raw if v is not None]
        ordered = sorted(values)
        is_renewal = spec.name == "renewal_thresholds"
        if is_renewal:
            ordered = [v for v in ordered if v >= 0]  # overdue renewals get their own points
        cuts = sorted({_readable(_quantile(ordered, q), spec.integer) for q in QUANTILES})
        if is_renewal:
            cuts = [c for c in cuts if c >= 0]
        new = []
        for cut in cuts:
            limit = float(cut)
            hits = [
                0.0
                if v is None
                else float((_number(v) >= limit) if upward else (_number(v) <= limit))
                for v in raw
            ]
            if 0 < sum(hits) < len(hits):
                new.append(Column(spec, cut, hits))
        if is_renewal:
            # The engine scales a short term's renewal points: so do its columns.
            shares = [_renewal_share(c.facts) for c in cases]
            for column in new:
                column.values = [v * share for v, share in zip(column.values, shares, strict=True)]
            overdue = [0.0 if v is None else float(_number(v) < 0) for v in raw]
            if sum(overdue):
                new.append(Column(spec, "overdue", overdue))
        if new:
            columns += new
            used.append(spec)
    return columns, used


# Fitting -----------------------------------------------------------------------------------


def grouped_folds(account_ids: Sequence[int], folds: int = FOLDS, seed: int = 0) -> list[int]:
    """A fold number per case; all the cases of one account share a fold."""
    accounts = sorted(set(account_ids))
    random.Random(seed).shuffle(accounts)
    fold_of = {pk: i % folds for i, pk in enumerate(accounts)}
    return [fold_of[pk] for pk in account_ids]


def _fit(x, y, strength: float):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    # A fixed seed for liblinear's coordinate order: the same history learns the same model.
    model = LogisticRegression(
        C=strength, l1_ratio=1.0, solver="liblinear", max_iter=500, random_state=0
    )
    model.fit(x, y)
    return model


def _monotone(columns: list[Column], coefficients: Sequence[float]) -> list[int]:
    """Columns whose step is negative on a monotone table (categories may go either way)."""
    return [
        i
        for i, (column, beta) in enumerate(zip(columns, coefficients, strict=True))
        if column.input.kind != "category" and beta < 0
    ]


def fit_model(
    cases: Sequence[TrainingCase],
    *,
    template: ModelConfig,
    signals: Sequence[str] = (),
    category_signals: Sequence[str] = (),
    folds: int = FOLDS,
) -> Learned:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    labels = [c.churned for c in cases]
    if not 0 < sum(labels) < len(labels):
        raise ValueError("learning needs cases of both outcomes")
    columns, used = build_columns(cases, _inputs(template, signals, category_signals))
    y = np.array(labels, dtype=int)
    fold_of = np.array(grouped_folds([c.account_id for c in cases], folds))
    while True:
        x = np.array([c.values for c in columns], dtype=float).T
        best = (-1.0, STRENGTHS[0])
        for strength in STRENGTHS:
            aucs = []
            for fold in range(folds):
                train, test = fold_of != fold, fold_of == fold
                if len(set(y[train])) < 2 or len(set(y[test])) < 2:
                    continue
                fitted = _fit(x[train], y[train], strength)
                aucs.append(roc_auc_score(y[test], fitted.decision_function(x[test])))
            if aucs and sum(aucs) / len(aucs) > best[0]:
                best = (sum(aucs) / len(aucs), strength)
        fitted = _fit(x, y, best[1])
        negative = _monotone(columns, list(fitted.coef_[0]))
        if not negative:
            break
        columns = [c for i, c in enumerate(columns) if i not in set(negative)]
    config = _to_config(columns, list(fitted.coef_[0]), template, x, used)
    return Learned(
        config=config,
        strength=best[1],
        cv_auc=best[0],
        train_cases=len(cases),
        inputs=[spec.name for spec in used],
    )


# Points ------------------------------------------------------------------------------------


def _to_config(
    columns: list[Column], coefficients: list[float], template: ModelConfig, x, used: list[Input]
) -> ModelConfig:  # type: ignore[no-untyped-def]
    linear = sorted(float(v) for v in x @ coefficients)
    low, high = _quantile(linear, 0.01), _quantile(linear, 0.99)
    scale = min(15.0, 60.0 / (high - low)) if high > low else 15.0
    by_input: dict[str, list[tuple[Column, float]]] = defaultdict(list)
    for column, beta in zip(columns, coefficients, strict=True):
        if beta != 0:
            by_input[column.input.name].append((column, beta))
    tables: dict[str, object] = {}
    custom = []
    overdue_points = 0
    for name, steps in by_input.items():
        spec = steps[0][0].input
        if spec.kind == "category" and name.startswith(engine.CUSTOM_FACTOR_PREFIX):
            signal = name.removeprefix(engine.CUSTOM_FACTOR_PREFIX)
            points = {str(c.key): round(scale * beta) for c, beta in steps}
            other = points.pop(OTHER, 0)
            custom.append(
                engine.CustomFactor(
                    signal, _label(signal), True, (), tuple(points.items()), other_points=other
                )
            )
            continue
        if spec.kind == "category":
            tables[name] = {str(c.key): round(scale * beta) for c, beta in steps}
            continue
        overdue = [beta for c, beta in steps if c.key == "overdue"]
        thresholds = _steps_to_table(
            [(c.key, beta) for c, beta in steps if c.key != "overdue"],
            upward=spec.kind == "risky_up",
            scale=scale,
        )
        if name == "renewal_thresholds":
            closest = max((t.points for t in thresholds), default=0)
            overdue_points = closest + round(scale * sum(overdue))
        if not thresholds:
            continue
        if name.startswith(engine.CUSTOM_FACTOR_PREFIX):
            signal = name.removeprefix(engine.CUSTOM_FACTOR_PREFIX)
            custom.append(
                engine.CustomFactor(
                    signal, _label(signal), spec.kind == "risky_up", tuple(thresholds)
                )
            )
        else:
            tables[name] = tuple(thresholds)
    base = max(0, min(100, round(10 - scale * low)))
    scores = sorted(min(100, max(0, base + round(scale * v))) for v in linear)
    medium = max(1, min(97, round(_quantile(scores, 0.60))))
    high_band = max(medium + 1, min(98, round(_quantile(scores, 0.85))))
    critical = max(high_band + 1, min(100, round(_quantile(scores, 0.95))))
    return ModelConfig(
        base_score=base,
        bands=engine.BandThresholds(medium=medium, high=high_band, critical=critical),
        max_fact_age_days=template.max_fact_age_days,
        usage_window_days=template.usage_window_days,
        usage_intensity_signal=template.usage_intensity_signal,
        mrr_window_days=template.mrr_window_days,
        renewal_overdue_points=overdue_points,
        custom_factors=tuple(custom),
        **tables,  # type: ignore[arg-type]
    )


def _label(signal: str) -> str:
    return signal.replace("_", " ").capitalize()


def _steps_to_table(
    steps: list[tuple[object, float]], *, upward: bool, scale: float
) -> list[Threshold]:
    """Cumulative steps as the engine's table: a value's points are those of the furthest
    threshold it crossed, i.e. the sum of every step it crossed."""
    # From the least to the most risky threshold, summing the steps crossed on the way.
    ordered = sorted(steps, key=lambda s: s[0], reverse=not upward)  # type: ignore[arg-type,return-value]
    total = 0.0
    table = []
    for value, beta in ordered:
        total += beta
        points = round(scale * total)
        if points > 0:
            table.append(Threshold(Decimal(value), points))  # type: ignore[arg-type]
    return table
