"""Reads of accounts. Every account a user reaches goes through `visible_accounts`."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, OrderBy, Q, QuerySet, Sum
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, SavedView, Stakeholder, Status, TriagePreference
from teams.access import ALL_TEAMS, visible_team_ids
from teams.models import Team, User


def visible_accounts(user: User) -> QuerySet[Account]:
    teams = visible_team_ids(user)
    # Archived accounts are hidden from every page, list and count.
    accounts = Account.objects.filter(archived_at__isnull=True)
    if teams is ALL_TEAMS:
        return accounts
    return accounts.filter(team_id__in=teams)


def get_account_for_user(user: User, pk: int) -> Account:
    """The account if the user may see it; 404 otherwise (an outsider learns nothing)."""
    try:
        return visible_accounts(user).select_related("owner", "team", "risk_model").get(pk=pk)
    except Account.DoesNotExist:
        raise Http404("No such account") from None


def get_stakeholder_for_user(user: User, pk: int, *, account: Account) -> Stakeholder:
    """A stakeholder of `account` (already looked up for the user); 404 otherwise."""
    try:
        return Stakeholder.objects.filter(account=account, account__in=visible_accounts(user)).get(
            pk=pk
        )
    except Stakeholder.DoesNotExist:
        raise Http404("No such stakeholder") from None


def quarter_bounds(today: date) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end_month = first_month + 3
    end = date(today.year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


@dataclass(frozen=True, slots=True)
class SortKey:
    label: str | Promise
    order: tuple[str | OrderBy, ...]


# The sort keys a user may pick, in one place (the filter form's choices come from here);
# the first entry is the default ("needs attention").
SORTS: dict[str, SortKey] = {
    "attention": SortKey(_("Needs attention"), (F("attention").desc(), "id")),
    "risk": SortKey(_("Risk score"), (F("risk_score").desc(nulls_last=True), "id")),
    "mrr": SortKey(_("MRR"), (F("mrr").desc(), "id")),
    "renewal": SortKey(_("Renewal date"), ("renewal_date", "id")),
    "name": SortKey(_("Name"), ("name", "id")),
}
SORT_CHOICES = [(key, sort.label) for key, sort in SORTS.items()]
DEFAULT_SORT = "attention"


@dataclass(frozen=True, slots=True)
class TriageFilters:
    q: str = ""
    phase: str = ""
    band: str = ""
    industry: str = ""
    country: str = ""
    owner: int | None = None
    renewal_within_days: int | None = None
    renewal_this_quarter: bool = False
    expected_churn: bool | None = None
    status: str = Status.ACTIVE
    sort: str = DEFAULT_SORT


def triage_accounts(*, user: User, filters: TriageFilters, today: date) -> QuerySet[Account]:
    """The CSM's morning list: visible accounts, filtered, neediest first."""
    accounts = visible_accounts(user)
    if filters.status:
        accounts = accounts.filter(status=filters.status)
    if filters.q:
        accounts = accounts.filter(Q(name__icontains=filters.q) | Q(external_id=filters.q))
    exact = {
        "phase": filters.phase,
        "risk_band": filters.band,
        "industry": filters.industry,
        "country": filters.country,
        "owner_id": filters.owner,
    }
    accounts = accounts.filter(**{field: value for field, value in exact.items() if value})
    if filters.renewal_within_days is not None:
        accounts = accounts.filter(
            renewal_date__gte=today,
            renewal_date__lte=today + timedelta(days=filters.renewal_within_days),
        )
    if filters.renewal_this_quarter:
        start, end = quarter_bounds(today)
        accounts = accounts.filter(renewal_date__range=(start, end))
    if filters.expected_churn is not None:
        accounts = accounts.filter(is_expected_churn=filters.expected_churn)
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT]).order
    return accounts.select_related("owner").order_by(*order)


@dataclass(frozen=True, slots=True)
class TriageTotals:
    count: int
    # (currency, total MRR) per currency, largest total first: amounts in different currencies
    # are never added together.
    mrr: tuple[tuple[str, Decimal], ...]


def triage_totals(accounts: QuerySet[Account]) -> TriageTotals:
    """The count and MRR of a triage list, in one aggregate query grouped by currency."""
    by_currency = (
        accounts.order_by()
        .values("currency")
        .annotate(n=Count("id"), total=Sum("mrr"))
        .values_list("currency", "n", "total")
    )
    rows = sorted(by_currency, key=lambda row: (-(row[2] or 0), row[0]))
    return TriageTotals(
        count=sum(n for _currency, n, _total in rows),
        mrr=tuple((currency, total or Decimal(0)) for currency, _n, total in rows),
    )


# Bumped (to a new timestamp) whenever any saved view changes: menus cached per user compare it.
SAVED_VIEWS_VERSION_KEY = "saved-views-version"


@dataclass(frozen=True, slots=True)
class SavedViewItem:
    """A line of the saved views menu."""

    pk: int
    name: str
    owner_name: str
    is_own: bool
    team_id: int | None
    team_name: str


def saved_view_menu(user: User) -> tuple[SavedViewItem, ...]:
    return tuple(
        SavedViewItem(
            pk=view.pk,
            name=view.name,
            owner_name=view.owner.display_name,
            is_own=view.owner_id == user.pk,
            team_id=view.shared_with_team_id,
            team_name=view.shared_with_team.name if view.shared_with_team else "",
        )
        for view in visible_saved_views(user)
    )


def triage_user_key(user_id: int) -> str:
    """The cache key of what the triage page needs to know about a user (book, columns)."""
    return f"triage-user:{user_id}"


def has_own_book(user: User) -> bool:
    """Whether the user owns accounts they can see: their triage list then opens on them.

    Only for a member of a team: the owner filter offers the members of the teams one sees.
    """
    if user.team_id is None:
        return False
    return visible_accounts(user).filter(owner=user).exists()


def visible_saved_views(user: User) -> QuerySet[SavedView]:
    """The user's own views and the views shared with a team they see, archived ones hidden."""
    teams = visible_team_ids(user)
    shared = (
        Q(shared_with_team__isnull=False)
        if teams is ALL_TEAMS
        else Q(shared_with_team_id__in=teams)
    )
    return (
        SavedView.objects.filter(archived_at__isnull=True)
        .filter(Q(owner=user) | shared)
        .select_related("owner", "shared_with_team")
    )


def get_saved_view_for_user(user: User, pk: int) -> SavedView:
    """A view the user may open; 404 otherwise."""
    try:
        return visible_saved_views(user).get(pk=pk)
    except SavedView.DoesNotExist:
        raise Http404("No such view") from None


def get_own_saved_view(user: User, pk: int) -> SavedView:
    """A view the user may change: only its owner may; 404 for everyone else."""
    try:
        return SavedView.objects.filter(archived_at__isnull=True, owner=user).get(pk=pk)
    except SavedView.DoesNotExist:
        raise Http404("No such view") from None


def teams_to_share_with(user: User) -> QuerySet[Team]:
    """Teams a user may share a view with: their own and the ones they lead (admins: all)."""
    teams = visible_team_ids(user)
    if teams is ALL_TEAMS:
        return Team.objects.all()
    return Team.objects.filter(id__in=teams)


def triage_column_choice(user: User) -> list[str] | None:
    """The user's last column choice, None if they never chose."""
    return TriagePreference.objects.filter(user=user).values_list("columns", flat=True).first()
