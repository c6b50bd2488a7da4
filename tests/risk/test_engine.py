"""The risk engine, factor by factor, then whole accounts. No database.

Every expectation reads off the default model (risk/default_model.py), as of 12 Sep 2026. The
engine gives reasons as codes and parameters; they are read here in their English wording.
"""

import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from risk.default_model import DEFAULT_MODEL
from risk.engine import (
    BANDS,
    FACTORS,
    AccountFacts,
    BandThresholds,
    Contribution,
    CustomFactor,
    KpiReading,
    ModelConfig,
    ModelConfigError,
    SignalReading,
    Threshold,
    UsagePoint,
    assess,
    band_for,
)
from risk.engine import factors as f
from risk.reasons import explain

AS_OF = date(2026, 9, 12)
MODEL = ModelConfig.from_dict(DEFAULT_MODEL)


def reason_of(contribution: Contribution) -> str:
    with translation.override("en"):
        return explain(contribution)


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def ahead(days: int) -> date:
    return AS_OF + timedelta(days=days)


def dec(value: str | int) -> Decimal:
    return Decimal(value)


def model_with(**changes: object) -> ModelConfig:
    return dataclasses.replace(MODEL, **changes)  # type: ignore[arg-type]


def seats(days_ago: int, active: int, licensed: int = 100) -> UsagePoint:
    return UsagePoint(ago(days_ago), active, licensed)


def kpi(target: str, actual: str, *, higher_is_better: bool = True, **kw: object) -> KpiReading:
    name = str(kw.get("name", "qualified_leads"))
    as_of = kw.get("as_of", ago(10))
    assert isinstance(as_of, date)
    return KpiReading(name, dec(target), dec(actual), higher_is_better, as_of)


# Industry ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "points", "reason"),
    [
        ("travel", 18, "Travel industry: heavily exposed to the crisis, +18"),
        ("recruitment", 12, "Recruitment industry: exposed to the crisis, +12"),
        ("media", 4, "Media industry: somewhat exposed to the crisis, +4"),
        ("software", 0, "Software industry: neutral, +0"),
        ("remote_work", -4, "Remote-work tools industry: has held up in the crisis, -4"),
    ],
)
def test_industry_points_come_from_the_table(code, points, reason):
    c = f.industry(AccountFacts(industry=code), MODEL, AS_OF)
    assert (c.factor, c.points, reason_of(c), c.has_data) == ("industry", points, reason, True)


def test_no_industry_has_no_data():
    c = f.industry(AccountFacts(industry=None), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, "No industry recorded", False)


def test_an_industry_the_table_does_not_list_gets_the_default_points():
    c = f.industry(AccountFacts(industry="Mining"), MODEL, AS_OF)
    default = MODEL.industry_points["other"]
    assert (c.points, c.has_data) == (default, True)
    assert reason_of(c).startswith("Mining industry: ")


# Geography -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "as_of", "points", "reason"),
    [
        (
            "IT",
            AS_OF,
            6,
            "Country Italy (EU-South): recovered, still fragile (since 1 Jun 2022), +6",
        ),
        (
            "IT",
            date(2021, 1, 1),
            14,
            "Country Italy (EU-South): first and longest lockdowns (since 1 Mar 2020), +14",
        ),
        ("CN", date(2019, 12, 1), 3, "Country China, APAC: somewhat exposed to the crisis, +3"),
        ("FR", AS_OF, 2, "Country France, EU-West: somewhat exposed to the crisis, +2"),
        ("SE", AS_OF, -2, "Country Sweden, EU-North: has held up in the crisis, -2"),
    ],
    ids=["own-row-today", "own-row-in-2021", "before-own-row-region", "region", "protective"],
)
def test_geography_uses_the_dated_row_in_force_else_the_region(country, as_of, points, reason):
    c = f.geography(AccountFacts(country=country), MODEL, as_of)
    assert (c.points, reason_of(c), c.has_data) == (points, reason, True)


@pytest.mark.parametrize(
    ("country", "reason"),
    [
        (None, "No country recorded"),
        ("PL", "Country Poland is not in the risk model's geography tables"),
    ],
)
def test_geography_without_a_known_country_has_no_data(country, reason):
    c = f.geography(AccountFacts(country=country), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, reason, False)


# Cash stability ------------------------------------------------------------------------------


def cash(**kw: object) -> AccountFacts:
    return AccountFacts(cash_facts_as_of=ago(11), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("months", "points"),
    [("0.5", 28), ("1", 28), ("2", 22), ("3", 22), ("4", 15), ("9", 8), ("18", 2), ("30", 0)],
)
def test_shorter_runway_adds_more_points(months, points):
    assert f.cash_stability(cash(cash_runway_months=dec(months)), MODEL, AS_OF).points == points


def test_runway_reason_reads_in_plain_words():
    c = f.cash_stability(cash(cash_runway_months=dec(3)), MODEL, AS_OF)
    assert (
        reason_of(c)
        == "Cash (as of 1 Sep 2026): runway 3 months, survives one quarter at most, +22"
    )


@pytest.mark.parametrize(
    ("stage", "points"),
    [
        ("seed", 10),
        ("series_a", 7),
        ("bootstrapped", 3),
        ("profitable", -4),
        ("listed", -3),
        ("multinational", -5),
    ],
)
def test_funding_stage_early_start_ups_score_worse_than_established_companies(stage, points):
    assert f.cash_stability(cash(funding_stage=stage), MODEL, AS_OF).points == points


@pytest.mark.parametrize(
    ("stage", "points"),
    [("seed", 10 + 5), ("series_b_plus", 4 + 5), ("profitable", -4), ("multinational", -5)],
)
def test_high_burn_counts_only_for_companies_living_on_their_funding(stage, points):
    facts = cash(funding_stage=stage, monthly_burn=dec(250_000))
    assert f.cash_stability(facts, MODEL, AS_OF).points == points


@pytest.mark.parametrize(("late", "points"), [(0, 0), (1, 3), (2, 6), (4, 10), (7, 14)])
def test_late_payments_add_points(late, points):
    assert f.cash_stability(cash(late_payments=late), MODEL, AS_OF).points == points


@pytest.mark.parametrize(("segment", "points"), [("smb", 3), ("mid_market", 0), ("enterprise", -2)])
def test_segment_nudges_cash_stability(segment, points):
    facts = cash(cash_runway_months=dec(30), segment=segment)
    assert f.cash_stability(facts, MODEL, AS_OF).points == points


def test_cash_parts_each_show_their_points_and_add_up():
    facts = cash(
        cash_runway_months=dec(3),
        funding_stage="seed",
        monthly_burn=dec(250_000),
        late_payments=2,
        segment="smb",
    )
    c = f.cash_stability(facts, MODEL, AS_OF)
    assert c.points == 22 + 10 + 5 + 6 + 3
    assert reason_of(c) == (
        "Cash (as of 1 Sep 2026): runway 3 months, survives one quarter at most (+22); "
        "seed-stage start-up (+10); burning 250,000 a month (+5); "
        "2 late payments in 12 months (+6); small business (+3), +46"
    )


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (AccountFacts(), "No cash facts recorded"),
        (AccountFacts(segment="smb"), "No cash facts recorded"),
        (
            AccountFacts(cash_runway_months=dec(3), cash_facts_as_of=ago(200)),
            "Cash facts as of 24 Feb 2026 are older than 180 days: treated as missing",
        ),
        (
            AccountFacts(cash_runway_months=dec(3), cash_facts_as_of=ahead(3)),
            "Cash facts as of 15 Sep 2026 are dated after 12 Sep 2026: treated as missing",
        ),
    ],
    ids=["nothing", "segment-only", "stale", "recorded-after-as-of"],
)
def test_cash_stability_without_usable_facts_has_no_data(facts, reason):
    c = f.cash_stability(facts, MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, reason, False)


def test_cash_facts_exactly_at_the_maximum_age_still_count():
    facts = AccountFacts(cash_runway_months=dec(3), cash_facts_as_of=ago(180))
    assert f.cash_stability(facts, MODEL, AS_OF).points == 22


def test_undated_cash_facts_count_and_say_so():
    c = f.cash_stability(AccountFacts(cash_runway_months=dec(3)), MODEL, AS_OF)
    assert reason_of(c).startswith("Cash (undated): runway 3 months")
    assert c.points == 22


# Journey phase -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "points", "reason"),
    [
        ("growth", -5, "In growth: eligible for expansion, -5"),
        ("maturation", 0, "In maturation: deployed and seeing value, +0"),
        ("defense", 16, "In defense: already a concern, +16"),
    ],
)
def test_phase_base_points(phase, points, reason):
    c = f.phase(AccountFacts(phase=phase), MODEL, AS_OF)
    assert (c.points, reason_of(c)) == (points, reason)


@pytest.mark.parametrize(
    ("days_late", "points"),
    [(-10, 6), (0, 6), (1, 6 + 2), (45, 6 + 6), (60, 6 + 10), (120, 6 + 14), (200, 6 + 18)],
)
def test_deployment_risk_grows_with_days_past_the_planned_go_live(days_late, points):
    facts = AccountFacts(phase="deployment", planned_go_live_on=ago(days_late))
    assert f.phase(facts, MODEL, AS_OF).points == points


def test_deployment_reason_names_the_delay_and_the_break_clause():
    facts = AccountFacts(
        phase="deployment",
        phase_entered_on=ago(300),
        planned_go_live_on=ago(120),
        break_clause_on=ahead(60),
    )
    c = f.phase(facts, MODEL, AS_OF)
    assert c.points == 6 + 14 + 7
    assert reason_of(c) == (
        "In deployment since 16 Nov 2025: onboarding (+6); "
        "120 days past the planned go-live of 15 May 2026 (+14); "
        "break clause on 11 Nov 2026, in 60 days (+7), +27"
    )


def test_deployment_without_a_go_live_date_assumes_the_usual_deployment_length():
    facts = AccountFacts(phase="deployment", phase_entered_on=ago(150))
    c = f.phase(facts, MODEL, AS_OF)
    assert c.points == 6 + 10
    assert "60 days past the usual 90-day deployment of 14 Jul 2026 (+10)" in reason_of(c)


@pytest.mark.parametrize(
    ("phase", "break_in_days", "points"),
    [
        ("deployment", 20, 6 + 12),
        ("deployment", 60, 6 + 7),
        ("deployment", 120, 6 + 3),
        ("deployment", 300, 6 + 0),
        ("deployment", -1, 6),
        ("defense", 20, 16 + 12),
        ("maturation", 20, 0),
        ("growth", 20, -5),
    ],
    ids=lambda v: str(v),
)
def test_a_near_break_clause_adds_points_in_deployment_and_defense(phase, break_in_days, points):
    facts = AccountFacts(phase=phase, break_clause_on=ahead(break_in_days))
    assert f.phase(facts, MODEL, AS_OF).points == points


@pytest.mark.parametrize(("days", "points"), [(30, 16), (100, 16 + 3), (200, 16 + 6)])
def test_defense_weighs_more_the_longer_it_lasts(days, points):
    facts = AccountFacts(phase="defense", phase_entered_on=ago(days))
    assert f.phase(facts, MODEL, AS_OF).points == points


def test_a_phase_entered_after_as_of_ignores_its_start_date():
    facts = AccountFacts(phase="defense", phase_entered_on=ahead(5))
    assert reason_of(f.phase(facts, MODEL, AS_OF)) == "In defense: already a concern, +16"


@pytest.mark.parametrize(
    ("phase", "reason"),
    [
        (None, "No journey phase recorded"),
        ("churned", "Phase 'churned' is not in the risk model's phase table"),
    ],
)
def test_phase_without_a_known_phase_has_no_data(phase, reason):
    c = f.phase(AccountFacts(phase=phase), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, reason, False)


# Renewal proximity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "points", "reason"),
    [
        (0, 12, "Renewal on 12 Sep 2026, today, +12"),
        (1, 12, "Renewal on 13 Sep 2026, tomorrow, +12"),
        (30, 12, "Renewal on 12 Oct 2026, in 30 days, +12"),
        (31, 12, "Renewal on 13 Oct 2026, in 31 days, +12"),
        (90, 12, "Renewal on 11 Dec 2026, in 90 days, +12"),
        (91, 4, "Renewal on 12 Dec 2026, in 91 days, +4"),
        (150, 4, "Renewal on 9 Feb 2027, in 150 days, +4"),
        (200, 0, "Renewal on 31 Mar 2027, in 200 days, +0"),
        (-5, 15, "Renewal was due on 7 Sep 2026: overdue by 5 days, +15"),
    ],
)
def test_renewal_adds_points_as_it_approaches_and_most_when_overdue(days, points, reason):
    c = f.renewal_proximity(AccountFacts(renewal_on=ahead(days)), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (points, reason, True)


@pytest.mark.parametrize(
    ("renewal", "term", "clause", "points", "reason"),
    [
        # An annual contract whose renewal date passed renewed: the next end of term counts.
        (-5, 12, None, 0, "Term in force ends on 7 Sep 2027, in 360 days, +0"),
        (-300, 12, None, 12, "Term in force ends on 16 Nov 2026, in 65 days, +12"),
        # Without a known term, a passed renewal is overdue.
        (-5, None, None, 15, "Renewal was due on 7 Sep 2026: overdue by 5 days, +15"),
        # A break clause before the renewal is the first chance to leave.
        (
            300,
            12,
            40,
            12,
            "Break clause before the renewal on 22 Oct 2026, in 40 days, +12",
        ),
        (30, 12, 40, 12, "Renewal on 12 Oct 2026, in 30 days, +12"),
        # A monthly contract is always near its end: a third of the quarter's points.
        (20, 1, None, 4, "1-month term, renewal on 2 Oct 2026, in 20 days, +4"),
    ],
)
def test_renewal_proximity_reads_the_term_in_force(renewal, term, clause, points, reason):
    facts = AccountFacts(
        renewal_on=ahead(renewal),
        contract_term_months=term,
        break_clause_on=ahead(clause) if clause is not None else None,
    )
    c = f.renewal_proximity(facts, MODEL, AS_OF)
    assert (c.points, reason_of(c)) == (points, reason)


def test_no_renewal_date_has_no_data():
    c = f.renewal_proximity(AccountFacts(), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, "No renewal date recorded", False)


# Signing discount ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pct", "points", "reason"),
    [
        ("0", 0, "Signed at full price, +0"),
        ("3", 0, "Signed with a 3 % discount, +0"),
        ("5", 2, "Signed with a 5 % discount, a strong sign of non-renewal, +2"),
        ("25.0", 9, "Signed with a 25 % discount, a strong sign of non-renewal, +9"),
        ("45", 17, "Signed with a 45 % discount, a strong sign of non-renewal, +17"),
    ],
)
def test_a_bigger_signing_discount_adds_more_points(pct, points, reason):
    c = f.signing_discount(AccountFacts(signing_discount_pct=dec(pct)), MODEL, AS_OF)
    assert (c.points, reason_of(c)) == (points, reason)


def test_no_signing_discount_recorded_has_no_data():
    c = f.signing_discount(AccountFacts(), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, "No signing discount recorded", False)


# Stakeholder ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "points"), [(0, 14), (21, 14), (60, 10), (150, 6), (300, 3), (400, 0)]
)
def test_a_fresher_key_stakeholder_departure_adds_more_points(days, points):
    facts = AccountFacts(stakeholders_known=True, key_stakeholder_left_on=ago(days))
    assert f.stakeholder(facts, MODEL, AS_OF).points == points


def test_stakeholder_departure_reason():
    facts = AccountFacts(stakeholders_known=True, key_stakeholder_left_on=ago(21))
    reason = reason_of(f.stakeholder(facts, MODEL, AS_OF))
    assert reason == "Key stakeholder left on 22 Aug 2026, 21 days ago, +14"


@pytest.mark.parametrize(
    ("facts", "points", "reason", "has_data"),
    [
        (AccountFacts(), 0, "No stakeholders recorded", False),
        (AccountFacts(stakeholders_known=True), 0, "Key stakeholders in place, +0", True),
        (
            AccountFacts(stakeholders_known=True, key_stakeholder_left_on=ahead(3)),
            0,
            "Key stakeholders in place, +0",
            True,
        ),
        (
            AccountFacts(key_stakeholder_left_on=ago(10)),
            14,
            "Key stakeholder left on 2 Sep 2026, 10 days ago, +14",
            True,
        ),
    ],
    ids=["nobody-recorded", "in-place", "leaves-after-as-of", "departure-is-data-itself"],
)
def test_stakeholder_cases(facts, points, reason, has_data):
    c = f.stakeholder(facts, MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (points, reason, has_data)


# Usage trend ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("then", "now", "points"),
    [
        (80, 78, 0),
        (80, 74, 3),
        (80, 65, 6),
        (80, 55, 10),
        (80, 45, 14),
        (50, 56, -2),
        (50, 70, -4),
        (20, 20, 5),  # flat, but only a fifth of the seats are used
        (60, 5, 14 + 8),
    ],
)
def test_falling_adoption_adds_points_and_rising_adoption_removes_a_few(then, now, points):
    facts = AccountFacts(usage=(seats(95, then), seats(5, now)))
    assert f.usage_trend(facts, MODEL, AS_OF).points == points


def test_usage_reason_gives_both_shares_of_the_seats_and_the_days_between_them():
    facts = AccountFacts(usage=(seats(95, 80), seats(5, 55)))
    reason = reason_of(f.usage_trend(facts, MODEL, AS_OF))
    assert reason == "Active users fell from 80 % to 55 % of 100 seats in 90 days, +10"


def test_usage_compares_with_the_reading_about_a_window_earlier_in_any_order():
    usage = (seats(0, 50), seats(200, 10), seats(30, 40), seats(100, 80))
    c = f.usage_trend(AccountFacts(usage=usage), MODEL, AS_OF)
    assert reason_of(c).startswith("Active users fell from 80 % to 50 % of 100 seats in 100 days")
    assert f.usage_trend(AccountFacts(usage=usage[::-1]), MODEL, AS_OF) == c


def test_usage_without_a_reading_a_window_earlier_uses_the_earliest_one():
    usage = (seats(0, 50), seats(30, 40), seats(60, 70))
    reason = reason_of(f.usage_trend(AccountFacts(usage=usage), MODEL, AS_OF))
    assert reason.startswith("Active users fell from 70 % to 50 % of 100 seats in 60 days")


def test_usage_shares_are_whole_percentages_so_the_reason_adds_up():
    # 79.6 % -> 80 %, 75.4 % -> 75 %: a fall of 5 points as shown, not 4.2.
    facts = AccountFacts(usage=(seats(95, 398, 500), seats(5, 377, 500)))
    c = f.usage_trend(facts, MODEL, AS_OF)
    assert (c.points, reason_of(c)) == (
        3,
        "Active users fell from 80 % to 75 % of 500 seats in 90 days, +3",
    )


def test_buying_seats_is_not_falling_adoption():
    # 40 of 50 seats active, then 100 seats bought and 42 active: more users, not a fall.
    facts = AccountFacts(usage=(seats(95, 40, 50), seats(5, 42, 150)))
    c = f.usage_trend(facts, MODEL, AS_OF)
    # No point for the trend; only the low share of seats in use still counts.
    assert reason_of(c) == (
        "Active users rose from 27 % to 28 % of 150 seats in 90 days (+0); "
        "low adoption: 28 % of seats active (+2), +2"
    )
    # Fewer active users on more seats still reads as a fall.
    fewer = AccountFacts(usage=(seats(95, 40, 50), seats(5, 20, 150)))
    assert reason_of(f.usage_trend(fewer, MODEL, AS_OF)).startswith("Active users fell")


def test_usage_ignores_readings_after_as_of_and_without_seats():
    usage = (seats(95, 80), seats(5, 55), seats(-3, 100), UsagePoint(ago(1), 0, 0))
    assert f.usage_trend(AccountFacts(usage=usage), MODEL, AS_OF).points == 10


@pytest.mark.parametrize(
    ("usage", "reason"),
    [
        ((), "No usage recorded"),
        ((seats(5, 50),), "Usage recorded on one day only (7 Sep 2026): no trend yet"),
        ((seats(5, 50), seats(5, 60)), "Usage recorded on one day only (7 Sep 2026): no trend yet"),
        (
            (seats(300, 50), seats(200, 20)),
            "Latest usage as of 24 Feb 2026 is older than 180 days: treated as missing",
        ),
        ((seats(-5, 50),), "No usage with licensed seats up to 12 Sep 2026"),
    ],
    ids=["none", "one-point", "one-day", "stale", "only-after-as-of"],
)
def test_usage_trend_without_two_usable_readings_has_no_data(usage, reason):
    c = f.usage_trend(AccountFacts(usage=usage), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, reason, False)


# Outcome KPI attainment ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "points"),
    [
        (kpi("100", "20"), 18),
        (kpi("100", "40"), 12),
        (kpi("100", "70"), 7),
        (kpi("100", "85"), 3),
        (kpi("100", "95"), 0),
        (kpi("100", "110"), -2),
        (kpi("100", "130"), -5),
        (kpi("10", "20", higher_is_better=False), 12),  # staff turnover twice the target
        (kpi("10", "8", higher_is_better=False), -5),
        (kpi("10", "0", higher_is_better=False), -5),
        (kpi("0", "0"), 0),  # a zero target met
        (kpi("0", "-1"), 18),  # a zero target missed
    ],
)
def test_kpi_attainment_under_target_adds_points_over_target_removes_a_few(reading, points):
    assert f.kpi_attainment(AccountFacts(kpis=(reading,)), MODEL, AS_OF).points == points


def test_single_kpi_reason():
    reason = reason_of(f.kpi_attainment(AccountFacts(kpis=(kpi("100", "40"),)), MODEL, AS_OF))
    assert reason == "Outcome KPI qualified_leads at 40 % of target, +12"


def test_several_kpis_average_and_name_the_weakest():
    readings = (
        kpi("100", "30", name="leads"),
        kpi("10", "10", higher_is_better=False, name="churn"),
    )
    c = f.kpi_attainment(AccountFacts(kpis=readings), MODEL, AS_OF)
    assert c.points == 7  # (30 % + 100 %) / 2 = 65 %
    assert (
        reason_of(c) == "2 outcome KPIs at 65 % of target on average (weakest: leads at 30 %), +7"
    )


def test_one_runaway_kpi_cannot_hide_the_others():
    readings = (kpi("100", "1000", name="leads"), kpi("100", "30", name="nps"))
    # capped at 150 %: (150 + 30) / 2 = 90 %
    assert f.kpi_attainment(AccountFacts(kpis=readings), MODEL, AS_OF).points == 3


def test_the_latest_reading_of_each_kpi_counts():
    readings = (kpi("100", "20", as_of=ago(5)), kpi("100", "95", as_of=ago(40)))
    assert f.kpi_attainment(AccountFacts(kpis=readings), MODEL, AS_OF).points == 18


@pytest.mark.parametrize(
    ("readings", "reason"),
    [
        ((), "No outcome KPIs recorded"),
        (
            (kpi("100", "20", as_of=ago(200)),),
            "Outcome KPI readings (latest 24 Feb 2026) are older than 180 days: treated as missing",
        ),
        ((kpi("100", "20", as_of=ahead(1)),), "No outcome KPI readings up to 12 Sep 2026"),
    ],
    ids=["none", "stale", "after-as-of"],
)
def test_kpi_attainment_without_fresh_readings_has_no_data(readings, reason):
    c = f.kpi_attainment(AccountFacts(kpis=readings), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, reason, False)


# Custom factors ------------------------------------------------------------------------------

CSAT, TICKETS = MODEL.custom_factors


def signal(name: str, value: str, days_ago: int = 3) -> AccountFacts:
    return AccountFacts(signals={name: SignalReading(dec(value), ago(days_ago))})


@pytest.mark.parametrize(
    ("value", "points", "reason"),
    [
        ("4.2", 0, "CSAT (1-5) 4.2 (as of 9 Sep 2026), +0"),
        ("3.5", 4, "CSAT (1-5) 3.5 (as of 9 Sep 2026): at or below 3.5, +4"),
        ("2.8", 8, "CSAT (1-5) 2.8 (as of 9 Sep 2026): at or below 3, +8"),
        ("1.5", 12, "CSAT (1-5) 1.5 (as of 9 Sep 2026): at or below 2, +12"),
    ],
)
def test_a_lower_is_riskier_signal_takes_the_furthest_threshold_crossed(value, points, reason):
    c = f.custom_signal(CSAT, signal("csat", value), MODEL, AS_OF)
    assert (c.factor, c.points, reason_of(c)) == ("signal:csat", points, reason)


@pytest.mark.parametrize(("value", "points"), [("3", 0), ("5", 2), ("12", 5), ("25", 8)])
def test_a_higher_is_riskier_signal_takes_the_furthest_threshold_crossed(value, points):
    assert f.custom_signal(TICKETS, signal("open_tickets", value), MODEL, AS_OF).points == points


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (AccountFacts(), "No CSAT (1-5) reading recorded"),
        (signal("nps", "10"), "No CSAT (1-5) reading recorded"),
        (
            signal("csat", "1", days_ago=181),
            "CSAT (1-5) reading as of 15 Mar 2026 is older than 180 days: treated as missing",
        ),
        (
            signal("csat", "1", days_ago=-1),
            "CSAT (1-5) reading as of 13 Sep 2026 is dated after 12 Sep 2026: treated as missing",
        ),
    ],
    ids=["no-signals", "other-signal", "stale", "after-as-of"],
)
def test_custom_factor_without_a_usable_reading_has_no_data(facts, reason):
    c = f.custom_signal(CSAT, facts, MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, reason, False)


def test_custom_factor_must_belong_to_the_model():
    stranger = CustomFactor("nps", "NPS", False, (Threshold(dec(0), 5),))
    with pytest.raises(ValueError, match="signal:nps"):
        f.custom_signal(stranger, AccountFacts(), MODEL, AS_OF)


# Category signals --------------------------------------------------------------------------

PLAN = CustomFactor(
    "plan", "Plan", True, (), (("starter", 9), ("team", 4), ("enterprise", -3)), other_points=2
)
WITH_PLAN = model_with(custom_factors=(*MODEL.custom_factors, PLAN))


def category(name: str, value: str, days_ago: int = 3) -> AccountFacts:
    return AccountFacts(signals={name: SignalReading(None, ago(days_ago), value)})


@pytest.mark.parametrize(
    ("plan", "points", "reason"),
    [
        ("starter", 9, "Plan: starter (as of 9 Sep 2026), +9"),
        ("enterprise", -3, "Plan: enterprise (as of 9 Sep 2026), -3"),
        ("legacy", 2, "Plan: legacy (as of 9 Sep 2026), not listed in the model, +2"),
    ],
)
def test_a_category_signal_takes_the_points_of_its_category(plan, points, reason):
    c = f.custom_signal(PLAN, category("plan", plan), WITH_PLAN, AS_OF)
    assert (c.factor, c.points, reason_of(c), c.has_data) == ("signal:plan", points, reason, True)
    assert assess(category("plan", plan), WITH_PLAN, as_of=AS_OF).score == 20 + points


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (AccountFacts(), "No Plan reading recorded"),
        (signal("plan", "3"), "No Plan reading recorded"),  # a number says nothing of a plan
        (
            category("plan", "starter", days_ago=181),
            "Plan reading as of 15 Mar 2026 is older than 180 days: treated as missing",
        ),
    ],
    ids=["none", "numeric-reading", "stale"],
)
def test_a_category_factor_without_a_usable_reading_has_no_data(facts, reason):
    c = f.custom_signal(PLAN, facts, WITH_PLAN, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, reason, False)


def test_a_numeric_factor_ignores_a_category_reading():
    c = f.custom_signal(CSAT, category("csat", "bad"), MODEL, AS_OF)
    assert (c.points, c.has_data) == (0, False)


def test_a_category_factor_round_trips_through_json():
    raw = {
        "signal": "plan",
        "label": "Plan",
        "categories": {"team": 4, "starter": 9, "enterprise": -3},
        "other_points": 2,
    }
    model = ModelConfig.from_dict({**DEFAULT_MODEL, "custom_factors": [raw]})
    assert model.custom_factors == (PLAN,)
    assert json.loads(json.dumps(model.to_dict()))["custom_factors"] == [
        {**raw, "categories": {"enterprise": -3, "starter": 9, "team": 4}}
    ]
    assert ModelConfig.from_dict(json.loads(json.dumps(model.to_dict()))) == model
    # other_points may be left out: an unlisted category then counts 0.
    del raw["other_points"]
    assert ModelConfig.from_dict({"custom_factors": [raw]}).custom_factors[0].other_points == 0


# Account size --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("licensed", "points"), [(5, 8), (10, 8), (11, 5), (20, 5), (50, 2), (51, 0), (250, 0)]
)
def test_a_small_plan_adds_points_read_in_licensed_seats(licensed, points):
    facts = AccountFacts(mrr=dec(100), usage=(seats(95, 4, 3), seats(5, 4, licensed)))
    c = f.account_size(facts, MODEL, AS_OF)
    assert (c.points, reason_of(c)) == (points, f"Plan of {licensed} licensed seats, +{points}")


@pytest.mark.parametrize(
    ("mrr", "points", "reason"),
    [
        ("300", 8, "MRR of 500 a month or less, +8"),
        ("1500", 5, "MRR of 2,000 a month or less, +5"),
        ("5000", 2, "MRR of 5,000 a month or less, +2"),
        ("9000", 0, "MRR above 5,000 a month, +0"),
    ],
)
def test_without_fresh_seats_the_size_is_read_in_mrr_tiers(mrr, points, reason):
    stale = AccountFacts(mrr=dec(mrr), usage=(seats(200, 4, 5),))
    c = f.account_size(stale, MODEL, AS_OF)
    assert (c.points, reason_of(c)) == (points, reason)


def test_without_seats_or_mrr_the_size_has_no_data():
    c = f.account_size(AccountFacts(), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, "No seats or MRR recorded", False)


# MRR trend: contraction and expansion over the window ----------------------------------------


@pytest.mark.parametrize(
    ("earlier", "now", "points", "reason"),
    [
        ("2000", "1000", 12, "MRR down 50 % in the last 180 days, +12"),
        ("1000", "700", 12, "MRR down 30 % in the last 180 days, +12"),
        ("1000", "800", 8, "MRR down 20 % in the last 180 days, +8"),
        ("1000", "950", 4, "MRR down 5 % in the last 180 days, +4"),
        ("1000", "960", 0, "MRR down 4 % in the last 180 days, +0"),
        ("1000", "1000", 0, "MRR unchanged over the last 180 days, +0"),
        ("1000", "1100", -3, "MRR up 10 % in the last 180 days, -3"),
        ("1000", "2000", -6, "MRR up 100 % in the last 180 days, -6"),
        # Rounded half up on the figure shown: -4.5 % shows (and scores) as 4 % down.
        ("1000", "955", 0, "MRR down 4 % in the last 180 days, +0"),
    ],
)
def test_mrr_against_six_months_earlier(earlier, now, points, reason):
    facts = AccountFacts(mrr=dec(now), mrr_earlier=dec(earlier))
    c = f.mrr_trend(facts, MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (points, reason, True)


@pytest.mark.parametrize(("earlier", "now"), [(None, "1000"), ("0", "1000"), ("1000", "0")])
def test_without_an_earlier_and_a_current_mrr_the_trend_has_no_data(earlier, now):
    facts = AccountFacts(mrr=dec(now), mrr_earlier=None if earlier is None else dec(earlier))
    c = f.mrr_trend(facts, MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (0, "No earlier MRR to compare with", False)


def test_a_contraction_raises_the_score_and_an_expansion_lowers_it():
    plain = AccountFacts(industry="software", mrr=dec(3000), renewal_on=ahead(200))
    base = assess(plain, MODEL, as_of=AS_OF).score
    shrunk = assess(dataclasses.replace(plain, mrr_earlier=dec(6000)), MODEL, as_of=AS_OF)
    grown = assess(dataclasses.replace(plain, mrr_earlier=dec(2000)), MODEL, as_of=AS_OF)
    assert (shrunk.score, grown.score) == (base + 12, base - 6)


# Adoption: absolute users, seat changes, intensity -------------------------------------------


def test_cutting_seats_does_not_hide_users_lost():
    # 50 of 100 seats active, then 40 of 50: a higher share of fewer seats, but 10 users lost.
    facts = AccountFacts(usage=(seats(95, 50, 100), seats(5, 40, 50)))
    c = f.usage_trend(facts, MODEL, AS_OF)
    assert (c.points, reason_of(c)) == (
        6,
        "Active users fell from 50 % to 40 % of 100 seats in 90 days, +6",
    )


def test_the_same_users_on_more_seats_is_not_falling_adoption():
    facts = AccountFacts(usage=(seats(95, 45, 50), seats(5, 45, 100)))
    c = f.usage_trend(facts, MODEL, AS_OF)
    assert reason_of(c) == "Active users held at 45 % of 100 seats in 90 days, +0"


def intensity(value: str, days_ago: int = 3) -> dict[str, SignalReading]:
    return {"usage_intensity": SignalReading(dec(value), ago(days_ago))}


@pytest.mark.parametrize(("value", "points"), [("0.5", 6), ("1", 6), ("1.5", 3), ("4", 0)])
def test_low_usage_intensity_adds_its_own_part(value, points):
    facts = AccountFacts(usage=(seats(95, 60), seats(5, 60)), signals=intensity(value))
    c = f.usage_trend(facts, MODEL, AS_OF)
    assert c.points == points
    if points:
        assert reason_of(c).endswith(
            f"; usage intensity {value} (as of 9 Sep 2026) (+{points}), +{points}"
        )


def test_usage_intensity_counts_alone_without_a_usage_trend():
    c = f.usage_trend(AccountFacts(signals=intensity("0.8")), MODEL, AS_OF)
    assert (c.points, reason_of(c), c.has_data) == (
        6,
        "Usage intensity 0.8 (as of 9 Sep 2026), +6",
        True,
    )
    stale = f.usage_trend(AccountFacts(signals=intensity("0.8", days_ago=200)), MODEL, AS_OF)
    assert (stale.points, stale.has_data) == (0, False)


# Weights -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "points", "reason"),
    [
        (1.5, 27, "Travel industry: heavily exposed to the crisis, +18 × 1.5 = +27"),
        (0.25, 5, "Travel industry: heavily exposed to the crisis, +18 × 0.25 = +5"),  # 4.5 up
        (0.0, 0, "Travel industry: heavily exposed to the crisis, +18 × 0 = +0"),
    ],
)
def test_a_weight_multiplies_the_points_and_the_reason_shows_it(weight, points, reason):
    model = model_with(weights={"industry": weight})
    c = f.industry(AccountFacts(industry="travel"), model, AS_OF)
    assert (c.points, reason_of(c)) == (points, reason)


def test_custom_factors_can_be_weighted_too():
    model = model_with(weights={"signal:csat": 2.0})
    assert assess(signal("csat", "1.5"), model, as_of=AS_OF).score == 20 + 24


# Whole assessments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "low"), (34, "low"), (35, "medium"), (54, "medium"), (55, "high"), (75, "critical")],
)
def test_band_for_uses_the_lowest_score_of_each_band(score, band):
    assert band_for(score, MODEL.bands) == band


def test_every_factor_contributes_once_biggest_drag_first_ties_by_name():
    a = assess(AccountFacts(industry="travel", country="SE"), MODEL, as_of=AS_OF)
    names = [c.factor for c in a.contributions]
    assert sorted(names) == sorted([*FACTORS, "signal:csat", "signal:open_tickets"])
    assert names[0] == "industry" and names[-1] == "geography"
    zeros = [c.factor for c in a.contributions if c.points == 0]
    assert zeros == sorted(zeros)


def test_score_is_the_base_plus_every_contribution():
    facts = AccountFacts(industry="travel", renewal_on=ahead(10), signing_discount_pct=dec(25))
    a = assess(facts, MODEL, as_of=AS_OF)
    assert a.score == 20 + 18 + 12 + 9 == MODEL.base_score + sum(c.points for c in a.contributions)


def test_score_is_clamped_to_0_and_100():
    generous = model_with(industry_points={"travel": 150, "logistics": -150})
    assert assess(AccountFacts(industry="travel"), generous, as_of=AS_OF).score == 100
    assert assess(AccountFacts(industry="logistics"), generous, as_of=AS_OF).score == 0


TRAVEL_START_UP = AccountFacts(
    industry="travel",
    country="ES",
    segment="smb",
    mrr=dec(1_200),
    phase="deployment",
    phase_entered_on=ago(300),
    planned_go_live_on=ago(120),
    break_clause_on=ahead(61),
    funding_stage="seed",
    cash_runway_months=dec(3),
    monthly_burn=dec(180_000),
    cash_facts_as_of=ago(12),
    stakeholders_known=True,
)
LOGISTICS_IN_GROWTH = AccountFacts(
    industry="logistics",
    country="DE",
    segment="enterprise",
    mrr=dec(9_000),
    phase="growth",
    phase_entered_on=ago(400),
    renewal_on=ahead(150),
    signing_discount_pct=dec(0),
    funding_stage="profitable",
    cash_runway_months=dec(48),
    late_payments=0,
    cash_facts_as_of=ago(20),
    stakeholders_known=True,
    usage=(seats(100, 62), seats(10, 78)),
    kpis=(kpi("500", "560", name="deliveries_on_time"),),
)
SOFTWARE_RENEWING_AT_A_DISCOUNT = AccountFacts(
    industry="software",
    country="US",
    segment="mid_market",
    phase="maturation",
    renewal_on=ahead(45),
    signing_discount_pct=dec(25),
    stakeholders_known=True,
    usage=(seats(90, 60), seats(2, 61)),
)
DEFENSE_AFTER_A_DEPARTURE = AccountFacts(
    industry="manufacturing",
    country="FR",
    phase="defense",
    phase_entered_on=ago(40),
    key_stakeholder_left_on=ago(21),
    stakeholders_known=True,
    usage=(seats(92, 70), seats(3, 45)),
)
RETAIL_OVERDUE_WITH_MISSED_OUTCOMES = AccountFacts(
    industry="retail",
    country="IT",
    phase="maturation",
    renewal_on=ago(10),
    kpis=(kpi("200", "80", name="footfall_conversions"),),
    signals={"csat": SignalReading(dec("2.9"), ago(7))},
)
NOTHING_KNOWN = AccountFacts()
EVERYTHING_STALE = AccountFacts(
    funding_stage="seed",
    cash_runway_months=dec(2),
    cash_facts_as_of=ago(400),
    usage=(seats(500, 90), seats(300, 10)),
    kpis=(kpi("100", "5", as_of=ago(365)),),
    signals={"csat": SignalReading(dec(1), ago(365))},
)


@pytest.mark.parametrize(
    ("facts", "band", "score", "top_factors"),
    [
        (TRAVEL_START_UP, "critical", 100, ["cash_stability", "phase", "industry"]),
        (LOGISTICS_IN_GROWTH, "low", 20 - 3 - 1 - 6 - 5 + 4 - 4 - 2, []),
        (
            SOFTWARE_RENEWING_AT_A_DISCOUNT,
            "medium",
            20 + 12 + 9 + 1,
            ["renewal_proximity", "signing_discount"],
        ),
        (DEFENSE_AFTER_A_DEPARTURE, "high", 20 + 16 + 14 + 10 + 4 + 2, ["phase", "stakeholder"]),
        (
            RETAIL_OVERDUE_WITH_MISSED_OUTCOMES,
            "high",
            20 + 15 + 12 + 10 + 8 + 6,
            ["renewal_proximity", "kpi_attainment", "industry"],
        ),
        (NOTHING_KNOWN, "low", 20, []),
        (EVERYTHING_STALE, "low", 20, []),
    ],
    ids=[
        "travel seed start-up, 3 months runway, deployment 120 days late, break clause in 2"
        " months -> critical",
        "profitable logistics company in growth, fresh facts, adoption rising -> low",
        "mid-market software renewing in 45 days after a 25 % signing discount -> medium",
        "defense account whose key stakeholder left 3 weeks ago, adoption down 25 points -> high",
        "retail in Italy, renewal overdue, outcome KPI at 40 %, CSAT 2.9 -> high",
        "brand-new account with nothing recorded -> base score, every factor says no data",
        "stale facts count as missing -> base score, every stale factor says why",
    ],
)
def test_golden_accounts(facts, band, score, top_factors):
    a = assess(facts, MODEL, as_of=AS_OF)
    assert (a.score, a.band) == (score, band)
    assert [c.factor for c in a.contributions[: len(top_factors)]] == top_factors


def test_the_travel_start_up_explains_itself():
    reasons = [reason_of(c) for c in assess(TRAVEL_START_UP, MODEL, as_of=AS_OF).contributions[:3]]
    assert reasons == [
        "Cash (as of 31 Aug 2026): runway 3 months, survives one quarter at most (+22); "
        "seed-stage start-up (+10); burning 180,000 a month (+2); small business (+3), +37",
        "In deployment since 16 Nov 2025: onboarding (+6); 120 days past the planned go-live of"
        " 15 May 2026 (+14); break clause on 12 Nov 2026, in 61 days (+7), +27",
        "Travel industry: heavily exposed to the crisis, +18",
    ]


def test_an_account_with_nothing_known_says_what_is_missing_for_every_factor():
    a = assess(NOTHING_KNOWN, MODEL, as_of=AS_OF)
    assert not any(c.has_data for c in a.contributions)
    assert {c.points for c in a.contributions} == {0}


def test_stale_facts_say_they_were_treated_as_missing():
    a = assess(EVERYTHING_STALE, MODEL, as_of=AS_OF)
    stale = {c.factor for c in a.contributions if "treated as missing" in reason_of(c)}
    assert stale == {"cash_stability", "usage_trend", "kpi_attainment", "signal:csat"}


def test_the_same_account_scored_as_of_an_earlier_date_sees_that_date_s_facts():
    facts = AccountFacts(country="IT", renewal_on=date(2021, 2, 1))
    then = assess(facts, MODEL, as_of=date(2021, 1, 1))
    now = assess(facts, MODEL, as_of=AS_OF)
    assert then.score == 20 + 14 + 12
    assert now.score == 20 + 6 + 15  # renewal long overdue


def test_mrr_changes_the_score_only_through_the_account_size_when_seats_are_unknown():
    plain = AccountFacts(industry="software", renewal_on=ahead(200))
    with_usage = dataclasses.replace(plain, usage=(seats(95, 60), seats(5, 60)))
    small = assess(dataclasses.replace(with_usage, mrr=dec(10)), MODEL, as_of=AS_OF)
    big = assess(dataclasses.replace(with_usage, mrr=dec(10**6)), MODEL, as_of=AS_OF)
    assert small == big  # seats say the size: MRR only weighs the triage order
    no_usage = plain
    small = assess(dataclasses.replace(no_usage, mrr=dec(300)), MODEL, as_of=AS_OF)
    big = assess(dataclasses.replace(no_usage, mrr=dec(10**6)), MODEL, as_of=AS_OF)
    assert small.score == big.score + 8


def test_a_remembered_contribution_is_the_same_as_a_fresh_one():
    warm = assess(TRAVEL_START_UP, MODEL, as_of=AS_OF)
    assert assess(TRAVEL_START_UP, MODEL, as_of=AS_OF) == warm
    assert assess(TRAVEL_START_UP, ModelConfig.from_dict(DEFAULT_MODEL), as_of=AS_OF) == warm


def test_contributions_are_immutable():
    contribution = assess(TRAVEL_START_UP, MODEL, as_of=AS_OF).contributions[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        contribution.points = 0  # type: ignore[misc]


# The model as data ---------------------------------------------------------------------------


def test_default_model_round_trips_exactly_through_json():
    assert json.loads(json.dumps(DEFAULT_MODEL)) == DEFAULT_MODEL
    assert MODEL.to_dict() == DEFAULT_MODEL
    assert ModelConfig.from_dict(MODEL.to_dict()) == MODEL


def test_to_dict_writes_every_field_of_the_model():
    fields = {f.name for f in dataclasses.fields(ModelConfig) if f.init}
    assert set(MODEL.to_dict()) == fields


def test_default_model_follows_the_brief():
    points = MODEL.industry_points
    for exposed in ("travel", "aviation", "hospitality", "events", "recruitment", "retail"):
        assert points[exposed] >= 10, exposed
    for resilient in ("logistics", "healthcare", "supply_chain", "ecommerce", "remote_work"):
        assert points[resilient] <= 0, resilient
    assert set(MODEL.region_points) == {
        "EU-South",
        "EU-North",
        "EU-West",
        "North America",
        "LATAM",
        "APAC",
        "MEA",
    }
    assert len(MODEL.region_of_country) >= 40
    assert BANDS == ("low", "medium", "high", "critical")


def test_missing_keys_take_neutral_defaults():
    model = ModelConfig.from_dict({"industry_points": {"travel": 18}})
    a = assess(AccountFacts(industry="travel", renewal_on=ahead(3)), model, as_of=AS_OF)
    assert a.score == model.base_score + 18


def test_the_model_is_frozen_against_later_edits_of_its_source():
    source = {"travel": 18}
    model = ModelConfig(industry_points=source)
    source["travel"] = 0
    assert model.industry_points["travel"] == 18


def without(key: str) -> dict[str, object]:
    return {k: v for k, v in DEFAULT_MODEL.items() if k != key}


def table(*pairs: tuple[str, int]) -> list[dict[str, object]]:
    return [{"value": v, "points": p} for v, p in pairs]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "red"}, "unknown model keys: colour"),
        ({"base_score": "20"}, "base_score: expected a whole number"),
        ({"base_score": True}, "base_score: expected a whole number"),
        ({"bands": {"medium": 60, "high": 55, "critical": 75}}, "0 < medium < high < critical"),
        ({"bands": {"medium": 35}}, "bands: expected the keys critical, high, medium"),
        ({"weights": {"industry": -1}}, "weights.industry: must be a finite number, 0 or more"),
        ({"weights": {"vibes": 1}}, "weights.vibes: no such factor"),
        ({"runway_thresholds": table(("3", 10), ("6", 15))}, "runway_thresholds: points must"),
        ({"burn_thresholds": table(("10", 2), ("10.0", 3))}, "same value"),
        ({"signing_discount_thresholds": table(("0", -2))}, "points must be 0 or more"),
        ({"usage_rise_thresholds": table(("5", 2))}, "protective points must be 0 or less"),
        ({"renewal_thresholds": table(("x", 2))}, "renewal_thresholds[0].value: 'x' is not"),
        ({"renewal_overdue_points": 5}, "renewal_overdue_points must be at least"),
        ({"region_of_country": {"FR": "Gaul"}}, "region 'Gaul' has no points"),
        ({"country_points": {"IT": []}}, "country_points.IT: needs at least one dated entry"),
        (
            {"country_points": {"IT": [{"effective_from": "2020-13-01", "points": 1}]}},
            "country_points.IT[0].effective_from: expected an ISO date",
        ),
        (
            {
                "custom_factors": [
                    *DEFAULT_MODEL["custom_factors"],
                    DEFAULT_MODEL["custom_factors"][0],
                ]
            },
            "each signal may have only one factor",
        ),
        (
            {
                "custom_factors": [
                    {
                        "signal": "nps",
                        "label": "NPS",
                        "higher_is_riskier": False,
                        "thresholds": table(("0", 8), ("-50", 4)),
                    }
                ]
            },
            "custom_factors.nps: points must",
        ),
        (
            {"custom_factors": [{"signal": "plan", "label": "Plan", "categories": {"a": "x"}}]},
            "custom_factors[0].categories.a: expected a whole number",
        ),
        (
            {"custom_factors": [{"signal": "plan", "label": "Plan", "categories": {" a": 1}}]},
            "custom_factors.plan: a category must not be empty or padded",
        ),
        (
            {
                "custom_factors": [
                    {"signal": "plan", "label": "Plan", "categories": {}, "thresholds": []}
                ]
            },
            "custom_factors[0]: expected the keys categories, label, other_points, signal",
        ),
        (
            {
                "custom_factors": [
                    {
                        "signal": "usage_intensity",
                        "label": "Sessions",
                        "higher_is_riskier": False,
                        "thresholds": [],
                    }
                ]
            },
            "custom_factors.usage_intensity: this signal already counts as usage intensity",
        ),
        ({"size_seat_thresholds": table(("10", 2), ("50", 8))}, "size_seat_thresholds: points"),
    ],
)
def test_from_dict_rejects_a_model_that_cannot_be_used_and_says_where(changes, message):
    with pytest.raises(ModelConfigError) as error:
        ModelConfig.from_dict({**DEFAULT_MODEL, **changes})
    assert message in str(error.value)


def test_band_thresholds_must_rise():
    with pytest.raises(ValueError, match="0 < medium < high < critical <= 100"):
        BandThresholds(medium=50, high=50, critical=80)
