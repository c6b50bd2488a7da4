"""What workspace does when a lower app announces a change (connected in `WorkspaceConfig.ready()`).

Workspace is the lowest app that sees both playbooks and alerts (siblings that may not import
each other), so the alerts about lever proposals are wired here.
"""

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from alerts.models import Cause
from alerts.services import close_for_decision, open_for_account
from playbooks.models import Proposal


def approval_waiting(today: date) -> Q:
    """An account holds a lever proposal submitted to a manager or an admin, not yet decided."""
    return Q(pk__in=Proposal.objects.filter(state="submitted").values("account_id"))


def close_approval_alert(sender: Any, *, proposal_id: int, decision: str, **kwargs: Any) -> None:
    """A proposal was approved or rejected: its account's approval alert closes, unless another
    of its proposals still waits."""
    account_id = (
        Proposal.objects.filter(pk=proposal_id).values_list("account_id", flat=True).first()
    )
    if account_id is not None:
        close_for_decision(account_id=account_id, cause=Cause.APPROVAL_WAITING)


def open_approval_alert(sender: Any, *, proposal_id: int, account_id: int, **kwargs: Any) -> None:
    """A proposal now waits for a decision: its account's approval alert opens at once, not at
    the next nightly refresh."""
    open_for_account(
        account_id=account_id, cause=Cause.APPROVAL_WAITING, today=timezone.localdate()
    )
