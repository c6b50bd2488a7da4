"""How urgent an alert is: low, medium or high. One rule, plain Python (no Django, no clock).

Points add up, and the total picks the severity:

- the account's band: critical 2, high 1 (a medium or low account only alerts through a
  decision it waits for);
- the MRR at stake: 1 from `LARGE_MRR` a month, in the account's own currency (the portfolio's
  currencies are of one order of magnitude; no conversion is made);
- the renewal: 1 when it is `RENEWAL_SOON_DAYS` away or less (overdue included);
- the cause: 1 when a person must decide (an expected-churn proposal, a lever awaiting
  approval): until then the account's fate waits on someone.

3 points or more → high, 2 → medium, less → low. So a critical account renewing this month is
high, a high-band account of modest size is low, and a large high-band account is medium.

`refresh_alerts` stores the result on each open alert, so the inbox filters and sorts by an
indexed column; this module is the only place that decides it.
"""

from datetime import date
from decimal import Decimal
from enum import IntEnum

LARGE_MRR = Decimal(5000)
RENEWAL_SOON_DAYS = 30
BAND_POINTS = {"critical": 2, "high": 1}
DECISION_CAUSES = frozenset({"expected_churn", "approval_waiting"})
HIGH_FROM = 3
MEDIUM_FROM = 2


class Level(IntEnum):
    """Stored as a small integer, so "more severe" is "greater" in SQL and in Python."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


def severity(
    *, cause: str, band: str, mrr: Decimal | None, renewal_on: date | None, today: date
) -> Level:
    points = BAND_POINTS.get(band, 0)
    if mrr is not None and mrr >= LARGE_MRR:
        points += 1
    if renewal_on is not None and (renewal_on - today).days <= RENEWAL_SOON_DAYS:
        points += 1
    if cause in DECISION_CAUSES:
        points += 1
    if points >= HIGH_FROM:
        return Level.HIGH
    if points >= MEDIUM_FROM:
        return Level.MEDIUM
    return Level.LOW
