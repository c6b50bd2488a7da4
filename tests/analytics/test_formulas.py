"""The formulas against a small ledger computed by hand.

Three accounts start in January 2025: A 1000, B 500, C 300 (MRR 1800).
February: A expands by 400, C churns (300): expansion hides churn.
March: B contracts by 100, C comes back at 200 (a reactivation).
"""

from datetime import date
from decimal import Decimal

import pytest

from analytics.formulas import (
    Bucket,
    MonthMovements,
    churn_driver,
    cohort_retention,
    group_rare,
    monthly_series,
    rank_drivers,
    trailing_twelve_months,
    wilson_interval,
)

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
D = Decimal

LEDGER = [
    MonthMovements(month=JAN, new=D(1800), new_logos=3),
    MonthMovements(month=FEB, expansion=D(400), churn=D(300), churned_logos=1),
    MonthMovements(month=MAR, contraction=D(100), reactivation=D(200), reactivated_logos=1),
]


@pytest.fixture
def series():
    return monthly_series(LEDGER, months=[JAN, FEB, MAR], opening_mrr=D(0), opening_logos=0)


def test_mrr_and_arr_are_the_running_sum_of_movements(series):
    assert [m.end_mrr for m in series] == [D(1800), D(1900), D(2000)]
    assert series[-1].arr == D(24000)
    assert [m.end_logos for m in series] == [3, 2, 3]


def test_a_month_where_expansion_hides_churn_has_nrr_above_and_grr_below_100(series):
    february = series[1]
    assert february.start_mrr == D(1800)
    assert february.nrr == D("1.0556")  # (1800 + 400 - 300) / 1800
    assert february.grr == D("0.8333")  # (1800 - 300) / 1800
    assert february.nrr > 1 > february.grr
    assert february.logo_churn_rate == D("0.3333")  # 1 of 3 accounts
    assert february.revenue_churn_rate == D("0.1667")  # 300 / 1800


def test_a_reactivation_adds_mrr_but_never_counts_in_retention(series):
    march = series[2]
    assert march.end_mrr == D(2000)
    assert march.nrr == march.grr == D("0.9474")  # (1900 - 100) / 1900
    assert march.revenue_churn_rate == D("0.0526")


def test_an_empty_base_gives_no_rate_rather_than_zero(series):
    january = series[0]
    assert january.nrr is None and january.grr is None and january.logo_churn_rate is None


def test_months_without_movements_carry_the_mrr_forward():
    months = [JAN, FEB, MAR]
    series = monthly_series([LEDGER[0]], months=months, opening_mrr=D(0), opening_logos=0)
    assert [m.end_mrr for m in series] == [D(1800)] * 3
    assert series[2].nrr == D(1)


def test_grr_never_exceeds_100_percent():
    series = monthly_series(
        [MonthMovements(month=FEB, expansion=D(500))],
        months=[FEB],
        opening_mrr=D(1000),
        opening_logos=1,
    )
    assert series[0].nrr == D("1.5") and series[0].grr == D(1)


def test_trailing_twelve_months_uses_the_mrr_twelve_months_back():
    months = [date(2025, m, 1) for m in range(1, 13)]
    moves = [
        MonthMovements(month=months[2], expansion=D(300)),
        MonthMovements(month=months[5], churn=D(200), churned_logos=1),
        MonthMovements(month=months[8], contraction=D(100)),
        MonthMovements(month=months[9], new=D(5000), new_logos=1),
    ]
    series = monthly_series(moves, months=months, opening_mrr=D(1000), opening_logos=4)
    trailing = trailing_twelve_months(series)
    assert trailing.nrr == D("1.0000")  # (1000 + 300 - 200 - 100) / 1000: new MRR ignored
    assert trailing.grr == D("0.7000")  # (1000 - 200 - 100) / 1000
    assert trailing_twelve_months(series[:11]).nrr is None


def test_cohort_retention_against_the_first_month():
    net = {(JAN, JAN): D(1800), (JAN, FEB): D(100), (JAN, MAR): D(100), (FEB, FEB): D(0)}
    rows = cohort_retention(net, {JAN: 3}, last_month=MAR)
    assert rows[0].base_mrr == D(1800)
    assert rows[0].retention == [D(1), D("1.0556"), D("1.1111")]


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson_interval(10, 100)
    assert (round(low, 4), round(high, 4)) == (0.0552, 0.1744)
    assert wilson_interval(0, 0) is None


def test_rare_categories_are_grouped():
    buckets = [Bucket("a", 100, 10), Bucket("b", 5, 4), Bucket("c", 3, 0)]
    assert group_rare(buckets, min_total=20)[-1] == Bucket("other", 8, 4)


def test_an_attribute_that_decides_churn_ranks_above_one_that_does_not():
    decisive = churn_driver("discount", [Bucket("0", 100, 5), Bucket("30", 100, 60)])
    flat = churn_driver("industry", [Bucket("x", 100, 32), Bucket("y", 100, 33)])
    assert [d.attribute for d in rank_drivers([flat, decisive])] == ["discount", "industry"]
    high = decisive.buckets[1]
    assert high.churn_rate == 0.6 and round(high.lift, 2) == round(0.6 / 0.325, 2)
    assert high.interval[0] < 0.6 < high.interval[1]
    assert decisive.separation > 0.5 > flat.separation
