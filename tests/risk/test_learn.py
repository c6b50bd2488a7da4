"""Learning a model from history: grouped folds, planted drivers found, and the engine's
invariants holding for what was learned."""

import dataclasses
import json
import math
import random
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from risk.backtest.learn import TrainingCase, fit_model, grouped_folds
from risk.backtest.stats import roc_auc
from risk.default_model import DEFAULT_MODEL
from risk.engine import AccountFacts, ModelConfig, SignalReading, UsagePoint, assess
from tests.risk.test_engine_properties import (
    AS_OF,
    accounts,
    amounts,
    days,
    known_mrr,
    latest_users,
    relaxed,
)

TEMPLATE = ModelConfig.from_dict(DEFAULT_MODEL)


def test_grouped_folds_never_put_one_account_on_both_sides():
    rng = random.Random(1)
    account_ids = [rng.randint(1, 60) for _ in range(1000)]
    folds = grouped_folds(account_ids, 5)
    for fold in range(5):
        test = {pk for pk, f in zip(account_ids, folds, strict=True) if f == fold}
        train = {pk for pk, f in zip(account_ids, folds, strict=True) if f != fold}
        assert test and train
        assert not test & train
    assert grouped_folds(account_ids, 5) == folds  # the same split every time


def _case(rng: random.Random, pk: int, on: date) -> TrainingCase:
    discount = rng.choice((0, 0, 0, 10, 20, 40))
    renewal_days = rng.randint(0, 365)
    seats = rng.choice((5, 10, 50, 200))
    active = round(seats * rng.uniform(0.2, 1))
    # Planted: churn rises with the discount, a close renewal and a small plan; adoption and
    # industry play no part.
    logit = (
        -4.5 + 0.05 * discount + (2.2 if renewal_days <= 60 else 0) + (1.2 if seats <= 10 else 0)
    )
    churned = rng.random() < 1 / (1 + math.exp(-logit))
    facts = AccountFacts(
        industry=rng.choice(("software", "travel")),
        phase="maturation",
        renewal_on=on + timedelta(days=renewal_days),
        signing_discount_pct=Decimal(discount),
        usage=(UsagePoint(on - timedelta(days=91), active, seats), UsagePoint(on, active, seats)),
        signals={"licensed_seats": SignalReading(Decimal(seats), on)},
    )
    return TrainingCase(pk, on, facts, churned)


def _cases(seed: int, accounts_count: int) -> list[TrainingCase]:
    rng = random.Random(seed)
    dates = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)]
    return [_case(rng, pk, on) for pk in range(1, accounts_count + 1) for on in dates]


@cache
def learned() -> ModelConfig:
    return fit_model(_cases(7, 700), template=TEMPLATE, signals=["licensed_seats"]).config


def test_a_learned_model_finds_the_planted_drivers_and_ranks_unseen_cases():
    model = learned()
    assert model.signing_discount_thresholds
    assert model.renewal_thresholds
    # The closest renewals and the biggest discounts earn the most points.
    assert max(t.points for t in model.renewal_thresholds) >= 10
    held_out = _cases(8, 400)
    scores = [assess(c.facts, model, as_of=c.as_of).score for c in held_out]
    assert roc_auc(scores, [c.churned for c in held_out]) > 0.75


def test_a_learned_model_survives_its_json_form():
    model = learned()
    text = json.dumps(model.to_dict())
    assert ModelConfig.from_dict(json.loads(text)) == model


@relaxed
@given(accounts)
def test_learned_scores_stay_within_0_and_100_and_repeat(facts):
    first = assess(facts, learned(), as_of=AS_OF)
    assert 0 <= first.score <= 100
    assert assess(facts, learned(), as_of=AS_OF) == first


@relaxed
@given(accounts, amounts(0, 100), amounts(0, 100))
def test_learned_model_a_bigger_discount_never_lowers_the_score(facts, a, b):
    def score(pct: Decimal) -> int:
        changed = dataclasses.replace(facts, signing_discount_pct=pct)
        return assess(changed, learned(), as_of=AS_OF).score

    assert score(max(a, b)) >= score(min(a, b))


@relaxed
@given(accounts, days, days)
def test_learned_model_a_closer_renewal_never_lowers_the_score(facts, a, b):
    def score(on: date) -> int:
        return assess(dataclasses.replace(facts, renewal_on=on), learned(), as_of=AS_OF).score

    assert score(min(a, b)) >= score(max(a, b))


@relaxed
@given(accounts, st.integers(0, 500), st.integers(0, 500), days)
def test_learned_signal_factor_is_monotone_in_its_learned_direction(facts, a, b, on):
    model = learned()
    (factor,) = [cf for cf in model.custom_factors if cf.signal == "licensed_seats"]
    assert not factor.higher_is_riskier  # small plans were planted as the risky ones
    riskier, safer = min(a, b), max(a, b)

    def score(value: int) -> int:
        signals = {"licensed_seats": SignalReading(Decimal(value), on)}
        return assess(dataclasses.replace(facts, signals=signals), model, as_of=AS_OF).score

    assert score(riskier) >= score(safer)


# Category signals and account size -------------------------------------------------------------

CHANNELS = (("partner", 30), ("direct", 35), ("inbound", 34.2), ("event", 0.5), ("fair", 0.3))


def _channel_case(rng: random.Random, pk: int, on: date) -> TrainingCase:
    channel = rng.choices([c for c, _ in CHANNELS], weights=[w for _, w in CHANNELS])[0]
    seats = rng.choice((5, 10, 50, 200))
    active = round(seats * rng.uniform(0.3, 1))
    # Planted: accounts sold through partners and small plans churn more.
    logit = -3.2 + (1.8 if channel == "partner" else 0) + (1.4 if seats <= 10 else 0)
    churned = rng.random() < 1 / (1 + math.exp(-logit))
    facts = AccountFacts(
        usage=(UsagePoint(on - timedelta(days=91), active, seats), UsagePoint(on, active, seats)),
        signals={"channel": SignalReading(None, on, channel)},
    )
    return TrainingCase(pk, on, facts, churned)


@cache
def learned_on_categories() -> ModelConfig:
    rng = random.Random(11)
    dates = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)]
    cases = [_channel_case(rng, pk, on) for pk in range(1, 801) for on in dates]
    return fit_model(cases, template=TEMPLATE, category_signals=["channel"]).config


def test_a_category_signal_is_learned_as_points_per_category_with_rare_ones_grouped():
    model = learned_on_categories()
    (channel,) = [cf for cf in model.custom_factors if cf.signal == "channel"]
    assert channel.on_categories and not channel.thresholds
    points = dict(channel.categories or ())
    assert points.get("partner", 0) >= points.get("direct", 0) + 5
    assert points.get("partner", 0) >= points.get("inbound", 0) + 5
    # Too rare to carry points of their own: they share the factor's points for any other.
    assert "event" not in points and "fair" not in points
    text = json.dumps(model.to_dict())
    assert ModelConfig.from_dict(json.loads(text)) == model


def test_small_plans_are_learned_as_an_account_size_table():
    model = learned_on_categories()
    seats = model.size_seat_thresholds
    assert seats and min(t.value for t in seats) <= 10
    small = AccountFacts(usage=(UsagePoint(AS_OF, 8, 10),))
    large = AccountFacts(usage=(UsagePoint(AS_OF, 8, 200),))
    size = [
        c for c in assess(small, model, as_of=AS_OF).contributions if c.factor == "account_size"
    ]
    assert size[0].points > 0
    assert assess(small, model, as_of=AS_OF).score > assess(large, model, as_of=AS_OF).score


@relaxed
@given(accounts, st.sampled_from([c for c, _ in CHANNELS]), days)
def test_learned_category_model_stays_within_0_and_100_and_repeats(facts, channel, on):
    signals = {**facts.signals, "channel": SignalReading(None, on, channel)}
    changed = dataclasses.replace(facts, signals=signals)
    first = assess(changed, learned_on_categories(), as_of=AS_OF)
    assert 0 <= first.score <= 100
    assert assess(changed, learned_on_categories(), as_of=AS_OF) == first


@relaxed
@given(accounts, st.integers(0, 300), st.integers(0, 300), known_mrr, known_mrr)
def test_learned_models_never_score_fewer_users_or_a_smaller_account_lower(facts, a, b, m, n):
    for model in (learned(), learned_on_categories()):

        def score(changed: AccountFacts, model: ModelConfig = model) -> int:
            return assess(changed, model, as_of=AS_OF).score

        fewer = dataclasses.replace(facts, usage=latest_users(facts, min(a, b)))
        more = dataclasses.replace(facts, usage=latest_users(facts, max(a, b)))
        assert score(fewer) >= score(more)
        no_usage = dataclasses.replace(facts, usage=())
        assert score(dataclasses.replace(no_usage, mrr=min(m, n))) >= score(
            dataclasses.replace(no_usage, mrr=max(m, n))
        )


@relaxed
@given(accounts)
def test_the_learner_reads_adoption_as_the_engine_does(facts):
    from risk.backtest.learn import usage_readings

    found = usage_readings(facts, AS_OF, window_days=90, max_age=TEMPLATE.max_fact_age_days)
    trend = assess(dataclasses.replace(facts, signals={}), TEMPLATE, as_of=AS_OF)
    (usage,) = [c for c in trend.contributions if c.factor == "usage_trend"]
    if found is None:
        assert not usage.has_data
        return
    params = usage.params["parts"][0][1] if usage.code == "parts" else usage.params
    assert found[0] == params["now"] - params["then"]  # type: ignore[operator]


def test_the_same_history_learns_the_same_model():
    cases = _cases(11, 400)
    first = fit_model(cases, template=TEMPLATE, signals=["licensed_seats"]).config.to_dict()
    for _ in range(3):
        again = fit_model(cases, template=TEMPLATE, signals=["licensed_seats"]).config
        assert again.to_dict() == first


def _contraction_case(rng: random.Random, pk: int, on: date) -> TrainingCase:
    earlier = Decimal(rng.choice((1000, 2000, 5000)))
    change = rng.choice((-50, -30, -10, 0, 0, 0, 0, 10, 25))
    # Planted: churn comes after a contraction of 20 % or more; nothing else matters.
    churned = rng.random() < (0.35 if change <= -20 else 0.03)
    facts = AccountFacts(
        industry="software",
        mrr=earlier * (100 + change) / 100,
        mrr_earlier=earlier,
        renewal_on=on + timedelta(days=rng.randint(0, 365)),
    )
    return TrainingCase(pk, on, facts, churned)


def test_a_contraction_driver_is_learned_as_mrr_trend_thresholds():
    rng = random.Random(5)
    dates = (date(2025, 3, 31), date(2025, 6, 30))
    cases = [_contraction_case(rng, pk, on) for pk in range(1, 801) for on in dates]
    model = fit_model(cases, template=TEMPLATE).config
    assert model.mrr_fall_thresholds and max(t.points for t in model.mrr_fall_thresholds) > 0
    shrunk = AccountFacts(mrr=Decimal(500), mrr_earlier=Decimal(1000))
    held = AccountFacts(mrr=Decimal(1000), mrr_earlier=Decimal(1000))
    assert assess(shrunk, model, as_of=AS_OF).score > assess(held, model, as_of=AS_OF).score
