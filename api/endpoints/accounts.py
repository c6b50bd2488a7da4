"""Accounts: the triage list, one account, create and update by external id."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status

from api.errors import error_responses
from api.presenters import account_out
from api.queries import accounts_page, get_account_by_external_id
from api.schemas import (
    NO_NUL,
    AccountCreate,
    AccountFields,
    AccountFilters,
    AccountOut,
    AccountPage,
)
from api.services import create_account, update_account_fields

router = Router(tags=["accounts"])

ExternalIdPath = Path(..., min_length=1, max_length=64, pattern=NO_NUL)


@router.get("/accounts", response={200: AccountPage, **error_responses(422)})
def list_accounts(request: HttpRequest, filters: Query[AccountFilters]) -> dict[str, Any]:
    """The triage list, neediest first unless `sort` says otherwise, one page at a time."""
    count, page = accounts_page(user=request.user, filters=filters, today=timezone.localdate())  # type: ignore[arg-type]
    end = filters.offset + len(page)
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "next_offset": end if end < count else None,
        "items": [account_out(account) for account in page],
    }


@router.get("/accounts/{external_id}", response={200: AccountOut, **error_responses(404, 422)})
def read_account(request: HttpRequest, external_id: str = ExternalIdPath) -> dict[str, Any]:
    """One account with its score, band and the factors that explain it."""
    return account_out(get_account_by_external_id(request.user, external_id))  # type: ignore[arg-type]


@router.post("/accounts", response={201: AccountOut, **error_responses(400, 403, 422)})
def create(request: HttpRequest, payload: AccountCreate) -> Status:
    """Create an account (validated like the web form) and score it."""
    account = create_account(user=request.user, fields=payload.model_dump(exclude_none=True))  # type: ignore[arg-type]
    created = get_account_by_external_id(request.user, account.external_id)  # type: ignore[arg-type]
    return Status(201, account_out(created))


@router.patch(
    "/accounts/{external_id}", response={200: AccountOut, **error_responses(400, 404, 422)}
)
def update(
    request: HttpRequest, payload: AccountFields, external_id: str = ExternalIdPath
) -> dict[str, Any]:
    """Change some facts of an account; the account is rescored when anything changed.
    Fields left out are kept; a field sent as null is cleared where it may be empty."""
    account = get_account_by_external_id(request.user, external_id)  # type: ignore[arg-type]
    update_account_fields(
        account=account,
        user=request.user,  # type: ignore[arg-type]
        fields=payload.model_dump(exclude_unset=True),
    )
    return account_out(get_account_by_external_id(request.user, external_id))  # type: ignore[arg-type]
