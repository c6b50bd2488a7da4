"""Reads of API tokens: a user sees and revokes only their own."""

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from accounts.models import Account
from accounts.queries import TriageFilters, triage_accounts, visible_accounts
from api.models import ApiToken
from risk.models import Score
from teams.models import User
from teams.queries import owners_visible_to

if TYPE_CHECKING:
    from api.schemas import AccountFilters


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def get_token_for_user(user: User, pk: int) -> ApiToken:
    try:
        return tokens_of(user).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None


def accounts_page(
    *, user: User, filters: "AccountFilters", today: date
) -> tuple[int, list[Account]]:
    """One page of the triage list for the API, each account with its last explanation."""
    renewal = filters.renewal or ""
    owner_id = None
    if filters.owner:
        owner_id = (
            owners_visible_to(user)
            .filter(username=filters.owner)
            .values_list("pk", flat=True)
            .first()
        )
        if owner_id is None:
            return 0, []
    triage = TriageFilters(
        q=filters.q.strip(),
        phase=filters.phase or "",
        band=filters.band or "",
        industry=filters.industry or "",
        country=(filters.country or "").upper(),
        owner=owner_id,
        renewal_within_days=int(renewal) if renewal.isdigit() else None,
        renewal_this_quarter=renewal == "quarter",
        expected_churn=filters.expected_churn,
        status="" if filters.status == "all" else filters.status,
        sort=filters.sort,
    )
    accounts = triage_accounts(user=user, filters=triage, today=today)
    count = accounts.count()
    page = list(
        with_explanation(accounts.select_related("team"))[
            filters.offset : filters.offset + filters.limit
        ]
    )
    return count, page


def with_explanation(accounts: QuerySet[Account]) -> QuerySet[Account]:
    """Annotate each account with its last stored score's contributions (compact JSON)."""
    latest = Score.objects.filter(account=OuterRef("pk")).order_by("-computed_at", "-id")
    return accounts.annotate(explanation_json=Subquery(latest.values("contributions_json")[:1]))


def get_account_by_external_id(user: User, external_id: str) -> Account:
    """The account with this external id if the user may see it; 404 otherwise."""
    try:
        return with_explanation(visible_accounts(user).select_related("owner", "team")).get(
            external_id=external_id
        )
    except Account.DoesNotExist:
        raise Http404("No such account") from None
