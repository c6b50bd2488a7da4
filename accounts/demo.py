"""A realistic, reproducible demo portfolio (plain Python: rows as tuples, no database).

Distributions follow the product brief: crisis-exposed industries churn more, discounts at
signing predict churn, MRR is long-tailed, renewals spread over the coming year.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

INDUSTRY_WEIGHTS = {
    "travel": 6,
    "aviation": 2,
    "hospitality": 6,
    "events": 4,
    "recruitment": 5,
    "retail": 7,
    "logistics": 7,
    "healthcare": 7,
    "supply_chain": 4,
    "ecommerce": 8,
    "remote_work": 4,
    "software": 12,
    "financial_services": 7,
    "manufacturing": 8,
    "education": 4,
    "media": 4,
    "public_sector": 2,
    "other": 3,
}
COUNTRY_WEIGHTS = {
    "FR": 30,
    "DE": 10,
    "GB": 10,
    "ES": 6,
    "IT": 6,
    "BE": 4,
    "NL": 4,
    "CH": 3,
    "PT": 2,
    "SE": 2,
    "US": 10,
    "CA": 3,
    "BR": 2,
    "MX": 1,
    "SG": 1,
    "JP": 1,
    "AU": 1,
    "IN": 1,
    "MA": 2,
    "AE": 1,
}
CRISIS_EXPOSED = {"travel", "aviation", "hospitality", "events", "recruitment", "retail"}
SEGMENTS = (("smb", 60), ("mid_market", 30), ("enterprise", 10))
MRR_SCALE = {"smb": 400, "mid_market": 2500, "enterprise": 12000}
PHASES = (("deployment", 15), ("defense", 15), ("maturation", 45), ("growth", 25))
FUNDING = {
    "smb": (("bootstrapped", 40), ("seed", 25), ("series_a", 15), ("profitable", 20)),
    "mid_market": (("series_a", 20), ("series_b_plus", 35), ("profitable", 35), ("listed", 10)),
    "enterprise": (("profitable", 20), ("listed", 45), ("multinational", 35)),
}
CHURN_REASONS = (
    ("budget", 30),
    ("bankruptcy", 10),
    ("competitor", 20),
    ("no_adoption", 15),
    ("no_value", 10),
    ("stakeholder_left", 10),
    ("acquired", 3),
    ("other", 2),
)
NAME_HEADS = (
    "Nord",
    "Sud",
    "Alpen",
    "Atlas",
    "Blue",
    "Cedar",
    "Delta",
    "Echo",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Jade",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nova",
    "Orion",
    "Pioneer",
    "Quartz",
    "River",
    "Summit",
    "Terra",
    "Umbra",
    "Vega",
    "Willow",
    "Xenon",
    "Yield",
    "Zephyr",
    "Azur",
    "Belle",
    "Clair",
    "Dune",
    "Etoile",
    "Fjord",
    "Gala",
    "Horizon",
    "Ile",
    "Jura",
    "Loire",
)
NAME_TAILS = {
    "travel": "Voyages",
    "aviation": "Air",
    "hospitality": "Hotels",
    "events": "Events",
    "recruitment": "Talent",
    "retail": "Stores",
    "logistics": "Logistics",
    "healthcare": "Health",
    "supply_chain": "Supply",
    "ecommerce": "Shop",
    "remote_work": "Remote",
    "software": "Labs",
    "financial_services": "Finance",
    "manufacturing": "Industries",
    "education": "Academy",
    "media": "Media",
    "public_sector": "Services",
    "other": "Group",
}
FIRST_NAMES = (
    "Camille",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Inès",
    "Jules",
    "Emma",
    "Noah",
    "Sarah",
    "Tom",
    "Julia",
    "Nina",
    "Paul",
    "Zoé",
    "Louis",
    "Anna",
    "Adam",
    "Manon",
    "Yanis",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "Müller",
    "Smith",
)
KPI_NAMES = (
    ("Staff turnover", "%", False),
    ("Qualified leads per month", "", True),
    ("Defect rate", "%", False),
    ("Orders processed per day", "", True),
    ("Time to hire", "days", False),
    ("Customer NPS", "", True),
)


def _pick(rng: random.Random, weighted: dict[str, int] | tuple[tuple[str, int], ...]) -> str:
    items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


@dataclass
class DemoAccount:
    external_id: str
    values: dict[str, object]
    stakeholders: list[tuple[object, ...]] = field(default_factory=list)
    usage: list[tuple[object, ...]] = field(default_factory=list)
    kpis: list[tuple[object, ...]] = field(default_factory=list)
    touchpoints: list[tuple[str, date]] = field(default_factory=list)
    signals: list[tuple[object, ...]] = field(default_factory=list)


def generate_account(rng: random.Random, index: int, *, today: date) -> DemoAccount:
    industry = _pick(rng, INDUSTRY_WEIGHTS)
    segment = _pick(rng, SEGMENTS)
    exposed = industry in CRISIS_EXPOSED
    # Long tail: a log-normal around the segment's typical MRR.
    mrr = Decimal(round(MRR_SCALE[segment] * rng.lognormvariate(0, 0.8), 0)).quantize(Decimal("1"))
    mrr = max(mrr, Decimal(49))
    contract_start = today - timedelta(days=rng.randint(30, 365 * 4))
    years = max(1, (today - contract_start).days // 365 + 1)
    renewal = contract_start + timedelta(days=365 * years)
    # Most deals sign at list price; a minority got a large discount (the brief's churn driver).
    discount = Decimal(rng.choices((0, 5, 10, 15, 20, 30, 40), weights=(55, 12, 12, 8, 7, 4, 2))[0])
    # The brief's real case: discounts at signing and crisis exposure explain churn.
    churn_odds = 0.04 + (0.08 if exposed else 0) + float(discount) / 250
    churned = rng.random() < churn_odds
    phase = _pick(rng, PHASES)
    if (today - contract_start).days < 120:
        phase = "deployment"
    funding = _pick(rng, FUNDING[segment])
    runway = Decimal(
        str(
            round(
                rng.uniform(2, 10)
                if funding in ("seed", "series_a") and exposed
                else rng.uniform(8, 48),
                1,
            )
        )
    )
    has_cash_facts = rng.random() < 0.85
    values: dict[str, object] = {
        "name": f"{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS).lower()} {NAME_TAILS[industry]}",
        "external_id": f"ACC-{index:06d}",
        "industry": industry,
        "country": _pick(rng, COUNTRY_WEIGHTS),
        "segment": segment,
        "mrr": mrr,
        "currency": "EUR",
        "contract_start": contract_start,
        "renewal_date": renewal,
        "break_clause_date": contract_start + timedelta(days=180) if rng.random() < 0.15 else None,
        "planned_go_live": contract_start + timedelta(days=rng.choice((60, 90, 120))),
        "signing_discount_pct": discount,
        "phase": phase,
        "phase_entered_on": max(contract_start, today - timedelta(days=rng.randint(5, 400))),
        "funding_stage": funding if has_cash_facts else "",
        "cash_runway_months": runway if has_cash_facts else None,
        "monthly_burn": (mrr * rng.randint(20, 200)) if has_cash_facts else None,
        "late_payments": rng.choices((0, 1, 2, 3, 5), weights=(72, 14, 7, 4, 3))[0]
        if has_cash_facts
        else None,
        "cash_facts_as_of": today - timedelta(days=rng.randint(1, 240)) if has_cash_facts else None,
        "status": "churned" if churned else "active",
        "churned_on": None,
        "churn_reason": "",
    }
    if churned:
        churned_on = today - timedelta(days=rng.randint(1, 540))
        values["churned_on"] = max(churned_on, contract_start + timedelta(days=30))
        values["churn_reason"] = _pick(rng, CHURN_REASONS)
    account = DemoAccount(external_id=str(values["external_id"]), values=values)
    _add_people_and_signals(rng, account, today=today, exposed=exposed)
    return account


def _add_people_and_signals(
    rng: random.Random, account: DemoAccount, *, today: date, exposed: bool
) -> None:
    for level, is_key in (("economic", True), ("operational", rng.random() < 0.5), ("user", False)):
        if level == "user" and rng.random() < 0.5:
            continue
        left_on = today - timedelta(days=rng.randint(5, 200)) if rng.random() < 0.08 else None
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        account.stakeholders.append((name, level, is_key, left_on))
    seats = rng.choice((5, 10, 20, 50, 100, 250))
    start_rate = rng.uniform(0.3, 0.95)
    drift = rng.uniform(-0.3, 0.15) if exposed else rng.uniform(-0.1, 0.2)
    for days_ago, rate in ((90, start_rate), (0, min(1.0, max(0.0, start_rate + drift)))):
        account.usage.append((today - timedelta(days=days_ago), round(seats * rate), seats))
    if rng.random() < 0.5:
        name, unit, higher = rng.choice(KPI_NAMES)
        target = Decimal(rng.choice((10, 20, 50, 100, 200)))
        attainment = Decimal(str(round(rng.uniform(0.4, 1.3), 2)))
        actual = target * attainment if higher else target / attainment
        as_of = today - timedelta(days=rng.randint(1, 60))
        account.kpis.append((name, unit, target, actual.quantize(Decimal("0.01")), higher, as_of))
    if rng.random() < 0.4:
        csat = Decimal(str(round(rng.uniform(3.0, 5.0) - (0.6 if exposed else 0), 1)))
        account.signals.append(
            ("csat", max(csat, Decimal(1)), today - timedelta(days=rng.randint(1, 90)))
        )
    if rng.random() < 0.3:
        account.signals.append(
            ("open_tickets", Decimal(rng.choice((0, 1, 2, 4, 7, 12, 25))), today)
        )
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        kind = rng.choice(("call", "meeting", "email", "note"))
        account.touchpoints.append((kind, today - timedelta(days=rng.randint(0, 120))))
