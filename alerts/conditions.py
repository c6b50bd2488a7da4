"""When each alert cause holds: one condition per cause, a `Q` over accounts.

Alerts builds its own causes from accounts and risk. A cause whose condition needs a higher or
sibling app's data (a lever proposal awaiting approval lives in playbooks, which alerts may not
import) is registered by the app that composes both, from its `AppConfig.ready()`, with
`register_condition` (see `workspace/apps.py`). Alerts then open, close and rate it like the rest.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Q

from accounts.models import Status
from alerts.models import Cause
from risk.models import ExpectedChurnStatus

RISKY_BANDS = ("high", "critical")
RENEWAL_ALERT_DAYS = 30

ConditionBuilder = Callable[[date], Q]
_registered: dict[str, ConditionBuilder] = {}


def register_condition(cause: str, build: ConditionBuilder) -> None:
    """Declare when `cause` holds: `build(today)` returns a `Q` over `Account`."""
    _registered[cause] = build


def conditions(today: date) -> dict[str, Q]:
    """Every known cause and the accounts it holds for today (active, not archived ones)."""
    active = Q(status=Status.ACTIVE, archived_at__isnull=True)
    risky = Q(risk_band__in=RISKY_BANDS)
    own = {
        Cause.HIGH_RISK: risky,
        Cause.RENEWAL_AT_RISK: risky
        & Q(renewal_date__range=(today, today + timedelta(days=RENEWAL_ALERT_DAYS))),
        Cause.EXPECTED_CHURN: Q(expected_churns__status=ExpectedChurnStatus.PROPOSED),
    }
    built = own | {cause: build(today) for cause, build in _registered.items()}
    return {str(cause): active & condition for cause, condition in built.items()}
