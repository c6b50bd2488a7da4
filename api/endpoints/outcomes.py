"""Outcomes: churns and renewals, recorded through the MRR ledger."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from api.errors import error_responses
from api.presenters import account_out
from api.queries import get_account_by_external_id
from api.schemas import OutcomeIn, OutcomeStored
from api.services import record_outcome

router = Router(tags=["outcomes"])


@router.post("/outcomes", response={200: OutcomeStored, **error_responses(400, 404, 422)})
def post_outcome(request: HttpRequest, payload: OutcomeIn) -> dict[str, Any]:
    """A churn (with its reason) or a renewal (at a new MRR when it changed). Recording the same
    outcome twice changes nothing the second time (`recorded: false`)."""
    account = get_account_by_external_id(request.user, payload.account)  # type: ignore[arg-type]
    recorded = record_outcome(
        account=account,
        user=request.user,  # type: ignore[arg-type]
        kind=payload.kind,
        on=payload.on,
        reason=payload.reason,
        new_mrr=payload.new_mrr,
    )
    fresh = get_account_by_external_id(request.user, payload.account)  # type: ignore[arg-type]
    return {"recorded": recorded, "account": account_out(fresh)}
