"""Invariants of the risk engine, checked on generated accounts and models (Hypothesis).

- the score stays within 0..100 and its band matches the thresholds;
- worsening any single risk input never lowers the score;
- the same input always gives the same assessment, remembered or fresh;
- any combination of missing facts is scored without error;
- a model survives a trip through its JSON form unchanged.
"""

import contextlib
import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from risk.default_model import DEFAULT_MODEL
from risk.engine import (
    AccountFacts,
    BandThresholds,
    CustomFactor,
    DatedPoints,
    KpiReading,
    ModelConfig,
    ModelConfigError,
    SignalReading,
    Threshold,
    UsagePoint,
    assess,
    band_for,
)
from risk.reasons import explain

AS_OF = date(2026, 9, 12)
MODEL = ModelConfig.from_dict(DEFAULT_MODEL)
INDUSTRIES = sorted(MODEL.industry_points)
COUNTRIES = [*sorted(MODEL.region_of_country), "PL"]
STAGES = sorted(MODEL.funding_stage_points)
SIGNALS = ["csat", "open_tickets", "nps"]
PLANS = ["starter", "team", "business", "enterprise", "legacy"]

days = st.dates(min_value=AS_OF - timedelta(days=800), max_value=AS_OF + timedelta(days=400))


def amounts(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=low, max_value=high, places=2, allow_nan=False)


usage_points = st.builds(UsagePoint, days, st.integers(0, 300), st.integers(0, 300))
kpi_readings = st.builds(
    KpiReading,
    st.sampled_from(["leads", "turnover", "defects"]),
    amounts(-10, 1_000),
    amounts(-10, 1_000),
    st.booleans(),
    days,
)
signal_readings = st.builds(SignalReading, amounts(-100, 100), days)
category_readings = st.builds(SignalReading, st.none(), days, st.sampled_from(PLANS))

accounts = st.builds(
    AccountFacts,
    industry=st.none() | st.sampled_from([*INDUSTRIES, "mining"]),
    country=st.none() | st.sampled_from(COUNTRIES),
    segment=st.none() | st.sampled_from(["smb", "mid_market", "enterprise"]),
    mrr=amounts(0, 100_000),
    mrr_earlier=st.none() | amounts(0, 100_000),
    phase=st.none() | st.sampled_from(["deployment", "defense", "maturation", "growth"]),
    phase_entered_on=st.none() | days,
    planned_go_live_on=st.none() | days,
    break_clause_on=st.none() | days,
    renewal_on=st.none() | days,
    signing_discount_pct=st.none() | amounts(0, 100),
    funding_stage=st.none() | st.sampled_from(STAGES),
    cash_runway_months=st.none() | amounts(0, 120),
    monthly_burn=st.none() | amounts(0, 5_000_000),
    late_payments=st.none() | st.integers(0, 24),
    cash_facts_as_of=st.none() | days,
    key_stakeholder_left_on=st.none() | days,
    stakeholders_known=st.booleans(),
    usage=st.lists(usage_points, max_size=6).map(tuple),
    kpis=st.lists(kpi_readings, max_size=4, unique_by=lambda k: (k.name, k.as_of)).map(tuple),
    signals=st.dictionaries(
        st.sampled_from([*SIGNALS, "usage_intensity"]), signal_readings, max_size=3
    ).flatmap(
        lambda numeric: st.dictionaries(st.just("plan"), category_readings).map(
            lambda plan: {**numeric, **plan}
        )
    ),
)


# Generating whole accounts and models is slow on a busy CI machine; that is not what is tested.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def score(facts: AccountFacts, model: ModelConfig = MODEL) -> int:
    return assess(facts, model, as_of=AS_OF).score


# Range, band, determinism ----------------------------------------------------------------------


@relaxed
@given(accounts)
def test_score_is_within_0_and_100_and_its_band_matches(facts):
    a = assess(facts, MODEL, as_of=AS_OF)
    assert 0 <= a.score <= 100
    assert a.band == band_for(a.score, MODEL.bands)
    unclamped = MODEL.base_score + sum(c.points for c in a.contributions)
    assert a.score == min(100, max(0, unclamped))


@relaxed
@given(accounts)
def test_every_contribution_without_data_counts_zero_and_every_reason_is_one_line(facts):
    for c in assess(facts, MODEL, as_of=AS_OF).contributions:
        assert c.has_data or c.points == 0
        assert c.code and "\n" not in explain(c)


@relaxed
@given(accounts)
def test_same_input_same_output_whether_remembered_or_fresh(facts):
    remembered = assess(facts, MODEL, as_of=AS_OF)  # MODEL's memo is warm from other examples
    assert assess(facts, MODEL, as_of=AS_OF) == remembered
    assert assess(facts, ModelConfig.from_dict(DEFAULT_MODEL), as_of=AS_OF) == remembered


@relaxed
@given(accounts, st.randoms(use_true_random=False))
def test_usage_order_does_not_matter(facts, random):
    usage = list(facts.usage)
    random.shuffle(usage)
    shuffled = dataclasses.replace(facts, usage=tuple(usage))
    assert assess(shuffled, MODEL, as_of=AS_OF) == assess(facts, MODEL, as_of=AS_OF)


# Monotonicity: a riskier input never lowers the score ------------------------------------------


@relaxed
@given(accounts, amounts(0, 120), amounts(0, 120))
def test_a_shorter_runway_never_lowers_the_score(facts, a, b):
    longer, shorter = max(a, b), min(a, b)
    assert score(dataclasses.replace(facts, cash_runway_months=shorter)) >= score(
        dataclasses.replace(facts, cash_runway_months=longer)
    )


@relaxed
@given(accounts, st.integers(0, 24), st.integers(0, 24))
def test_more_late_payments_never_lower_the_score(facts, a, b):
    assert score(dataclasses.replace(facts, late_payments=max(a, b))) >= score(
        dataclasses.replace(facts, late_payments=min(a, b))
    )


@relaxed
@given(accounts, st.sampled_from(INDUSTRIES), st.sampled_from(INDUSTRIES))
def test_an_industry_with_more_points_never_lowers_the_score(facts, a, b):
    points = MODEL.industry_points
    riskier, safer = (a, b) if points[a] >= points[b] else (b, a)
    assert score(dataclasses.replace(facts, industry=riskier)) >= score(
        dataclasses.replace(facts, industry=safer)
    )


@relaxed
@given(accounts, days, days)
def test_a_closer_or_overdue_renewal_never_lowers_the_score(facts, a, b):
    assert score(dataclasses.replace(facts, renewal_on=min(a, b))) >= score(
        dataclasses.replace(facts, renewal_on=max(a, b))
    )


@relaxed
@given(accounts, amounts(0, 100), amounts(0, 100))
def test_a_bigger_signing_discount_never_lowers_the_score(facts, a, b):
    assert score(dataclasses.replace(facts, signing_discount_pct=max(a, b))) >= score(
        dataclasses.replace(facts, signing_discount_pct=min(a, b))
    )


@relaxed
@given(accounts, st.data())
def test_lower_kpi_attainment_never_lowers_the_score(facts, data):
    assume(facts.kpis)
    i = data.draw(st.integers(0, len(facts.kpis) - 1))
    reading = facts.kpis[i]
    worse_by = data.draw(amounts(0, 500))
    # Worse means a lower actual when higher is better, a higher one otherwise.
    actual = reading.actual - worse_by if reading.higher_is_better else reading.actual + worse_by
    worse = list(facts.kpis)
    worse[i] = dataclasses.replace(reading, actual=actual)
    assert score(dataclasses.replace(facts, kpis=tuple(worse))) >= score(facts)


@relaxed
@given(accounts, st.sampled_from(SIGNALS[:2]), amounts(-100, 100), amounts(-100, 100), days)
def test_a_signal_moving_in_its_risky_direction_never_lowers_the_score(facts, name, a, b, on):
    factor = next(cf for cf in MODEL.custom_factors if cf.signal == name)
    riskier, safer = (max(a, b), min(a, b)) if factor.higher_is_riskier else (min(a, b), max(a, b))

    def with_signal(value: Decimal) -> AccountFacts:
        return dataclasses.replace(facts, signals={**facts.signals, name: SignalReading(value, on)})

    assert score(with_signal(riskier)) >= score(with_signal(safer))


def latest_users(facts: AccountFacts, active: int) -> tuple[UsagePoint, ...]:
    """The account's usage with a reading of `active` users on 300 seats as the latest one."""
    latest_on = AS_OF - timedelta(days=1)
    return (*(p for p in facts.usage if p.on < latest_on), UsagePoint(latest_on, active, 300))


@relaxed
@given(accounts, st.integers(0, 300), st.integers(0, 300))
def test_fewer_active_users_never_lower_the_score(facts, a, b):
    assert score(dataclasses.replace(facts, usage=latest_users(facts, min(a, b)))) >= score(
        dataclasses.replace(facts, usage=latest_users(facts, max(a, b)))
    )


@relaxed
@given(accounts, amounts(-10, 50), amounts(-10, 50), days)
def test_a_lower_usage_intensity_never_lowers_the_score(facts, a, b, on):
    def with_intensity(value: Decimal) -> AccountFacts:
        signals = {**facts.signals, "usage_intensity": SignalReading(value, on)}
        return dataclasses.replace(facts, signals=signals)

    assert score(with_intensity(min(a, b))) >= score(with_intensity(max(a, b)))


# An MRR of 0 is no billing figure at all: the size is then unknown and counts nothing.
known_mrr = amounts(1, 100_000)


@relaxed
@given(accounts, known_mrr, known_mrr)
def test_a_smaller_mrr_never_lowers_the_score(facts, a, b):
    assert score(dataclasses.replace(facts, mrr=min(a, b))) >= score(
        dataclasses.replace(facts, mrr=max(a, b))
    )


@relaxed
@given(accounts, known_mrr, known_mrr)
def test_a_larger_earlier_mrr_never_lowers_the_score(facts, a, b):
    """The same MRR now after more MRR earlier is a contraction: never less risky."""
    assert score(dataclasses.replace(facts, mrr_earlier=max(a, b))) >= score(
        dataclasses.replace(facts, mrr_earlier=min(a, b))
    )


PLAN_MODEL = dataclasses.replace(
    MODEL,
    custom_factors=(
        *MODEL.custom_factors,
        CustomFactor("plan", "Plan", True, (), (("starter", 9), ("team", 4), ("enterprise", -3))),
    ),
)


@relaxed
@given(accounts, st.sampled_from(PLANS), st.sampled_from(PLANS), days)
def test_a_category_with_more_points_never_lowers_the_score(facts, a, b, on):
    plan_points = {"starter": 9, "team": 4, "enterprise": -3}
    riskier, safer = sorted((a, b), key=lambda c: plan_points.get(c, 0), reverse=True)

    def with_plan(plan: str) -> int:
        signals = {**facts.signals, "plan": SignalReading(None, on, plan)}
        return score(dataclasses.replace(facts, signals=signals), PLAN_MODEL)

    assert with_plan(riskier) >= with_plan(safer)


# Generated models ------------------------------------------------------------------------------

points = st.integers(-30, 30)


@st.composite
def tables(draw: st.DrawFn, *, upward: bool, protective: bool = False) -> tuple[Threshold, ...]:
    """Threshold tables that pass validation: points move away from 0 as values get further."""
    values = draw(st.lists(amounts(-100, 400), max_size=5, unique=True))
    steps = draw(st.lists(st.integers(0, 10), min_size=len(values), max_size=len(values)))
    running, sized = 0, []
    for step in steps:
        running += step
        sized.append(-running if protective else running)
    crossing_order = sorted(values, reverse=not upward)
    return tuple(Threshold(v, p) for v, p in zip(crossing_order, sized, strict=True))


@st.composite
def custom_factor(draw: st.DrawFn) -> CustomFactor:
    higher_is_riskier = draw(st.booleans())
    return CustomFactor(
        draw(st.sampled_from(SIGNALS)),
        draw(st.text(min_size=1, max_size=20)),
        higher_is_riskier,
        draw(tables(upward=higher_is_riskier)),
    )


@st.composite
def category_factor(draw: st.DrawFn) -> CustomFactor:
    categories = draw(st.dictionaries(st.sampled_from(PLANS), points, max_size=4))
    return CustomFactor(
        draw(st.sampled_from(["plan", *SIGNALS])),
        draw(st.text(min_size=1, max_size=20)),
        True,
        (),
        tuple(categories.items()),
        draw(points),
    )


custom_factors = st.lists(
    custom_factor() | category_factor(), max_size=3, unique_by=lambda cf: cf.signal
).map(tuple)


@st.composite
def models(draw: st.DrawFn) -> ModelConfig:
    region_points = draw(st.dictionaries(st.sampled_from(["EU", "APAC", "MEA"]), points))
    custom = draw(custom_factors)
    factor_names = [
        "industry",
        "phase",
        "cash_stability",
        *(cf.factor for cf in custom),
    ]
    regions = st.sampled_from(sorted(region_points)) if region_points else st.nothing()
    region_of_country = draw(st.dictionaries(st.sampled_from(COUNTRIES), regions))
    renewal = draw(tables(upward=False))
    medium = draw(st.integers(1, 98))
    high = draw(st.integers(medium + 1, 99))
    return ModelConfig(
        base_score=draw(st.integers(0, 100)),
        bands=BandThresholds(medium, high, draw(st.integers(high + 1, 100))),
        max_fact_age_days=draw(st.integers(1, 1_000)),
        weights=draw(st.dictionaries(st.sampled_from(factor_names), st.floats(0, 3))),
        industry_points=draw(st.dictionaries(st.sampled_from(INDUSTRIES), points)),
        country_points=draw(
            st.dictionaries(
                st.sampled_from(COUNTRIES),
                st.lists(
                    st.builds(DatedPoints, days, points, st.text(max_size=30)),
                    min_size=1,
                    max_size=3,
                    unique_by=lambda e: e.effective_from,
                ).map(tuple),
                max_size=4,
            )
        ),
        region_of_country=region_of_country,
        region_points=region_points,
        runway_thresholds=draw(tables(upward=False)),
        funding_stage_points=draw(st.dictionaries(st.sampled_from(STAGES), points)),
        burn_thresholds=draw(tables(upward=True)),
        self_funded_stages=tuple(draw(st.lists(st.sampled_from(STAGES), unique=True))),
        late_payment_thresholds=draw(tables(upward=True)),
        phase_points=draw(st.dictionaries(st.sampled_from(["deployment", "defense"]), points)),
        deployment_late_thresholds=draw(tables(upward=True)),
        break_clause_thresholds=draw(tables(upward=False)),
        break_clause_phases=("deployment",),
        defense_duration_thresholds=draw(tables(upward=True)),
        renewal_thresholds=renewal,
        renewal_overdue_points=max((t.points for t in renewal), default=0)
        + draw(st.integers(0, 5)),
        signing_discount_thresholds=draw(tables(upward=True)),
        stakeholder_left_thresholds=draw(tables(upward=False)),
        usage_fall_thresholds=draw(tables(upward=False)),
        usage_rise_thresholds=draw(tables(upward=True, protective=True)),
        low_adoption_thresholds=draw(tables(upward=False)),
        kpi_shortfall_thresholds=draw(tables(upward=False)),
        kpi_overachievement_thresholds=draw(tables(upward=True, protective=True)),
        kpi_attainment_cap_pct=draw(st.integers(100, 400)),
        usage_intensity_signal=draw(st.sampled_from(["", "usage_intensity"])),
        low_intensity_thresholds=draw(tables(upward=False)),
        size_seat_thresholds=draw(tables(upward=False)),
        size_mrr_thresholds=draw(tables(upward=False)),
        mrr_window_days=draw(st.integers(1, 400)),
        mrr_fall_thresholds=draw(tables(upward=False)),
        mrr_rise_thresholds=draw(tables(upward=True, protective=True)),
        custom_factors=custom,
    )


@relaxed
@given(models())
def test_a_model_round_trips_through_its_json_form(model):
    as_json = json.loads(json.dumps(model.to_dict()))
    assert ModelConfig.from_dict(as_json) == model
    assert ModelConfig.from_dict(as_json).to_dict() == model.to_dict()


@relaxed
@given(models(), accounts)
def test_any_valid_model_scores_any_account_within_range(model, facts):
    a = assess(facts, model, as_of=AS_OF)
    assert 0 <= a.score <= 100
    assert a.band == band_for(a.score, model.bands)


@relaxed
@given(models(), accounts, st.data())
def test_monotonicity_holds_for_any_valid_model(model, facts, data):
    def with_(**changes: object) -> int:
        return score(dataclasses.replace(facts, **changes), model)  # type: ignore[arg-type]

    def pair(strategy: st.SearchStrategy[object]) -> list[object]:
        return sorted([data.draw(strategy), data.draw(strategy)])  # type: ignore[type-var]

    low, high = pair(amounts(0, 120))
    assert with_(cash_runway_months=low) >= with_(cash_runway_months=high)
    low, high = pair(amounts(0, 100))
    assert with_(signing_discount_pct=high) >= with_(signing_discount_pct=low)
    low, high = pair(st.integers(0, 24))
    assert with_(late_payments=high) >= with_(late_payments=low)
    low, high = pair(days)
    assert with_(renewal_on=low) >= with_(renewal_on=high)
    a, b = data.draw(st.sampled_from(INDUSTRIES)), data.draw(st.sampled_from(INDUSTRIES))
    points = model.industry_points
    if a in points and b in points:
        riskier, safer = (a, b) if points[a] >= points[b] else (b, a)
        assert with_(industry=riskier) >= with_(industry=safer)
    low, high = pair(known_mrr)
    assert with_(mrr=low) >= with_(mrr=high)
    assert with_(mrr_earlier=high) >= with_(mrr_earlier=low)
    low, high = pair(amounts(-10, 50))
    assert with_(signals={**facts.signals, "usage_intensity": SignalReading(low, AS_OF)}) >= (
        with_(signals={**facts.signals, "usage_intensity": SignalReading(high, AS_OF)})
    )
    low, high = pair(st.integers(0, 300))
    assert with_(usage=latest_users(facts, low)) >= with_(usage=latest_users(facts, high))
    plan = next((cf for cf in model.custom_factors if cf.on_categories), None)
    if plan is not None:
        a, b = data.draw(st.sampled_from(PLANS)), data.draw(st.sampled_from(PLANS))
        plan_points = dict(plan.categories or ())
        riskier, safer = sorted((a, b), key=lambda c: plan_points.get(c, plan.other_points))[::-1]
        assert with_(signals={plan.signal: SignalReading(None, AS_OF, riskier)}) >= with_(
            signals={plan.signal: SignalReading(None, AS_OF, safer)}
        )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@relaxed
@given(st.dictionaries(st.sampled_from(sorted(DEFAULT_MODEL)), json_values, max_size=4))
def test_from_dict_fails_only_with_a_model_config_error(changes):
    with contextlib.suppress(ModelConfigError):
        ModelConfig.from_dict({**DEFAULT_MODEL, **changes})
