"""How much an account needs attention: risk x MRR at stake x renewal proximity.

Plain Python, no Django. The triage list sorts by this number, stored on the account whenever it
is scored, so the default order is an index scan rather than a computation over every row.
"""

from datetime import date
from decimal import Decimal

# An account nobody has scored yet counts as a medium risk, so it neither hides nor dominates.
UNSCORED_RISK = 50
# Renewal proximity halves every `HALF_LIFE_DAYS` further out: this quarter's renewals come first.
HALF_LIFE_DAYS = 90


def renewal_proximity(renewal_on: date | None, *, as_of: date) -> float:
    """1.0 for a renewal today or overdue, 0.5 a quarter away, ~0.2 a year away."""
    if renewal_on is None:
        return 0.1
    days = max((renewal_on - as_of).days, 0)
    return 1.0 / (1.0 + days / HALF_LIFE_DAYS)


def attention(
    *, score: int | None, mrr: Decimal, renewal_on: date | None, is_active: bool, as_of: date
) -> float:
    if not is_active:
        return 0.0
    risk = (UNSCORED_RISK if score is None else score) / 100
    return round(risk * float(mrr) * renewal_proximity(renewal_on, as_of=as_of), 4)
