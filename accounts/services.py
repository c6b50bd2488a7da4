"""Writes to accounts. Each function is one transaction and leaves an audit trail."""

import json
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from accounts import ledger
from accounts.models import (
    SNAPSHOT_FIELDS,
    Account,
    AccountSnapshot,
    FactChange,
    OutcomeKpi,
    Phase,
    SavedView,
    SignalReading,
    Stakeholder,
    Status,
    Touchpoint,
    TriagePreference,
    UsageSnapshot,
)
from accounts.queries import SAVED_VIEWS_VERSION_KEY, triage_user_key
from accounts.signals import facts_changed, renewal_decided
from churnguard.portfolio import figures_changed, portfolio_changed
from teams.models import Team, User


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Account | User):
        return str(value.pk)
    return str(getattr(value, "pk", value))[:200]


# Written through the MRR ledger, never directly: the account's MRR is the sum of its movements.
LEDGER_FIELDS = ("mrr", "status", "churned_on", "churn_reason")


@transaction.atomic
def update_account(*, account: Account, changes: dict[str, Any], user: User | None) -> list[str]:
    """Apply the changed fields, record each change, rescore. Returns the changed field names.

    MRR, status and churn go through the ledger (`accounts.ledger`), dated today (a churn on its
    churn date)."""
    old = Account.objects.select_for_update().get(pk=account.pk)
    changed = [name for name, value in changes.items() if getattr(old, name) != value]
    if not changed:
        return []
    plain = [name for name in changed if name not in LEDGER_FIELDS]
    if plain:
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
            for name in plain
        )
        for name in plain:
            setattr(account, name, changes[name])
        account.save(update_fields=[*plain, "updated_at"])
    _apply_ledger_changes(old=old, account=account, changes=changes, user=user)
    portfolio_changed()
    _rescore(account)
    _record_renewal_outcome(old, account, user)
    return changed


def _apply_ledger_changes(
    *, old: Account, account: Account, changes: dict[str, Any], user: User | None
) -> None:
    today = timezone.localdate()
    status = changes.get("status", old.status)
    mrr = changes.get("mrr", old.mrr)
    if old.status != Status.CHURNED and status == Status.CHURNED:
        if mrr > 0:  # the MRR lost is the churn movement, not a contraction to zero first
            ledger.apply_mrr_change(
                account=account, new_mrr=mrr, on=today, source="edit", user=user
            )
        ledger.apply_churn(
            account=account,
            on=changes.get("churned_on") or today,
            reason=changes.get("churn_reason", ""),
            source="edit",
            user=user,
        )
    elif old.status == Status.CHURNED and status != Status.CHURNED:
        ledger.apply_mrr_change(account=account, new_mrr=mrr, on=today, source="edit", user=user)
    elif status == Status.CHURNED:
        if "churned_on" in changes or "churn_reason" in changes:
            ledger.correct_churn(
                account=account,
                on=changes.get("churned_on") or old.churned_on or today,
                reason=changes.get("churn_reason", old.churn_reason),
                user=user,
            )
    elif mrr != old.mrr:
        ledger.apply_mrr_change(account=account, new_mrr=mrr, on=today, source="edit", user=user)


def record_lever_outcome(*, account: Account, outcome: str, user: User | None) -> None:
    """Tell the levers granted to the account whether its renewal was "saved" or "lost"
    (playbooks listens)."""
    renewal_decided.send(sender=Account, account=account, outcome=outcome, user=user)


def _record_renewal_outcome(old: Account, new: Account, user: User | None) -> None:
    """A churn, or a renewal date pushed forward on an active account, decides the renewal:
    the levers granted to the account learn whether they saved it."""
    if new.status == Status.CHURNED and old.status != Status.CHURNED:
        record_lever_outcome(account=new, outcome="lost", user=user)
    elif (
        new.status == Status.ACTIVE
        and new.renewal_date is not None
        and (old.renewal_date is None or new.renewal_date > old.renewal_date)
    ):
        record_lever_outcome(account=new, outcome="saved", user=user)


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
    figures_changed()  # the churn drivers read KPI attainment
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
    figures_changed()  # the churn drivers read every named signal
    _rescore(account)


def clean_snapshot_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts in their JSON form, each validated as the account's own field would be.
    Raises ValidationError naming every unknown or invalid fact."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in facts.items():
        if name not in SNAPSHOT_FIELDS:
            errors[name] = ["Not a scoring fact of an account."]
            continue
        # Every snapshot fact is a concrete field of the account, never a relation's reverse side.
        field = cast("models.Field[Any, Any]", Account._meta.get_field(name))
        if value in ("", None) and (field.null or field.blank):
            cleaned[name] = None if field.null else ""
            continue
        try:
            cleaned[name] = field.clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
            continue
        if isinstance(cleaned[name], Decimal):
            # "99" and "99.00" are one fact: stored at the field's own precision.
            places = cast("models.DecimalField[Any, Any]", field).decimal_places
            cleaned[name] = cleaned[name].quantize(Decimal(1).scaleb(-places))
    if errors:
        raise ValidationError(errors)
    as_json: dict[str, Any] = json.loads(json.dumps(cleaned, cls=DjangoJSONEncoder))
    return as_json


@transaction.atomic
def record_snapshot(*, account: Account, as_of: date, facts: dict[str, Any]) -> bool:
    """Record what the account's scoring facts were on `as_of`. Idempotent: recording the same
    facts again changes nothing and returns False; different facts for that day replace the
    earlier ones (a corrected import) and return True."""
    cleaned = clean_snapshot_facts(facts)
    snapshot, created = AccountSnapshot.objects.select_for_update().get_or_create(
        account=account, as_of=as_of, defaults={"facts": cleaned}
    )
    if created:
        return True
    if snapshot.facts == cleaned:
        return False
    snapshot.facts = cleaned
    snapshot.save(update_fields=["facts"])
    return True


def _rescore(account: Account) -> None:
    # Risk listens and rescores within this transaction (see accounts/signals.py for why).
    facts_changed.send(sender=Account, account=account)


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
    portfolio_changed()
    return True


# Saved views of the triage list and the user's column choice. Owner checks are the callers'
# lookups' (accounts.queries.get_own_saved_view): these functions trust the view they get.


def _saved_views_changed() -> None:
    # Menus are cached per reader (workspace/triage_page.py); a new stamp retires them all.
    transaction.on_commit(lambda: cache.set(SAVED_VIEWS_VERSION_KEY, time.time_ns(), None))


@transaction.atomic
def save_view(
    *,
    owner: User,
    name: str,
    query: str,
    columns: tuple[str, ...],
    shared_with_team: Team | None,
) -> SavedView:
    view = SavedView.objects.create(
        owner=owner,
        name=name,
        query=query,
        columns=list(columns),
        shared_with_team=shared_with_team,
    )
    _saved_views_changed()
    return view


@transaction.atomic
def update_view(*, view: SavedView, name: str, shared_with_team: Team | None) -> None:
    view.name, view.shared_with_team = name, shared_with_team
    view.save(update_fields=["name", "shared_with_team", "updated_at"])
    _saved_views_changed()


@transaction.atomic
def archive_view(*, view: SavedView) -> None:
    """Hide a view from every menu; the row stays (history is never deleted)."""
    view.archived_at = timezone.now()
    view.save(update_fields=["archived_at", "updated_at"])
    _saved_views_changed()


@transaction.atomic
def set_triage_columns(*, user: User, columns: tuple[str, ...]) -> None:
    TriagePreference.objects.update_or_create(user=user, defaults={"columns": list(columns)})
    # The triage page reads the choice through the cache: forget it once this is committed.
    transaction.on_commit(lambda: cache.delete(triage_user_key(user.pk)))
