"""What alerts does when a lower app announces a change (connected in `AlertsConfig.ready()`)."""

from typing import Any

from alerts.models import Cause
from alerts.services import close_for_decision, refresh_alerts, send_digests
from risk.models import ExpectedChurn, RescoreRun


def alert_after_run(sender: type[RescoreRun], *, run: RescoreRun, **kwargs: Any) -> None:
    """Alerts follow the new scores; CSMs get the digest of what moved in the run."""
    refresh_alerts(today=run.as_of, run=run)
    send_digests(run=run)


def close_on_expected_churn_decided(
    sender: type[ExpectedChurn], *, expected_churn_id: int, decision: str, **kwargs: Any
) -> None:
    """A manager confirmed, dismissed or lifted the flag: its alert has done its job."""
    decided = ExpectedChurn.objects.filter(pk=expected_churn_id)
    account_id = decided.values_list("account_id", flat=True).first()
    if account_id is not None:
        close_for_decision(account_id=account_id, cause=Cause.EXPECTED_CHURN)
