"""The MRR ledger: the only writer of an account's MRR, status, churn date and renewals.

Every change of MRR is a dated `MrrMovement` (new, expansion, contraction, churn, reactivation),
so an account's MRR is always the sum of its movements and revenue can be replayed month by
month. Edits, imports, the API, outcomes and levers all come through these functions.

The public functions lock the account row, write the movement and the audit trail, then rescore
the account and tell the levers granted to it whether the renewal was won or lost. The `apply_*`
variants do only the writes, for callers that rescore once after several changes.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.bulk import bulk_insert
from accounts.models import Account, ChurnReason, FactChange, MovementKind, MrrMovement, Status
from churnguard.portfolio import portfolio_changed
from teams.models import User

CENT = Decimal("0.01")
DEFAULT_TERM_MONTHS = 12


class LedgerError(ValueError):
    """The change cannot be recorded (negative MRR, a churned account renewing...)."""


@dataclass
class _Change:
    """What one ledger write did to the account row, for the audit trail and follow-ups."""

    fields: dict[str, tuple[Any, Any]]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _lock(account: Account) -> Account:
    return Account.objects.select_for_update().get(pk=account.pk)


def _display(value: Any) -> str:
    return "" if value is None else str(value)[:200]


def _save(account: Account, locked: Account, fields: dict[str, Any], user: User | None) -> None:
    """Write the changed fields to the row and the caller's instance, with one FactChange each."""
    changed = {k: v for k, v in fields.items() if getattr(locked, k) != v}
    if not changed:
        return
    now = timezone.now()
    FactChange.objects.bulk_create(
        FactChange(
            account_id=locked.pk,
            changed_at=now,
            changed_by=user,
            field=name,
            old_value=_display(getattr(locked, name)),
            new_value=_display(value),
        )
        for name, value in changed.items()
    )
    for name, value in changed.items():
        setattr(locked, name, value)
        setattr(account, name, value)
    locked.save(update_fields=[*changed, "updated_at"])
    account.updated_at = locked.updated_at


def _ensure_opened(locked: Account) -> None:
    """An account created before the ledger (or by a bulk load) gets its opening movement first,
    so the sum of movements still equals its MRR after the change that follows."""
    if locked.mrr > 0 and not MrrMovement.objects.filter(account_id=locked.pk).exists():
        MrrMovement.objects.create(
            account_id=locked.pk,
            on=_opened_on(locked),
            kind=MovementKind.NEW,
            amount=locked.mrr,
            currency=locked.currency,
            mrr_after=locked.mrr,
            source="opening",
        )


def _opened_on(account: Account) -> date:
    """When the account's revenue started: its contract start, else (an import that did not
    say) the day it was created."""
    return account.contract_start or timezone.localdate(account.created_at)


def _movement(
    locked: Account,
    *,
    on: date,
    kind: str,
    new_mrr: Decimal,
    source: str,
    source_id: str,
    user: User | None,
) -> MrrMovement:
    return MrrMovement.objects.create(
        account_id=locked.pk,
        on=on,
        kind=kind,
        amount=new_mrr - locked.mrr,
        currency=locked.currency,
        mrr_after=new_mrr,
        source=source[:20],
        source_id=str(source_id)[:64],
        created_by=user,
    )


def open_ledger(*, account: Account, user: User | None = None) -> MrrMovement | None:
    """Record a new account's first movement ("new", its MRR, on its contract start).

    For importers and forms that create accounts. Idempotent: an account that already has
    movements, or no MRR, gets nothing (returns None)."""
    with transaction.atomic():
        locked = _lock(account)
        if locked.mrr <= 0 or MrrMovement.objects.filter(account_id=locked.pk).exists():
            return None
        _ensure_opened(locked)
        movement = MrrMovement.objects.filter(account_id=locked.pk).get()
        if user is not None:
            movement.created_by = user
            movement.save(update_fields=["created_by"])
        return movement


def apply_mrr_change(
    *,
    account: Account,
    new_mrr: Decimal,
    on: date,
    source: str,
    source_id: str = "",
    user: User | None = None,
) -> MrrMovement | None:
    """The writes of `change_mrr`, without rescoring. Must run inside a transaction."""
    new_mrr = Decimal(new_mrr).quantize(CENT)
    if new_mrr < 0:
        raise LedgerError("MRR cannot be negative.")
    locked = _lock(account)
    _ensure_opened(locked)
    if locked.status == Status.CHURNED:
        if new_mrr == 0:
            return None
        kind = MovementKind.REACTIVATION
    elif new_mrr == locked.mrr:
        return None
    elif locked.mrr == 0 and not MrrMovement.objects.filter(account_id=locked.pk).exists():
        kind = MovementKind.NEW
    else:
        kind = MovementKind.EXPANSION if new_mrr > locked.mrr else MovementKind.CONTRACTION
    movement = _movement(
        locked, on=on, kind=kind, new_mrr=new_mrr, source=source, source_id=source_id, user=user
    )
    fields: dict[str, Any] = {"mrr": new_mrr}
    if kind == MovementKind.REACTIVATION:
        fields.update(status=Status.ACTIVE, churned_on=None, churn_reason="")
    _save(account, locked, fields, user)
    return movement


def apply_churn(
    *,
    account: Account,
    on: date,
    reason: str = "",
    source: str = "churn",
    source_id: str = "",
    user: User | None = None,
) -> bool:
    """The writes of `record_churn`, without rescoring. Must run inside a transaction."""
    if reason and reason not in ChurnReason.values:
        raise LedgerError(f"Unknown churn reason {reason!r}.")
    locked = _lock(account)
    if locked.status == Status.CHURNED:
        return False
    _ensure_opened(locked)
    if locked.contract_start is not None:
        on = max(on, locked.contract_start)
    if locked.mrr > 0:
        _movement(
            locked,
            on=on,
            kind=MovementKind.CHURN,
            new_mrr=Decimal(0),
            source=source,
            source_id=source_id,
            user=user,
        )
    fields = {
        "mrr": Decimal("0.00"),
        "status": Status.CHURNED,
        "churned_on": on,
        "churn_reason": reason or ChurnReason.OTHER,
        "is_expected_churn": False,
    }
    _save(account, locked, fields, user)
    return True


def correct_churn(*, account: Account, on: date, reason: str, user: User | None = None) -> None:
    """Correct the date or reason of a recorded churn: the churn movement moves with its date."""
    locked = _lock(account)
    if locked.status != Status.CHURNED:
        raise LedgerError("Only a churned account has a churn to correct.")
    if locked.contract_start is not None:
        on = max(on, locked.contract_start)
    if on != locked.churned_on:
        latest = (
            MrrMovement.objects.filter(account_id=locked.pk, kind=MovementKind.CHURN)
            .order_by("-on", "-id")
            .first()
        )
        if latest is not None:
            latest.on = on
            latest.save(update_fields=["on"])
    _save(account, locked, {"churned_on": on, "churn_reason": reason or locked.churn_reason}, user)


def apply_renewal(
    *,
    account: Account,
    on: date,
    new_mrr: Decimal | None = None,
    source: str = "renewal",
    source_id: str = "",
    user: User | None = None,
) -> bool:
    """The writes of `record_renewal`, without rescoring. Must run inside a transaction."""
    locked = _lock(account)
    if locked.status == Status.CHURNED:
        raise LedgerError("A churned account cannot renew: record its reactivation instead.")
    if locked.renewed_on is not None and on <= locked.renewed_on:
        return False
    if new_mrr is not None:
        apply_mrr_change(
            account=account, new_mrr=new_mrr, on=on, source=source, source_id=source_id, user=user
        )
        locked.refresh_from_db()
    term = locked.contract_term_months or DEFAULT_TERM_MONTHS
    next_renewal = add_months(locked.renewal_date or on, term)
    while next_renewal <= on:
        next_renewal = add_months(next_renewal, term)
    _save(account, locked, {"renewed_on": on, "renewal_date": next_renewal}, user)
    return True


@transaction.atomic
def extend_commitment(
    *, account: Account, months: int, source: str, user: User | None = None
) -> date:
    """Push the renewal date `months` later (a longer commitment won in a negotiation).

    Not a renewal: the levers granted to the account learn nothing from it. Returns the new
    renewal date."""
    if months <= 0:
        raise LedgerError("A commitment is extended by at least one month.")
    locked = _lock(account)
    if locked.status == Status.CHURNED:
        raise LedgerError("A churned account has no commitment to extend.")
    if locked.renewal_date is None:
        raise LedgerError("An account without a renewal date has no commitment to extend.")
    renewal = add_months(locked.renewal_date, months)
    _save(account, locked, {"renewal_date": renewal}, user)
    portfolio_changed()
    return renewal


def _follow_up(account: Account, *, old_status: str, user: User | None, renewed: bool) -> None:
    # Same-app helpers, imported here because accounts.services imports this module.
    from accounts.services import _rescore, record_lever_outcome

    portfolio_changed()
    _rescore(account)
    if account.status == Status.CHURNED and old_status != Status.CHURNED:
        record_lever_outcome(account=account, outcome="lost", user=user)
    elif renewed:
        record_lever_outcome(account=account, outcome="saved", user=user)


@transaction.atomic
def change_mrr(
    *,
    account: Account,
    new_mrr: Decimal,
    on: date,
    source: str,
    source_id: str = "",
    user: User | None = None,
) -> MrrMovement | None:
    """Move the account's MRR to `new_mrr` on `on`: an expansion, a contraction, a new account's
    first MRR, or the reactivation of a churned account. None (and no write) when unchanged."""
    old_status = account.status
    movement = apply_mrr_change(
        account=account, new_mrr=new_mrr, on=on, source=source, source_id=source_id, user=user
    )
    if movement is not None:
        _follow_up(account, old_status=old_status, user=user, renewed=False)
    return movement


@transaction.atomic
def record_churn(*, account: Account, on: date, reason: str = "", user: User | None = None) -> bool:
    """The account left on `on` (reason: a `ChurnReason` code): a churn movement of its whole
    MRR, status churned. Idempotent: an account already churned is left as it is (False)."""
    old_status = account.status
    if not apply_churn(account=account, on=on, reason=reason, user=user):
        return False
    _follow_up(account, old_status=old_status, user=user, renewed=False)
    return True


@transaction.atomic
def record_renewal(
    *, account: Account, on: date, new_mrr: Decimal | None = None, user: User | None = None
) -> bool:
    """The account renewed on `on`, at `new_mrr` when given (an expansion or contraction): the
    renewal date moves one contract term on (12 months when the term is unknown). Idempotent:
    a renewal on or before the last one recorded changes nothing (False). Raises LedgerError for
    a churned account."""
    old_status = account.status
    if not apply_renewal(account=account, on=on, new_mrr=new_mrr, user=user):
        return False
    _follow_up(account, old_status=old_status, user=user, renewed=True)
    return True


def open_ledgers(
    *, account_ids: list[int], on: date, source: str = "import", user: User | None = None
) -> int:
    """`open_ledger` for many new accounts at once (a bulk import): each account with MRR and no
    movement gets its "new" movement, on its contract start or else `on`. Must run inside a
    transaction. Returns the movements written."""
    accounts = Account.objects.filter(
        pk__in=account_ids, mrr__gt=0, mrr_movements__isnull=True
    ).values_list("pk", "mrr", "currency", "contract_start")
    now = timezone.now()
    user_id = user.pk if user is not None else None
    movements = [
        (pk, start or on, MovementKind.NEW, mrr, currency, mrr, source[:20], "", user_id, now)
        for pk, mrr, currency, start in accounts
    ]
    # COPY on PostgreSQL: a bulk import opens tens of thousands of ledgers at once.
    bulk_insert(
        MrrMovement,
        (
            "account_id",
            "on",
            "kind",
            "amount",
            "currency",
            "mrr_after",
            "source",
            "source_id",
            "created_by_id",
            "created_at",
        ),
        movements,
    )
    return len(movements)
