"""Writes to accounts. Each function is one transaction and leaves an audit trail."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.cache import bump_portfolio_version
from accounts.models import (
    Account,
    FactChange,
    OutcomeKpi,
    Phase,
    SignalReading,
    Stakeholder,
    Status,
    Touchpoint,
    UsageSnapshot,
)
from teams.models import User


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Account | User):
        return str(value.pk)
    return str(getattr(value, "pk", value))[:200]


@transaction.atomic
def update_account(*, account: Account, changes: dict[str, Any], user: User | None) -> list[str]:
    """Apply the changed fields, record each change, rescore. Returns the changed field names."""
    old = Account.objects.select_for_update().get(pk=account.pk)
    changed = [name for name, value in changes.items() if getattr(old, name) != value]
    if not changed:
        return []
    now = timezone.now()
    FactChange.objects.bulk_create(
        FactChange(
            account=account,
            changed_at=now,
            changed_by=user,
            field=name,
            old_value=_display(getattr(old, name)),
            new_value=_display(changes[name]),
        )
        for name in changed
    )
    for name in changed:
        setattr(account, name, changes[name])
    account.save(update_fields=[*changed, "updated_at"])
    bump_portfolio_version()
    _rescore(account)
    _record_renewal_outcome(old, account, user)
    return changed


def _record_renewal_outcome(old: Account, new: Account, user: User | None) -> None:
    """A churn, or a renewal date pushed forward on an active account, decides the renewal:
    the levers granted to the account learn whether they saved it."""
    from playbooks.services import record_renewal_outcome

    if new.status == Status.CHURNED and old.status != Status.CHURNED:
        record_renewal_outcome(account=new, outcome="lost", user=user)
    elif new.status == Status.ACTIVE and new.renewal_date > old.renewal_date:
        record_renewal_outcome(account=new, outcome="saved", user=user)


@transaction.atomic
def change_phase(*, account: Account, phase: str, user: User | None, today: date) -> bool:
    if account.phase == phase:
        return False
    update_account(
        account=account,
        changes={"phase": Phase(phase), "phase_entered_on": today},
        user=user,
    )
    return True


@transaction.atomic
def log_touchpoint(
    *, account: Account, author: User | None, kind: str, happened_at: datetime, summary: str
) -> Touchpoint:
    return Touchpoint.objects.create(
        account=account, author=author, kind=kind, happened_at=happened_at, summary=summary
    )


@transaction.atomic
def add_stakeholder(
    *, account: Account, stakeholder: Stakeholder, user: User | None
) -> Stakeholder:
    stakeholder.account = account
    stakeholder.save()
    if stakeholder.is_key and stakeholder.left_on:
        _rescore(account)
    return stakeholder


@transaction.atomic
def mark_stakeholder_left(*, stakeholder: Stakeholder, left_on: date, user: User | None) -> None:
    stakeholder.left_on = left_on
    stakeholder.save(update_fields=["left_on"])
    FactChange.objects.create(
        account=stakeholder.account,
        changed_at=timezone.now(),
        changed_by=user,
        field="stakeholder_left",
        new_value=f"{stakeholder.name} ({left_on.isoformat()})"[:200],
    )
    _rescore(stakeholder.account)


@transaction.atomic
def record_usage(*, account: Account, on: date, active_users: int, licensed_seats: int) -> None:
    """Adoption on a day (one snapshot per day: a second entry replaces the first)."""
    UsageSnapshot.objects.update_or_create(
        account=account,
        on=on,
        defaults={"active_users": active_users, "licensed_seats": licensed_seats},
    )
    _rescore(account)


@transaction.atomic
def record_kpi(*, account: Account, user: User | None, name: str, **values: Any) -> OutcomeKpi:
    """Create an outcome KPI, or update the one of that name, keeping a dated trail."""
    kpi, created = OutcomeKpi.objects.update_or_create(account=account, name=name, defaults=values)
    FactChange.objects.create(
        account=account,
        changed_at=timezone.now(),
        changed_by=user,
        field=f"kpi:{name}"[:50],
        new_value=f"{values['actual']} / {values['target']} ({values['as_of']})"[:200],
    )
    _rescore(account)
    return kpi


@transaction.atomic
def record_signal(*, account: Account, name: str, value: Any, as_of: date) -> None:
    SignalReading.objects.update_or_create(
        account=account, name=name, as_of=as_of, defaults={"value": value}
    )
    _rescore(account)


def _rescore(account: Account) -> None:
    # Imported here: risk depends on accounts, not the other way round at import time.
    from risk.services.scores import rescore_account

    rescore_account(account=account)


@transaction.atomic
def archive_account(*, account: Account, user: User) -> bool:
    """Hide an account from every page, run and count, keeping its whole history.

    Idempotent: archiving an archived account changes nothing and returns False.
    """
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if locked.archived_at is not None:
        return False
    now = timezone.now()
    locked.archived_at, locked.archived_by = now, user
    locked.save(update_fields=["archived_at", "archived_by", "updated_at"])
    FactChange.objects.create(
        account=locked, changed_at=now, changed_by=user, field="archived_at", new_value=str(now)
    )
    account.archived_at, account.archived_by = now, user
    bump_portfolio_version()
    return True
