"""The expected-churn rule: which accounts the nightly run proposes as expected churn.

Plain Python, no Django. A manager then confirms or dismisses each proposal: the rule only
raises the question, people decide (the brief: hiding churn risk is the worst thing to do).
"""

from dataclasses import dataclass
from datetime import date

BAND_ORDER = {"": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


@dataclass(frozen=True, slots=True)
class ChurnRule:
    phases: frozenset[str]
    bands_in_phases: frozenset[str]
    bands_renewing_this_quarter: frozenset[str]
    suppression_days: int


def is_worse(band: str, than: str) -> bool:
    return BAND_ORDER.get(band, 0) > BAND_ORDER.get(than, 0)


def candidate_reason(
    *,
    phase: str,
    band: str,
    renewal_on: date | None,
    quarter_end: date,
    today: date,
    rule: ChurnRule,
) -> tuple[str, dict[str, str]] | None:
    """Why the account should be proposed as expected churn, as a message code and its
    parameters (worded where it is shown), or None."""
    if phase in rule.phases and band in rule.bands_in_phases:
        return "phase_band", {"phase": phase, "band": band}
    if (
        band in rule.bands_renewing_this_quarter
        and renewal_on is not None
        and today <= renewal_on <= quarter_end
    ):
        return "renewing_this_quarter", {"band": band, "date": renewal_on.isoformat()}
    return None


def is_suppressed(
    *, suppressed_until: date | None, band_at_decision: str, band: str, today: date
) -> bool:
    """A dismissal holds until its date, unless the band has got worse since."""
    if suppressed_until is None or today > suppressed_until:
        return False
    return not is_worse(band, band_at_decision)
