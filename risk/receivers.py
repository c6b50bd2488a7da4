"""What risk does when a lower app announces a change (connected in `RiskConfig.ready()`)."""

from typing import Any

from accounts.models import Account
from risk.services.scores import rescore_account


def rescore_on_facts_changed(sender: type[Account], *, account: Account, **kwargs: Any) -> None:
    rescore_account(account=account)
