"""The risk model ChurnGuard starts with, in the JSON form `ModelConfig.from_dict` reads.

Derived from the product brief: in a crisis like 2020, travel, aviation, hospitality, events,
recruitment and in-person retail were hit hardest, while logistics, healthcare, supply chain,
e-commerce and remote-work tooling held up; runway and funding stage say how long a customer can
survive; a late deployment with a break clause is the classic early exit; the discount given at
signing was the best predictor of non-renewal; outcome KPIs beat usage KPIs; small accounts
leave more often than large ones (B2B SaaS); adoption is read in active users, robust to seat
changes, with usage intensity when known; a contraction of MRR often comes before the account
leaves.

Scale: the base score is 20 and the bands start at 35 (medium), 55 (high) and 75 (critical), so a
healthy account sits well under 35 and two or three strong risk signals are enough to reach high.
Admins copy this into a draft RiskModel, edit, backtest and publish; nothing reads it at runtime
except to seed the first model.
"""

from typing import Any


def _table(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"value": value, "points": points} for value, points in pairs]


_REGIONS = {
    "EU-South": ("IT", "ES", "PT", "GR", "CY", "MT"),
    "EU-West": ("FR", "DE", "BE", "NL", "LU", "AT", "CH", "IE", "GB"),
    "EU-North": ("SE", "NO", "DK", "FI", "IS", "EE"),
    "North America": ("US", "CA"),
    "LATAM": ("MX", "BR", "AR", "CL", "CO", "PE"),
    "APAC": ("CN", "JP", "KR", "IN", "SG", "AU", "NZ", "HK", "ID"),
    "MEA": ("AE", "SA", "IL", "ZA", "EG", "MA", "NG"),
}

DEFAULT_MODEL: dict[str, Any] = {
    "base_score": 20,
    "bands": {"medium": 35, "high": 55, "critical": 75},
    "max_fact_age_days": 180,
    "weights": {
        "account_size": 1.0,
        "cash_stability": 1.0,
        "geography": 1.0,
        "industry": 1.0,
        "kpi_attainment": 1.0,
        "mrr_trend": 1.0,
        "phase": 1.0,
        "renewal_proximity": 1.0,
        "signing_discount": 1.0,
        "stakeholder": 1.0,
        "usage_trend": 1.0,
    },
    "industry_points": {
        "travel": 18,
        "aviation": 18,
        "hospitality": 16,
        "events": 16,
        "recruitment": 12,
        "retail": 10,
        "media": 4,
        "manufacturing": 4,
        "financial_services": 2,
        "education": 1,
        "software": 0,
        "other": 0,
        "public_sector": -2,
        "supply_chain": -2,
        "logistics": -3,
        "healthcare": -3,
        "ecommerce": -3,
        "remote_work": -4,
    },
    # Dated so that a backtest as of 2020 sees 2020's view, and today's score today's.
    "country_points": {
        "IT": [
            {"effective_from": "2020-03-01", "points": 14, "note": "first and longest lockdowns"},
            {"effective_from": "2022-06-01", "points": 6, "note": "recovered, still fragile"},
        ],
        "ES": [
            {"effective_from": "2020-03-14", "points": 14, "note": "long lockdown, tourism-bound"},
            {"effective_from": "2022-06-01", "points": 6, "note": "tourism back, recovery slow"},
        ],
        "GB": [
            {"effective_from": "2020-03-23", "points": 8, "note": "repeated lockdowns"},
            {"effective_from": "2022-02-24", "points": 4, "note": "reopened, energy prices bite"},
        ],
        "US": [
            {"effective_from": "2020-03-15", "points": 6, "note": "uneven state lockdowns"},
            {"effective_from": "2021-06-01", "points": 1, "note": "rebounded early"},
        ],
        "CN": [
            {"effective_from": "2020-01-23", "points": 12, "note": "zero-COVID closures"},
            {"effective_from": "2023-01-08", "points": 3, "note": "reopened after zero-COVID"},
        ],
        "DE": [
            {"effective_from": "2020-01-01", "points": -1, "note": "short-time work cushions"},
        ],
        "BR": [
            {"effective_from": "2020-03-20", "points": 12, "note": "long crisis, weak currency"},
            {"effective_from": "2022-01-01", "points": 7, "note": "slow recovery"},
        ],
    },
    "region_of_country": {code: region for region, codes in _REGIONS.items() for code in codes},
    "region_points": {
        "EU-South": 6,
        "EU-West": 2,
        "EU-North": -2,
        "North America": 2,
        "LATAM": 7,
        "APAC": 3,
        "MEA": 5,
    },
    # Runway in months: the shorter, the riskier.
    "runway_thresholds": _table(("1", 28), ("3", 22), ("6", 15), ("12", 8), ("24", 2)),
    # Start-ups live on their funding; profitable, listed and multinational companies on revenue.
    "funding_stage_points": {
        "bootstrapped": 3,
        "seed": 10,
        "series_a": 7,
        "series_b_plus": 4,
        "profitable": -4,
        "listed": -3,
        "multinational": -5,
    },
    # Monthly burn in the reporting currency, only for companies living on their funding.
    "burn_thresholds": _table(("50000", 2), ("200000", 5), ("1000000", 8)),
    "self_funded_stages": ["profitable", "listed", "multinational"],
    "late_payment_thresholds": _table(("1", 3), ("2", 6), ("3", 10), ("5", 14)),
    # A small business has fewer reserves than an enterprise with the same runway on paper.
    "segment_cash_points": {"smb": 3, "mid_market": 0, "enterprise": -2},
    "phase_points": {"deployment": 6, "defense": 16, "maturation": 0, "growth": -5},
    "deployment_late_thresholds": _table(("1", 2), ("30", 6), ("60", 10), ("90", 14), ("180", 18)),
    "expected_deployment_days": 90,
    # Days until a break clause can be exercised.
    "break_clause_thresholds": _table(("30", 12), ("90", 7), ("180", 3)),
    "break_clause_phases": ["deployment", "defense"],
    "defense_duration_thresholds": _table(("90", 3), ("180", 6)),
    # Within a 90-day horizon the whole quarter before the renewal carries the same risk.
    "renewal_thresholds": _table(("90", 12), ("180", 4)),
    "renewal_overdue_points": 15,
    # Discount at signing, in percent.
    "signing_discount_thresholds": _table(("5", 2), ("10", 5), ("20", 9), ("30", 13), ("40", 17)),
    # Days since the key stakeholder left: the fresher, the riskier.
    "stakeholder_left_thresholds": _table(("30", 14), ("90", 10), ("180", 6), ("365", 3)),
    "usage_window_days": 90,
    # Change in active users, in points of the larger of the two seat counts (a seat change
    # alone never moves it).
    "usage_fall_thresholds": _table(("-35", 14), ("-20", 10), ("-10", 6), ("-5", 3)),
    "usage_rise_thresholds": _table(("5", -2), ("15", -4)),
    # Share of the latest seats active, in percent.
    "low_adoption_thresholds": _table(("10", 8), ("25", 5), ("40", 2)),
    # Usage intensity, when the company records it: sessions per active user per week.
    "usage_intensity_signal": "usage_intensity",
    "low_intensity_thresholds": _table(("1", 6), ("2", 3)),
    # Account size: small accounts leave more often in B2B SaaS (fewer users to lose before the
    # product is gone, a smaller switching cost, less budget). Licensed seats when usage is
    # known, else MRR per month. MRR at stake stays a separate axis of the triage order.
    "size_seat_thresholds": _table(("10", 8), ("20", 5), ("50", 2)),
    "size_mrr_thresholds": _table(("500", 8), ("2000", 5), ("5000", 2)),
    # MRR against six months earlier, in percent: a downgrade or seats cut often comes before
    # the account leaves; growing with us protects.
    "mrr_window_days": 180,
    "mrr_fall_thresholds": _table(("-30", 12), ("-15", 8), ("-5", 4)),
    "mrr_rise_thresholds": _table(("10", -3), ("30", -6)),
    # Average attainment of outcome KPIs, in percent of target.
    "kpi_shortfall_thresholds": _table(("25", 18), ("50", 12), ("75", 7), ("90", 3)),
    "kpi_overachievement_thresholds": _table(("101", -2), ("125", -5)),
    "kpi_attainment_cap_pct": 150,
    "custom_factors": [
        {
            "signal": "csat",
            "label": "CSAT (1-5)",
            "higher_is_riskier": False,
            "thresholds": _table(("2", 12), ("3", 8), ("3.5", 4)),
        },
        {
            "signal": "open_tickets",
            "label": "Open support tickets",
            "higher_is_riskier": True,
            "thresholds": _table(("5", 2), ("10", 5), ("20", 8)),
        },
    ],
}
