"""Reads of alerts. Every alert a user reaches is on an account they may see."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from accounts.queries import visible_accounts
from alerts.models import Alert, AlertStatus
from teams.models import User


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
