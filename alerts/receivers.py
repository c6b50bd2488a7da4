"""What alerts does when a lower app announces a change (connected in `AlertsConfig.ready()`)."""

from typing import Any

from alerts.services import refresh_alerts, send_digests
from risk.models import RescoreRun


def alert_after_run(sender: type[RescoreRun], *, run: RescoreRun, **kwargs: Any) -> None:
    """Alerts follow the new scores; CSMs get the digest of what moved in the run."""
    refresh_alerts(today=run.as_of)
    send_digests(run=run)
