"""Reads of alerts. Every alert a user reaches is on an account they may see."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.queries import visible_accounts
from alerts.models import Alert, AlertStatus
from risk.models import RescoreRun
from teams.models import User

# The inbox's sort keys: the order of the rows, the id last so a page never shifts.
SORTS: dict[str, tuple[str, ...]] = {
    "severity": ("-severity", "-opened_at", "-id"),
    "newest": ("-opened_at", "-id"),
    "oldest": ("opened_at", "id"),
    "mrr": ("-account__mrr", "-severity", "-id"),
}
DEFAULT_SORT = "severity"


def visible_alerts(user: User) -> QuerySet[Alert]:
    return Alert.objects.filter(account__in=visible_accounts(user))


def get_alert_for_user(user: User, pk: int) -> Alert:
    """The alert if the user may see its account; 404 otherwise."""
    try:
        return visible_alerts(user).select_related("account").get(pk=pk)
    except Alert.DoesNotExist:
        raise Http404("No such alert") from None


def new_alerts_for(user: User, *, since: datetime) -> QuerySet[Alert]:
    """Open alerts on the accounts `user` owns, opened since `since` (for their day's page)."""
    return (
        visible_alerts(user)
        .filter(account__owner=user, status=AlertStatus.OPEN, opened_at__gte=since)
        .select_related("account")
        .order_by("-opened_at", "-id")
    )


def actionable_alerts(user: User) -> QuerySet[Alert]:
    """The alerts a user may snooze or close: open or snoozed ones they see."""
    return visible_alerts(user).filter(status__in=[AlertStatus.OPEN, AlertStatus.SNOOZED])


@dataclass(frozen=True)
class InboxFilters:
    status: str = AlertStatus.OPEN
    cause: str = ""
    severity: int | None = None
    owner: int | None = None
    team: int | None = None
    sort: str = DEFAULT_SORT


def inbox_alerts(*, user: User, filters: InboxFilters) -> QuerySet[Alert]:
    """The inbox's rows: the user's visible alerts, filtered and sorted, with what a line shows."""
    alerts = visible_alerts(user).filter(status=filters.status)
    if filters.cause:
        alerts = alerts.filter(cause=filters.cause)
    if filters.severity is not None:
        alerts = alerts.filter(severity=filters.severity)
    if filters.owner is not None:
        alerts = alerts.filter(account__owner_id=filters.owner)
    if filters.team is not None:
        alerts = alerts.filter(account__team_id=filters.team)
    return alerts.select_related(
        "account", "account__owner", "account__team", "snoozed_by", "closed_by"
    ).order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


@dataclass(frozen=True)
class RunAlertChanges:
    opened: QuerySet[Alert]
    closed: QuerySet[Alert]


def alert_changes_in_run(run: RescoreRun) -> RunAlertChanges:
    """The alerts a rescoring run opened and those it closed (their condition cleared)."""
    alerts = Alert.objects.select_related("account").order_by("-severity", "account__name", "id")
    return RunAlertChanges(
        opened=alerts.filter(opened_by_run=run), closed=alerts.filter(closed_by_run=run)
    )


@dataclass(frozen=True)
class Usefulness:
    """How alerts of one cause (and severity, when given) were judged by those who got them."""

    cause: str
    severity: int | None
    answered: int
    useful: int

    @property
    def not_useful(self) -> int:
        return self.answered - self.useful

    @property
    def share_useful(self) -> float | None:
        """In percent points, as `as_percent` prints them."""
        return 100 * self.useful / self.answered if self.answered else None


def usefulness(user: User, *, by_severity: bool = False) -> list[Usefulness]:
    """The "was this useful?" answers counted per cause (and severity): answered alerts only."""
    keys = ("cause", "severity") if by_severity else ("cause",)
    rows = (
        visible_alerts(user)
        .filter(was_useful__isnull=False)
        .values(*keys)
        .annotate(answered=Count("id"), useful=Count("id", filter=Q(was_useful=True)))
        .order_by(*keys)
    )
    return [
        Usefulness(
            cause=row["cause"],
            severity=row.get("severity"),
            answered=row["answered"],
            useful=row["useful"],
        )
        for row in rows
    ]
