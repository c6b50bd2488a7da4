"""The churn drivers' buckets, cut in plain Python from counts per raw value."""

from decimal import Decimal

import pytest

from analytics.driver_buckets import (
    ValueCount,
    buckets_of,
    discount_bucket,
    kpi_bucket,
    runway_bucket,
    signal_buckets,
    tenure_bucket,
)

D = Decimal


@pytest.mark.parametrize(
    ("pct", "label"),
    [
        (None, ""),
        (D(0), "0 %"),
        (D("0.5"), "1-9 %"),
        (D("9.99"), "1-9 %"),
        (D(10), "10-19 %"),
        (D("29.99"), "20-29 %"),
        (D(30), "30 % +"),
        (D(100), "30 % +"),
    ],
)
def test_discount_buckets_at_their_edges(pct, label):
    assert discount_bucket(pct) == label


@pytest.mark.parametrize(
    ("months", "label"),
    [(None, ""), (D("5.9"), "< 6"), (D(6), "6-12"), (D("23.9"), "12-24"), (D(24), "24 +")],
)
def test_runway_buckets_at_their_edges(months, label):
    assert runway_bucket(months) == label


@pytest.mark.parametrize(
    ("attainment", "label"),
    [(D(0), "< 25"), (D(24), "< 25"), (D(25), "25-49"), (D(99), "90-99"), (D(100), "100 +")],
)
def test_kpi_bands_at_their_edges(attainment, label):
    assert kpi_bucket(attainment) == label


def test_tenure_is_calendar_years_three_and_more_together():
    assert [tenure_bucket(D(y), this_year=2026) for y in (2027, 2026, 2025, 2023, 2001)] == [
        "-1",
        "0",
        "1",
        "3",
        "3",
    ]
    assert tenure_bucket(None, this_year=2026) == ""


def _numbers(*pairs):
    return [ValueCount("signal:seats", D(v), "", n, lost) for v, n, lost in pairs]


def test_signal_quartiles_cut_where_percentile_disc_cuts_and_ties_share_a_bucket():
    """Ten accounts valued 1 1 2 3 4 4 4 5 9 10: the upper values are the 3rd (2), the 5th (4)
    and the 8th (5) in value order; the three 4s share the second bucket."""
    rows = _numbers((1, 2, 1), (2, 1, 0), (3, 1, 0), (4, 3, 0), (5, 1, 0), (9, 1, 0), (10, 1, 1))
    assert [(b.label, b.total, b.churned) for b in signal_buckets(rows)] == [
        ("1:2", 3, 1),
        ("3:4", 4, 0),
        ("5:5", 1, 0),
        ("9:10", 2, 1),
    ]


def test_one_value_is_one_bucket_and_categories_come_first():
    rows = [
        *_numbers((D("2.50"), 5, 1)),
        ValueCount("signal:seats", None, "unknown", 2, 2),
        ValueCount("signal:seats", None, "a lot", 1, 0),
    ]
    assert [(b.label, b.total) for b in signal_buckets(rows)] == [
        ("a lot", 1),
        ("unknown", 2),
        ("2.5:2.5", 5),
    ]


def test_raw_values_add_up_in_their_buckets_in_the_buckets_order():
    rows = [
        ValueCount("runway", D(30), "", 2, 1),
        ValueCount("runway", D(3), "", 1, 1),
        ValueCount("runway", D(5), "", 4, 0),
        ValueCount("runway", None, "", 1, 0),
        ValueCount("industry", None, "travel", 3, 1),
        ValueCount("industry", None, "retail", 0, 0),  # a key whose accounts all left
    ]
    buckets = buckets_of(rows, this_year=2026)
    assert [(b.label, b.total, b.churned) for b in buckets["runway"]] == [
        ("", 1, 0),
        ("< 6", 5, 1),
        ("24 +", 2, 1),
    ]
    assert [b.label for b in buckets["industry"]] == ["travel"]
