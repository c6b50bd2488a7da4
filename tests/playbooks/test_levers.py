"""The negotiation-lever playbook, as a spec: costs, limits, eligibility, ranking, approvals."""

import dataclasses
import itertools
import random
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from playbooks.levers import (
    DEFAULT_CATALOGUE,
    KIND_PARAMS,
    LEVER_KINDS,
    PROPOSAL_STATES,
    AccountContext,
    ApprovalThresholds,
    Impact,
    LeverParamError,
    LeverSpec,
    ParamLimit,
    Recommendation,
    Strategy,
    TransitionError,
    can_transition,
    check_transition,
    compute_impact,
    is_eligible,
    rank_levers,
    required_approver,
    suggest_params,
    validate_params,
)
from playbooks.presenters import lever_reason_text

D = Decimal
SPECS = {spec.kind: spec for spec in DEFAULT_CATALOGUE}


def account(**facts: Any) -> AccountContext:
    """A €2,000 MRR account in defense, high band, scored 70; a test passes what it is about."""
    defaults: dict[str, Any] = {
        "mrr": D("2000"),
        "currency": "EUR",
        "phase": "defense",
        "band": "high",
        "segment": None,
        "score": 70,
        "renewal_on": date(2026, 3, 31),
    }
    return AccountContext(**{**defaults, **facts})


# --- What each lever costs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "facts", "expected"),
    [
        pytest.param(
            "temporary_upgrade",
            {"months": D("6"), "upgrade_mrr": D("200")},
            {},
            Impact(cash=D("-1200"), mrr=D("0"), months=6),
            id="6 months of a plan worth €200/month more cost €1,200 of cash and no MRR",
        ),
        pytest.param(
            "early_access",
            {"months": D("3"), "value_mrr": D("0")},
            {},
            Impact(cash=D("0"), mrr=D("0"), months=3),
            id="early access costs nothing unless we put a value on it",
        ),
        pytest.param(
            "early_access",
            {"months": D("3"), "value_mrr": D("50")},
            {},
            Impact(cash=D("-150"), mrr=D("0"), months=3),
            id="early access valued at €50/month for 3 months costs €150",
        ),
        pytest.param(
            "free_services",
            {"days": D("5"), "day_rate": D("800")},
            {},
            Impact(cash=D("-4000"), mrr=D("0"), months=0),
            id="5 free consulting days at €800 cost €4,000 once",
        ),
        pytest.param(
            "free_services",
            {"days": D("2.5"), "day_rate": D("750")},
            {},
            Impact(cash=D("-1875"), mrr=D("0"), months=0),
            id="half days count: 2.5 days at €750 cost €1,875",
        ),
        pytest.param(
            "payment_holiday",
            {"months": D("3")},
            {},
            Impact(cash=D("-6000"), mrr=D("0"), months=3),
            id="payment holiday of 3 months on a €2,000 MRR account costs 6,000 EUR and no MRR",
        ),
        pytest.param(
            "payment_deferral",
            {"months": D("3")},
            {},
            Impact(cash=D("-6000"), mrr=D("0"), months=3, is_cash_deferred=True),
            id="deferring a quarter on €2,000 MRR delays 6,000 EUR of cash, repaid later",
        ),
        pytest.param(
            "instalment_plan",
            {"balance": D("9000"), "instalments": D("3")},
            {},
            Impact(cash=D("-6000"), mrr=D("0"), months=3, is_cash_deferred=True),
            id="€9,000 in 3 instalments: the first comes now, 6,000 EUR is deferred",
        ),
        pytest.param(
            "instalment_plan",
            {"balance": D("1000"), "instalments": D("3")},
            {},
            Impact(cash=D("-666.67"), mrr=D("0"), months=3, is_cash_deferred=True),
            id="€1,000 in 3 instalments defers €666.67, rounded to the cent",
        ),
        pytest.param(
            "temporary_downsell",
            {"percent": D("30"), "months": D("3")},
            {},
            Impact(cash=D("-1800"), mrr=D("-600"), months=3),
            id="30 % off €2,000 for 3 months lowers MRR by €600/month and costs 1,800 EUR",
        ),
        pytest.param(
            "temporary_downsell",
            {"percent": D("5"), "months": D("1")},
            {"mrr": D("0.10")},
            Impact(cash=D("-0.01"), mrr=D("-0.01"), months=1),
            id="half a cent rounds away from zero (ROUND_HALF_UP)",
        ),
        pytest.param(
            "free_feature",
            {"feature_mrr": D("100"), "months": D("3")},
            {},
            Impact(cash=D("-300"), mrr=D("0"), months=3),
            id="a €100/month feature free for 3 months costs €300 and no MRR",
        ),
        pytest.param(
            "price_cut_for_commitment",
            {"percent": D("10"), "extra_months": D("12")},
            {},
            Impact(
                cash=D("-2400"), mrr=D("-200"), months=12, is_permanent=True, committed_months=12
            ),
            id="10 % off €2,000 for 12 more months: €200/month for good, 2,400 EUR over a year",
        ),
    ],
)
def test_lever_costs(
    kind: str, params: dict[str, Decimal], facts: dict[str, Any], expected: Impact
) -> None:
    assert compute_impact(kind, params, account(**facts)) == expected


def test_amounts_are_rounded_to_cents() -> None:
    impact = compute_impact(
        "instalment_plan", {"balance": D("1000"), "instalments": D("3")}, account()
    )
    assert impact.cash.as_tuple().exponent == -2
    assert impact.mrr.as_tuple().exponent == -2


def test_a_free_lever_costs_zero_not_minus_zero() -> None:
    impact = compute_impact("early_access", {"months": D("3"), "value_mrr": D("0")}, account())
    assert str(impact.cash) == "0.00"


def test_unknown_kind_cannot_be_costed() -> None:
    with pytest.raises(ValueError, match="Unknown lever kind 'discount'"):
        compute_impact("discount", {}, account())


def test_costing_without_a_required_parameter_names_it() -> None:
    with pytest.raises(LeverParamError) as error:
        compute_impact("payment_holiday", {}, account())
    assert error.value.field == "months"


@given(
    kind=st.sampled_from(LEVER_KINDS),
    mrr=st.decimals(min_value=0, max_value=1_000_000, places=2),
    data=st.data(),
)
def test_every_default_lever_costs_us_or_is_free(
    kind: str, mrr: Decimal, data: st.DataObject
) -> None:
    spec = SPECS[kind]
    params = {
        name: data.draw(
            st.decimals(min_value=limit.min, max_value=limit.max, places=0)
            if limit.is_whole_number
            else st.decimals(min_value=limit.min, max_value=limit.max, places=2)
        )
        for name, limit in spec.param_limits.items()
    }
    impact = compute_impact(kind, validate_params(spec, params), account(mrr=mrr))
    assert impact.cash <= 0
    assert impact.mrr <= 0


# --- The default catalogue --------------------------------------------------------------------


def test_default_catalogue_has_one_lever_of_each_kind() -> None:
    assert sorted(spec.kind for spec in DEFAULT_CATALOGUE) == sorted(LEVER_KINDS)
    assert set(LEVER_KINDS) == set(KIND_PARAMS)


def test_every_default_lever_asks_for_something_back() -> None:
    assert all(spec.give_backs for spec in DEFAULT_CATALOGUE)


def test_only_payment_relief_stops_incoming_cash() -> None:
    stopping = {spec.kind for spec in DEFAULT_CATALOGUE if not spec.keeps_cash_flowing}
    assert stopping == {"payment_holiday", "payment_deferral"}


# --- Parameter validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "field", "message"),
    [
        pytest.param(
            "payment_holiday", {"months": -3}, "months", "Months cannot be negative.", id="negative"
        ),
        pytest.param(
            "payment_holiday", {"months": 0}, "months", "Months must be at least 1.", id="below min"
        ),
        pytest.param(
            "payment_holiday", {"months": 7}, "months", "Months cannot be over 6.", id="above max"
        ),
        pytest.param(
            "temporary_downsell",
            {"percent": D("101")},
            "percent",
            "Discount percentage cannot be over 100.",
            id="percentage over 100",
        ),
        pytest.param(
            "price_cut_for_commitment",
            {"percent": D("60")},
            "percent",
            "Discount percentage cannot be over 50.",
            id="a permanent cut is capped lower",
        ),
        pytest.param(
            "payment_holiday",
            {"months": 3, "percent": 10},
            "percent",
            "Payment holiday has no parameter 'percent'.",
            id="unknown parameter",
        ),
        pytest.param(
            "payment_holiday", {"months": "three"}, "months", "Months must be a number.", id="text"
        ),
        pytest.param(
            "payment_holiday", {"months": "NaN"}, "months", "Months must be a number.", id="NaN"
        ),
        pytest.param(
            "payment_holiday", {"months": True}, "months", "Months must be a number.", id="bool"
        ),
        pytest.param(
            "payment_holiday",
            {"months": "2.5"},
            "months",
            "Months must be a whole number.",
            id="fraction of a month",
        ),
        pytest.param(
            "instalment_plan",
            {"instalments": 3},
            "balance",
            "Balance is required.",
            id="missing without default",
        ),
    ],
)
def test_invalid_params_are_refused(
    kind: str, params: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(LeverParamError) as error:
        validate_params(SPECS[kind], params)
    assert (error.value.field, error.value.message, str(error.value)) == (field, message, message)


def test_lever_param_error_is_a_value_error() -> None:
    assert issubclass(LeverParamError, ValueError)


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        pytest.param("payment_holiday", {}, {"months": D("3")}, id="defaults fill the gaps"),
        pytest.param("payment_holiday", {"months": None}, {"months": D("3")}, id="None is unset"),
        pytest.param("payment_holiday", {"months": " 4 "}, {"months": D("4")}, id="form text"),
        pytest.param("payment_holiday", {"months": 6}, {"months": D("6")}, id="max is inclusive"),
        pytest.param(
            "temporary_downsell",
            {"percent": D("100")},
            {"percent": D("100"), "months": D("3")},
            id="100 % is allowed",
        ),
        pytest.param(
            "free_services",
            {"days": "0.5"},
            {"days": D("0.5"), "day_rate": D("800")},
            id="days need not be whole",
        ),
    ],
)
def test_valid_params_are_cleaned(
    kind: str, params: dict[str, object], expected: dict[str, Decimal]
) -> None:
    assert validate_params(SPECS[kind], params) == expected


def test_float_params_are_a_programming_error() -> None:
    with pytest.raises(TypeError, match="not a float"):
        validate_params(SPECS["payment_holiday"], {"months": 3.0})


def test_instalment_plan_suggests_the_outstanding_balance() -> None:
    suggested = suggest_params(SPECS["instalment_plan"], account(outstanding_balance=D("4500")))
    assert suggested == {"balance": D("4500"), "instalments": D("3")}


def replace_spec(kind: str, /, **changes: Any) -> LeverSpec:
    return dataclasses.replace(SPECS[kind], **changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"kind": "discount"}, "Unknown lever kind 'discount'", id="unknown kind"),
        pytest.param(
            {"param_limits": {}},
            "A payment_holiday lever takes the parameters months, not none",
            id="limits must cover the formula",
        ),
        pytest.param(
            {"default_params": {"months": D("12")}}, "Months cannot be over 6", id="bad default"
        ),
        pytest.param(
            {"default_params": {"days": D("1")}}, "unknown parameter 'days'", id="stray default"
        ),
        pytest.param({"phases": frozenset({"renewal"})}, "Unknown phase renewal", id="phase"),
        pytest.param({"bands": frozenset({"red"})}, "Unknown band red", id="band"),
        pytest.param({"give_backs": ("discount",)}, "Unknown give-back discount", id="give-back"),
    ],
)
def test_a_broken_catalogue_lever_is_refused_when_built(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        replace_spec("payment_holiday", **changes)


def test_param_limit_min_cannot_exceed_max() -> None:
    with pytest.raises(ValueError, match="above maximum"):
        ParamLimit(D("5"), D("1"), "Months")


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        pytest.param({"score": 101}, "Score must be between 0 and 100", id="score over 100"),
        pytest.param({"mrr": D("-1")}, "cannot be negative", id="negative MRR"),
        pytest.param({"outstanding_balance": D("-1")}, "cannot be negative", id="negative debt"),
        pytest.param({"phase": "renewal"}, "Unknown phase 'renewal'", id="unknown phase"),
        pytest.param({"band": "red"}, "Unknown band 'red'", id="unknown band"),
    ],
)
def test_impossible_account_facts_are_refused(facts: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        account(**facts)


# --- Eligibility ------------------------------------------------------------------------------

ENTERPRISE_ONLY = replace_spec("free_feature", segments=frozenset({"enterprise"}))


@pytest.mark.parametrize(
    ("spec", "facts", "expected"),
    [
        pytest.param(
            SPECS["payment_holiday"],
            {"phase": "defense", "band": "critical"},
            (True, ""),
            id="payment holiday for a critical account in defense",
        ),
        pytest.param(
            SPECS["payment_holiday"],
            {"phase": "maturation"},
            (False, "Payment holiday applies only in phases defense, deployment"),
            id="no payment holiday for an account seeing value",
        ),
        pytest.param(
            SPECS["payment_holiday"],
            {"phase": None},
            (False, "Payment holiday applies only in phases defense, deployment"),
            id="an account without a phase does not match a phase rule",
        ),
        pytest.param(
            SPECS["payment_holiday"],
            {"band": "medium"},
            (False, "Payment holiday applies only to bands critical, high"),
            id="no payment holiday at medium risk",
        ),
        pytest.param(
            ENTERPRISE_ONLY,
            {"segment": "smb"},
            (False, "Free feature for a limited time applies only to segments enterprise"),
            id="a segment rule",
        ),
        pytest.param(
            ENTERPRISE_ONLY, {"segment": "enterprise"}, (True, ""), id="the right segment"
        ),
        pytest.param(
            SPECS["payment_deferral"],
            {"phase": None, "band": "medium"},
            (True, ""),
            id="no phase rule means every phase",
        ),
        pytest.param(
            SPECS["early_access"],
            {"phase": "growth", "band": "low"},
            (True, ""),
            id="early access costs nothing, so even low-risk accounts get it",
        ),
        pytest.param(
            SPECS["instalment_plan"],
            {"outstanding_balance": D("0")},
            (False, "Instalment plan needs an outstanding balance to spread"),
            id="nothing to spread",
        ),
        pytest.param(
            SPECS["instalment_plan"],
            {"outstanding_balance": D("4500")},
            (True, ""),
            id="a debt to spread",
        ),
    ],
)
def test_eligibility(spec: LeverSpec, facts: dict[str, Any], expected: tuple[bool, str]) -> None:
    assert is_eligible(spec, account(**facts)) == expected


# --- Ranking ----------------------------------------------------------------------------------


def kinds(recommendations: list[Recommendation]) -> list[str]:
    return [r.spec.kind for r in recommendations]


def test_strategy_changes_the_top_lever_for_the_same_account() -> None:
    # €2,000 MRR at 70 % risk: €16,800 expected to walk away over 12 months.
    # Cash first: the €300 free feature keeps cash flowing and costs least -> 16,800 - 300.
    # Secure MRR: 10 % off for 12 more months costs 0.5 x 2,400 cash + 12 x 200 MRR, and takes
    # 12 months of €1,800 out of a 70 % risk -> 16,800 - 1,200 - 2,400 + 15,120 = 28,320.
    cash_first = rank_levers(DEFAULT_CATALOGUE, account(), strategy="cash_first")
    secure_mrr = rank_levers(DEFAULT_CATALOGUE, account(), strategy="secure_mrr")
    assert (cash_first[0].spec.kind, cash_first[0].score) == ("free_feature", D("16500.00"))
    assert (secure_mrr[0].spec.kind, secure_mrr[0].score) == (
        "price_cut_for_commitment",
        D("28320.00"),
    )


def test_full_ranking_of_a_defense_account_under_each_strategy() -> None:
    assert kinds(rank_levers(DEFAULT_CATALOGUE, account(), strategy="cash_first")) == [
        "free_feature",
        "temporary_upgrade",
        "price_cut_for_commitment",
        "temporary_downsell",
        "free_services",
        "payment_deferral",
        "payment_holiday",
    ]
    assert kinds(rank_levers(DEFAULT_CATALOGUE, account(), strategy="secure_mrr")) == [
        "price_cut_for_commitment",
        "free_feature",
        "payment_deferral",
        "temporary_upgrade",
        "free_services",
        "temporary_downsell",
        "payment_holiday",
    ]


def test_secure_mrr_accepts_deferred_cash_that_cash_first_refuses() -> None:
    # The same 6,000 EUR deferral: 16,800 - 0.1 x 6,000 under secure MRR; under cash first it
    # stops incoming cash (half credit, 8,400) and counts 0.8 x 6,000.
    deferral = {
        strategy: next(
            r
            for r in rank_levers(DEFAULT_CATALOGUE, account(), strategy=strategy)
            if r.spec.kind == "payment_deferral"
        )
        for strategy in ("secure_mrr", "cash_first")
    }
    assert deferral["secure_mrr"].score == D("16200.00")
    assert deferral["cash_first"].score == D("3600.00")


def test_only_eligible_levers_are_ranked() -> None:
    ranked = rank_levers(
        DEFAULT_CATALOGUE, account(phase="growth", band="low"), strategy="secure_mrr"
    )
    assert kinds(ranked) == ["early_access"]


def test_a_lever_that_cannot_be_costed_is_left_out() -> None:
    no_default_value = replace_spec("free_feature", default_params={"months": D("3")})
    assert rank_levers([no_default_value], account(), strategy="cash_first") == []


def test_ties_are_broken_by_kind() -> None:
    # Under secure MRR a 6,000 EUR deferral and a €1,200 upgrade both score 16,200.
    ranked = rank_levers(
        [SPECS["temporary_upgrade"], SPECS["payment_deferral"]], account(), strategy="secure_mrr"
    )
    assert [(r.rank, r.spec.kind, r.score) for r in ranked] == [
        (1, "payment_deferral", D("16200.00")),
        (2, "temporary_upgrade", D("16200.00")),
    ]


@given(
    seed=st.integers(),
    score=st.integers(0, 100),
    strategy=st.sampled_from(["cash_first", "secure_mrr"]),
)
def test_ranking_does_not_depend_on_catalogue_order(
    seed: int, score: int, strategy: Strategy
) -> None:
    shuffled = list(DEFAULT_CATALOGUE)
    random.Random(seed).shuffle(shuffled)
    facts = account(score=score, outstanding_balance=D("3000"))
    ranked = rank_levers(shuffled, facts, strategy=strategy)
    assert ranked == rank_levers(DEFAULT_CATALOGUE, facts, strategy=strategy)
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_unknown_strategy_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown strategy 'growth_first'"):
        rank_levers(DEFAULT_CATALOGUE, account(), strategy="growth_first")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "facts", "strategy", "reason"),
    [
        pytest.param(
            "payment_holiday",
            {},
            "secure_mrr",
            "Protects €2,000/month at 70 % risk for a cash cost of €6,000; keeps the subscription",
            id="payment holiday",
        ),
        pytest.param(
            "payment_deferral",
            {},
            "cash_first",
            "Protects €2,000/month at 70 % risk by deferring €6,000 of cash; stops incoming cash",
            id="deferred cash under cash first",
        ),
        pytest.param(
            "temporary_downsell",
            {},
            "cash_first",
            "Protects €2,000/month at 70 % risk for a cash cost of €1,800, "
            "lowering MRR by €600/month for 3 months; keeps cash flowing",
            id="temporary MRR loss",
        ),
        pytest.param(
            "price_cut_for_commitment",
            {},
            "secure_mrr",
            "Protects €2,000/month at 70 % risk for a cash cost of €2,400, "
            "lowering MRR by €200/month for good; wins 12 more months of commitment; "
            "keeps the subscription",
            id="permanent cut for a commitment",
        ),
        pytest.param(
            "early_access",
            {"phase": "growth", "score": None, "currency": "CHF", "mrr": D("1250.50")},
            "secure_mrr",
            "Protects CHF\xa01,251/month at unscored risk (taken as 50 %) at no cash cost; "
            "keeps the subscription",
            id="unscored account in another currency",
        ),
    ],
)
def test_each_recommendation_explains_itself_in_one_line(
    kind: str, facts: dict[str, Any], strategy: Strategy, reason: str
) -> None:
    [recommendation] = rank_levers([SPECS[kind]], account(**facts), strategy=strategy)
    with translation.override("en"):
        assert lever_reason_text(recommendation.reason) == reason


# --- Approval -----------------------------------------------------------------------------

THRESHOLDS = ApprovalThresholds(
    auto_cash=D("500"), auto_mrr=D("50"), manager_cash=D("5000"), manager_mrr=D("500")
)


@pytest.mark.parametrize(
    ("cash", "mrr", "approver"),
    [
        pytest.param("0", "0", "auto", id="free"),
        pytest.param("-500", "0", "auto", id="cash exactly at the auto limit"),
        pytest.param("-500.01", "0", "manager", id="a cent over the auto cash limit"),
        pytest.param("0", "-50", "auto", id="MRR exactly at the auto limit"),
        pytest.param("0", "-50.01", "manager", id="a cent over the auto MRR limit"),
        pytest.param("-100", "-60", "manager", id="cheap in cash but MRR needs a manager"),
        pytest.param("-5000", "-500", "manager", id="both exactly at the manager limit"),
        pytest.param("-5000.01", "0", "admin", id="a cent over the manager cash limit"),
        pytest.param("0", "-500.01", "admin", id="a cent over the manager MRR limit"),
        pytest.param("-6000", "0", "admin", id="a 3-month holiday on €2,000 MRR"),
        pytest.param("400", "0", "auto", id="gains are sized like costs"),
        pytest.param("6000", "0", "admin", id="a large gain still goes to an admin"),
    ],
)
def test_required_approver(cash: str, mrr: str, approver: str) -> None:
    impact = Impact(cash=D(cash), mrr=D(mrr), months=3)
    assert required_approver(impact, THRESHOLDS) == approver


def test_equal_auto_and_manager_limits_leave_no_manager_band() -> None:
    thresholds = ApprovalThresholds(D("500"), D("50"), D("500"), D("50"))
    assert required_approver(Impact(D("-500"), D("0"), 1), thresholds) == "auto"
    assert required_approver(Impact(D("-500.01"), D("0"), 1), thresholds) == "admin"


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        pytest.param(("-1", "0", "0", "0"), "auto_cash cannot be negative", id="negative"),
        pytest.param(("0", "0", "0", "-1"), "manager_mrr cannot be negative", id="negative MRR"),
        pytest.param(("600", "50", "500", "500"), "cannot be above", id="auto cash over manager"),
        pytest.param(("500", "60", "5000", "50"), "cannot be above", id="auto MRR over manager"),
    ],
)
def test_inconsistent_thresholds_are_refused(amounts: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ApprovalThresholds(*(D(amount) for amount in amounts))


# --- Proposal life cycle ------------------------------------------------------------------

ALLOWED = {
    ("draft", "submitted"),
    ("draft", "withdrawn"),
    ("submitted", "approved"),
    ("submitted", "rejected"),
    ("submitted", "withdrawn"),
    ("approved", "applied"),
    ("approved", "withdrawn"),
    ("applied", "ended"),
}


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    list(itertools.product(PROPOSAL_STATES, repeat=2)),
    ids=lambda state: str(state),
)
def test_every_transition_is_allowed_or_refused(from_state: str, to_state: str) -> None:
    allowed = (from_state, to_state) in ALLOWED
    assert can_transition(from_state, to_state) is allowed
    if allowed:
        check_transition(from_state, to_state)
    else:
        with pytest.raises(TransitionError):
            check_transition(from_state, to_state)


@pytest.mark.parametrize(
    ("from_state", "to_state", "message"),
    [
        pytest.param(
            "applied",
            "withdrawn",
            "Cannot move a proposal from applied to withdrawn; from applied it can go to ended.",
            id="a running concession ends rather than being withdrawn",
        ),
        pytest.param(
            "draft",
            "approved",
            "Cannot move a proposal from draft to approved; "
            "from draft it can go to submitted, withdrawn.",
            id="nothing is approved before it is submitted",
        ),
        pytest.param(
            "rejected",
            "submitted",
            "Cannot move a proposal from rejected to submitted: rejected is final.",
            id="a rejection is final",
        ),
        pytest.param("draft", "archived", "Unknown proposal state 'archived'.", id="unknown"),
    ],
)
def test_refused_transitions_say_why(from_state: str, to_state: str, message: str) -> None:
    with pytest.raises(TransitionError) as error:
        check_transition(from_state, to_state)
    assert str(error.value) == message


def test_unknown_states_never_transition() -> None:
    assert not can_transition("archived", "draft")
    assert not can_transition("draft", "archived")


def test_a_recommendation_reason_is_codes_and_figures_worded_in_french() -> None:
    [recommendation] = rank_levers([SPECS["temporary_downsell"]], account(), strategy="cash_first")
    codes = [code for code, _ in recommendation.reason]
    assert codes == ["protects", "cash_cost", "lowers_mrr", "keeps_cash_flowing"]
    with translation.override("fr"):
        text = lever_reason_text(recommendation.reason).replace("\xa0", " ").replace("\u202f", " ")
    assert text == (
        "Protège 2 000 € par mois à 70 % de risque pour un coût de trésorerie de 1 800 €,"
        " en baissant le MRR de 600 € par mois pendant 3 mois ; maintient les encaissements"
    )
