"""The severity rule reads like a table: cause, band, MRR, renewal → low, medium or high."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from alerts.severity import Level, severity

TODAY = date(2026, 11, 29)
SOON = TODAY + timedelta(days=20)
LATER = TODAY + timedelta(days=200)
OVERDUE = TODAY - timedelta(days=3)
SMALL = Decimal("1200")
LARGE = Decimal("8000")


@pytest.mark.parametrize(
    ("story", "cause", "band", "mrr", "renewal_on", "expected"),
    [
        ("high band, small, renews late", "high_risk", "high", SMALL, LATER, Level.LOW),
        ("high band, large account", "high_risk", "high", LARGE, LATER, Level.MEDIUM),
        ("critical, small, renews late", "high_risk", "critical", SMALL, LATER, Level.MEDIUM),
        ("critical, renews this month", "renewal_at_risk", "critical", SMALL, SOON, Level.HIGH),
        ("high band, renews this month", "renewal_at_risk", "high", SMALL, SOON, Level.MEDIUM),
        ("expected churn, critical", "expected_churn", "critical", SMALL, LATER, Level.HIGH),
        ("approval waiting, low band, small", "approval_waiting", "low", SMALL, LATER, Level.LOW),
        ("approval waiting, large, renewing", "approval_waiting", "low", LARGE, SOON, Level.HIGH),
        ("overdue renewal counts as soon", "high_risk", "high", SMALL, OVERDUE, Level.MEDIUM),
        ("no renewal date, no MRR", "high_risk", "critical", None, None, Level.MEDIUM),
        ("unscored account", "approval_waiting", "", SMALL, LATER, Level.LOW),
    ],
)  # fmt: skip
def test_severity_from_cause_band_mrr_and_renewal(story, cause, band, mrr, renewal_on, expected):
    assert severity(cause=cause, band=band, mrr=mrr, renewal_on=renewal_on, today=TODAY) == expected


def test_a_worse_band_never_lowers_the_severity():
    for cause in ("high_risk", "expected_churn", "approval_waiting"):
        for mrr in (SMALL, LARGE):
            for renewal_on in (SOON, LATER):
                levels = [
                    severity(cause=cause, band=band, mrr=mrr, renewal_on=renewal_on, today=TODAY)
                    for band in ("low", "medium", "high", "critical")
                ]
                assert levels == sorted(levels)
