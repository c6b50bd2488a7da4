"""Writes of the admin's set-up pages: a lever's settings, the strategy, the approval thresholds.

Every change is kept: a lever edit writes a `LeverChange` with the changed fields before and
after; strategies and approval policies are effective-dated rows, so a new one is added from a
date and the older ones stay as the history. Nothing here deletes.
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from playbooks.catalogue import lever_spec
from playbooks.models import ApprovalPolicy, Lever, LeverChange, StrategySetting
from teams.models import User

# What the set-up form may change on a lever; its kind (the formula) is fixed.
EDITABLE_LEVER_FIELDS = (
    "name",
    "is_active",
    "order",
    "phases",
    "bands",
    "segments",
    "give_backs",
    "default_params",
    "param_limits",
)


class SetupError(Exception):
    """A change the rules refuse; `field` names the form field it belongs to (None: the form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _as_number(raw: object) -> object:
    try:
        return Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return raw


def _comparable(field: str, value: Any) -> Any:
    """The value as compared for "did it change": "30" and "30.00" are the same default."""
    if field in ("phases", "bands", "segments") and isinstance(value, list):
        return sorted(value)  # where it applies, not in which order it was ticked
    if field == "default_params" and isinstance(value, dict):
        return {name: _as_number(raw) for name, raw in value.items()}
    if field == "param_limits" and isinstance(value, dict):
        return {
            name: {key: _as_number(raw) if key in ("min", "max") else raw for key, raw in e.items()}
            if isinstance(e, dict)
            else e
            for name, e in value.items()
        }
    return value


def update_lever(
    *, lever: Lever, fields: Mapping[str, Any], user: User, note: str, now: datetime
) -> LeverChange | None:
    """Apply the set-up form's `fields` to `lever` and record what changed.

    Returns the `LeverChange`, or None when nothing differs (no row, no write). Raises
    SetupError, writing nothing, if the result is not a lever the core accepts.
    """
    unknown = set(fields) - set(EDITABLE_LEVER_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Lever.objects.select_for_update().get(pk=lever.pk)
        changed = [
            name
            for name in EDITABLE_LEVER_FIELDS
            if name in fields
            and _comparable(name, getattr(locked, name)) != _comparable(name, fields[name])
        ]
        if not changed:
            return None
        before = {name: getattr(locked, name) for name in changed}
        for name in changed:
            setattr(locked, name, fields[name])
        try:
            lever_spec(locked)
        except (ValueError, TypeError) as error:
            raise SetupError(
                _("These settings do not make a working lever: %(detail)s") % {"detail": error}
            ) from error
        locked.save(update_fields=changed)
        change = LeverChange.objects.create(
            lever=locked,
            changed_by=user,
            changed_at=now,
            before=before,
            after={name: fields[name] for name in changed},
            note=note,
        )
    for name in changed:
        setattr(lever, name, fields[name])
    return change


def _refuse_taken_date(model: type[StrategySetting] | type[ApprovalPolicy], day: date) -> None:
    if model.objects.filter(effective_from=day).exists():
        raise SetupError(
            _("One is already set to start on this date: pick another date."),
            field="effective_from",
        )


def set_strategy(
    *, strategy: str, effective_from: date, note: str, user: User, today: date
) -> StrategySetting:
    """Put `strategy` in force from `effective_from` (today or later; one per date)."""
    if effective_from < today:
        raise SetupError(_("The date cannot be in the past."), field="effective_from")
    with transaction.atomic():
        _refuse_taken_date(StrategySetting, effective_from)
        return StrategySetting.objects.create(
            strategy=strategy, effective_from=effective_from, note=note, created_by=user
        )


def set_approval_policy(
    *,
    effective_from: date,
    currency: str,
    auto_cash: Decimal,
    auto_mrr: Decimal,
    manager_cash: Decimal,
    manager_mrr: Decimal,
    note: str,
    user: User,
    today: date,
) -> ApprovalPolicy:
    """New approval thresholds from `effective_from` (today or later; one per date)."""
    if effective_from < today:
        raise SetupError(_("The date cannot be in the past."), field="effective_from")
    policy = ApprovalPolicy(
        effective_from=effective_from,
        currency=currency,
        auto_cash=auto_cash,
        auto_mrr=auto_mrr,
        manager_cash=manager_cash,
        manager_mrr=manager_mrr,
        note=note,
        created_by=user,
    )
    try:
        policy.thresholds()
    except (ValueError, TypeError) as error:
        raise SetupError(str(error)) from error
    with transaction.atomic():
        _refuse_taken_date(ApprovalPolicy, effective_from)
        policy.save(force_insert=True)
    return policy
