"""Two years of the demo portfolio's past, and what became of each account (plain Python).

The generative process (also printed in `seed_demo --help`):

1. Each account has a contract term: monthly (12 %), annual (68 %), two-year (10 %) or
   three-year (10 %), and renews at the end of each term from its contract start.
2. Its plan has a number of licensed seats (5 to 250); in any quarter there is an 8 % chance the
   customer buys more seats (an expansion: active users then catch up over the next quarters).
3. Adoption: a share of seats active, drawn once per account and drifting a little each quarter.
4. At every renewal the account decides to leave with a probability set by four planted drivers:
   the discount at signing (bigger discount, more churn), plan size (small plans churn most),
   adoption (active users per seat: low adoption churns) and crisis exposure of its industry.
   The yearly odds are logit(p) = -2.2 + 0.06 x discount % + 1.1 [seats <= 10]
   + 0.5 [seats <= 20] - 2.5 x (adoption - 0.6) + 0.5 [crisis-exposed]; a shorter term gets the
   matching share of the year's risk. A leaving account churns on its renewal date, so churn
   gathers in the weeks before the end of the term in force.
5. Every quarter of the last two years is a dated snapshot of the facts of the time (the renewal
   date in force, MRR), a usage reading (active users, seats) and a `licensed_seats` signal.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

QUARTERS = 8
QUARTER_DAYS = 91
TERMS = ((1, 12), (12, 68), (24, 10), (36, 10))


@dataclass
class History:
    contract_term_months: int
    renewal_date: date
    churned_on: date | None
    snapshots: list[tuple[date, dict[str, object]]] = field(default_factory=list)
    usage: list[tuple[date, int, int]] = field(default_factory=list)
    signals: list[tuple[str, Decimal, date]] = field(default_factory=list)


def quarter_dates(today: date) -> list[date]:
    """The quarterly dates, oldest first; the latest is a whole quarter ago, so the outcome of
    every one of them is known today."""
    return [today - timedelta(days=QUARTER_DAYS * k) for k in range(QUARTERS, 0, -1)]


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return date(year, month, min(day.day, last))


def churn_probability(
    *, discount_pct: float, seats: int, adoption: float, exposed: bool, term_months: int
) -> float:
    logit = (
        -2.2
        + 0.06 * discount_pct
        + 1.1 * (seats <= 10)
        + 0.5 * (seats <= 20)
        - 2.5 * (adoption - 0.6)
        + 0.5 * exposed
    )
    yearly = 1 / (1 + math.exp(-logit))
    return 1 - (1 - yearly) ** (min(term_months, 12) / 12)


def simulate(
    rng: random.Random,
    *,
    contract_start: date,
    discount_pct: float,
    mrr: Decimal,
    exposed: bool,
    today: date,
) -> History:
    term = rng.choices([t for t, _ in TERMS], weights=[w for _, w in TERMS])[0]
    seats = rng.choice((5, 10, 20, 50, 100, 250))
    adoption = rng.uniform(0.2, 1.0)
    active = round(seats * adoption)
    quarters = quarter_dates(today)
    checkpoints = [*quarters, today]
    # Renewals from the contract start: each one is a decision to stay or leave.
    renewal = add_months(contract_start, term)
    churned_on = None
    states: dict[date, tuple[date, int, int]] = {}
    point = 0
    while churned_on is None:
        # Record every checkpoint reached before this renewal, with the facts in force then.
        while point < len(checkpoints) and checkpoints[point] < renewal:
            day = checkpoints[point]
            if day >= contract_start:
                if rng.random() < 0.08:  # an expansion: more seats, adoption catches up later
                    seats = seats * 2
                adoption = min(1.0, max(0.05, adoption + rng.uniform(-0.08, 0.08)))
                active = min(seats, max(active, round(seats * adoption * rng.uniform(0.5, 1.0))))
                states[day] = (renewal, active, seats)
            point += 1
        if renewal > today:
            break
        p = churn_probability(
            discount_pct=discount_pct,
            seats=seats,
            adoption=active / seats,
            exposed=exposed,
            term_months=term,
        )
        if rng.random() < p:
            churned_on = renewal
        else:
            renewal = add_months(renewal, term)
    history = History(contract_term_months=term, renewal_date=renewal, churned_on=churned_on)
    for day in quarters:
        if day in states:
            renewal_then, active_then, seats_then = states[day]
            facts: dict[str, object] = {"renewal_date": renewal_then.isoformat(), "mrr": str(mrr)}
            history.snapshots.append((day, facts))
            history.usage.append((day, active_then, seats_then))
            history.signals.append(("licensed_seats", Decimal(seats_then), day))
    if today in states:
        _, active_now, seats_now = states[today]
        history.usage.append((today, active_now, seats_now))
        history.signals.append(("licensed_seats", Decimal(seats_now), today))
    return history
