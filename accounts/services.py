"""Writes to accounts. Each function is one transaction and leaves an audit trail."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, FactChange, Phase, Stakeholder, Touchpoint
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
    _rescore(account)
    return changed


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
def add_stakeholder(*, account: Account, stakeholder: Stakeholder, user: User | None) -> Stakeholder:
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


def _rescore(account: Account) -> None:
    # Imported here: risk depends on accounts, not the other way round at import time.
    from risk.services import rescore_account

    rescore_account(account=account)
