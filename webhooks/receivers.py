"""Domain events of the lower apps turned into webhook deliveries (connected in apps.py).

Each receiver reads what the payload needs in one query and queues the deliveries; when no
endpoint listens for the event it costs one query and writes nothing.
"""

from typing import Any

from accounts.models import Account
from playbooks.models import Proposal
from risk.models import ExpectedChurn
from webhooks.models import Event
from webhooks.services import listeners, queue_event


def _account(account: Account) -> dict[str, Any]:
    return {"external_id": account.external_id, "name": account.name}


def on_bands_changed(sender: Any, *, changes: list[dict[str, Any]], **kwargs: Any) -> None:
    endpoints = listeners(Event.BAND_CHANGED)
    if not endpoints:  # the usual night: one query, nothing else
        return
    names = dict(
        Account.objects.filter(pk__in=[c["account_id"] for c in changes]).values_list(
            "pk", "external_id"
        )
    )
    queue_event(
        event=Event.BAND_CHANGED,
        endpoints=endpoints,
        payloads=(
            {
                "account": {"external_id": names.get(c["account_id"], "")},
                "old_band": c["old_band"],
                "new_band": c["new_band"],
                "score": c["score"],
                "as_of": c["as_of"],
            }
            for c in changes
            if c["account_id"] in names
        ),
    )


def on_expected_churn_decided(
    sender: Any, *, expected_churn_id: int, decision: str, **kwargs: Any
) -> None:
    event = {
        "confirmed": Event.EXPECTED_CHURN_CONFIRMED,
        "dismissed": Event.EXPECTED_CHURN_DISMISSED,
    }.get(decision)
    if event is None:  # a lifted flag is not announced
        return
    endpoints = listeners(event)
    if not endpoints:
        return
    proposal = ExpectedChurn.objects.select_related("account").get(pk=expected_churn_id)
    queue_event(
        event=event,
        endpoints=endpoints,
        payloads=[
            {
                "expected_churn_id": proposal.pk,
                "decision": decision,
                "account": _account(proposal.account),
                "band_at_decision": proposal.band_at_decision,
                "decided_at": proposal.decided_at.isoformat() if proposal.decided_at else None,
            }
        ],
    )


def on_proposal_decided(sender: Any, *, proposal_id: int, decision: str, **kwargs: Any) -> None:
    endpoints = listeners(Event.PROPOSAL_DECIDED)
    if not endpoints:
        return
    proposal = Proposal.objects.select_related("account", "lever").get(pk=proposal_id)
    queue_event(
        event=Event.PROPOSAL_DECIDED,
        endpoints=endpoints,
        payloads=[
            {
                "proposal_id": proposal.pk,
                "decision": decision,
                "lever": {"kind": proposal.lever.kind, "name": proposal.lever.name},
                "account": _account(proposal.account),
            }
        ],
    )
