"""Signal readings of any name, one at a time or in batches, idempotent by a client key."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Router

from api.errors import error_responses
from api.models import ApiToken
from api.queries import get_account_by_external_id
from api.schemas import NO_NUL, SignalBatch, SignalOne, SignalsStored
from api.services import Reading, idempotent, store_signal_readings

router = Router(tags=["signals"])


def _replayable(answer: tuple[dict[str, Any], bool]) -> dict[str, Any]:
    response, replayed = answer
    return {**response, "replayed": replayed}


@router.post("/signals", response={200: SignalsStored, **error_responses(400, 409, 422)})
def post_signals(request: HttpRequest, payload: SignalBatch) -> dict[str, Any]:
    """Up to 1,000 readings, all stored or none; each account touched is rescored once."""
    readings = [Reading(r.account, r.name, r.value, r.category, r.as_of) for r in payload.readings]
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return _replayable(
        idempotent(
            token=token,
            key=payload.idempotency_key,
            body=payload.model_dump(mode="json"),
            write=lambda: store_signal_readings(user=token.user, readings=readings),
        )
    )


@router.post(
    "/accounts/{external_id}/signals",
    response={200: SignalsStored, **error_responses(400, 404, 409, 422)},
)
def post_account_signal(
    request: HttpRequest,
    payload: SignalOne,
    external_id: str = Path(..., min_length=1, max_length=64, pattern=NO_NUL),
) -> dict[str, Any]:
    """One reading for one account."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    account = get_account_by_external_id(token.user, external_id)
    reading = Reading(
        account.external_id, payload.name, payload.value, payload.category, payload.as_of
    )
    return _replayable(
        idempotent(
            token=token,
            key=payload.idempotency_key,
            body={"account": external_id, **payload.model_dump(mode="json")},
            write=lambda: store_signal_readings(user=token.user, readings=[reading], prefix=""),
        )
    )
