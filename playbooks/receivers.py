"""What playbooks does when a lower app announces a change (connected in `ready()`)."""

from typing import Any

from accounts.models import Account
from playbooks.services import record_renewal_outcome
from teams.models import User


def record_outcome_on_renewal(
    sender: type[Account], *, account: Account, outcome: str, user: User | None, **kwargs: Any
) -> None:
    record_renewal_outcome(account=account, outcome=outcome, user=user)
