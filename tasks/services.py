"""Writes of tasks: create, complete, cancel, reschedule or reassign. Nothing is deleted.

A generated task (any source but "manual") is unique while open per account and source: asking
for it again returns the open one (`create_task` is idempotent for them).
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.queries import visible_accounts
from tasks.models import Priority, SourceKind, Task, TaskStatus
from tasks.signals import task_completed
from teams.models import User


class TaskError(ValueError):
    """The task cannot do this (it is closed, the owner cannot see the account); says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_owner(*, account: Account, owner: User) -> None:
    """A task's owner must be an active user who may see its account."""
    if not owner.is_active or not visible_accounts(owner).filter(pk=account.pk).exists():
        raise TaskError(_("%(name)s cannot see this account.") % {"name": owner.display_name})


@transaction.atomic
def create_task(
    *,
    account: Account,
    owner: User,
    due_on: date,
    created_by: User | None,
    title: str = "",
    priority: str = Priority.NORMAL,
    source_kind: str = SourceKind.MANUAL,
    source_id: str = "",
) -> Task:
    """A new open task; for a generated source, the open one if it already exists."""
    if source_kind == SourceKind.MANUAL and not title.strip():
        raise TaskError(_("Give the task a title."))
    check_owner(account=account, owner=owner)
    if source_kind != SourceKind.MANUAL:
        existing = _open_from_source(account, source_kind, source_id)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return Task.objects.create(
                account=account,
                title=title.strip(),
                owner=owner,
                due_on=due_on,
                priority=priority,
                source_kind=source_kind,
                source_id=source_id,
                created_by=created_by,
                created_at=timezone.now(),
            )
    except IntegrityError:
        # Created by a concurrent request between our read and our insert.
        found = _open_from_source(account, source_kind, source_id)
        if found is None:
            raise
        return found


def create_task_for_first_able(*, owners: Sequence[User | None], **task: Any) -> Task:
    """`create_task` for the first of `owners` who can take the task (active, sees the account):
    a generated task goes to the account's owner, or to the next person named when the owner
    cannot take it. Raises TaskError when nobody can."""
    for owner in owners:
        if owner is None:
            continue
        try:
            return create_task(owner=owner, **task)
        except TaskError:
            continue
    raise TaskError(_("Nobody can take this task."))


def _open_from_source(account: Account, source_kind: str, source_id: str) -> Task | None:
    return Task.objects.filter(
        account=account, source_kind=source_kind, source_id=source_id, status=TaskStatus.OPEN
    ).first()


def _lock_open(task: Task) -> Task:
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.OPEN:
        raise TaskError(_("This task is already closed."))
    return locked


@transaction.atomic
def complete_task(*, task: Task, user: User, note: str = "") -> Task:
    """Open → done, by `user`; the source hears of it (a play gets ticked)."""
    locked = _close(task, status=TaskStatus.DONE, user=user, note=note)
    account_id, kind, source_id = locked.account_id, locked.source_kind, locked.source_id
    task_completed.send(
        sender=Task,
        task_id=locked.pk,
        account_id=account_id,
        source_kind=kind,
        source_id=source_id,
        user=user,
    )
    return locked


@transaction.atomic
def cancel_task(*, task: Task, user: User, note: str = "") -> Task:
    """Open → cancelled: kept in the history with who, when and why."""
    return _close(task, status=TaskStatus.CANCELLED, user=user, note=note)


def _close(task: Task, *, status: str, user: User, note: str) -> Task:
    locked = _lock_open(task)
    locked.status, locked.done_by, locked.done_at = status, user, timezone.now()
    locked.done_note = note.strip()
    locked.save(update_fields=["status", "done_by", "done_at", "done_note"])
    return locked


@transaction.atomic
def complete_source_task(
    *, account: Account, source_kind: str, source_id: str, user: User | None
) -> int:
    """Close the open task of a source that was done elsewhere (a play ticked on its panel).

    Idempotent: no open task, nothing changes. Announces nothing. Returns the tasks closed.
    """
    return Task.objects.filter(
        account=account, source_kind=source_kind, source_id=source_id, status=TaskStatus.OPEN
    ).update(status=TaskStatus.DONE, done_by=user, done_at=timezone.now())


@transaction.atomic
def reopen_source_task(
    *, account: Account, source_kind: str, source_id: str, user: User
) -> Task | None:
    """A source undone elsewhere (a play unticked) gets its task back: a new open task, due
    today, for whoever held the latest one closed as done (or the account's owner, or `user`
    when they cannot take it). Nothing when the source never had a task done, or has one open.
    """
    if _open_from_source(account, source_kind, source_id) is not None:
        return None
    closed = (
        Task.objects.filter(
            account=account, source_kind=source_kind, source_id=source_id, status=TaskStatus.DONE
        )
        .select_related("owner")
        .order_by("-done_at", "-id")
        .first()
    )
    if closed is None:
        return None
    return create_task_for_first_able(
        owners=[closed.owner, account.owner, user],
        account=account,
        due_on=timezone.localdate(),
        priority=closed.priority,
        created_by=user,
        source_kind=source_kind,
        source_id=source_id,
    )


@transaction.atomic
def reschedule_task(
    *, task: Task, user: User, due_on: date, owner: User | None = None, priority: str = ""
) -> Task:
    """Move an open task's due date, and optionally hand it to someone else or re-prioritise."""
    locked = _lock_open(task)
    fields = ["due_on", "changed_by", "changed_at"]
    locked.due_on, locked.changed_by, locked.changed_at = due_on, user, timezone.now()
    if owner is not None and owner.pk != locked.owner_id:
        check_owner(account=locked.account, owner=owner)
        locked.owner = owner
        fields.append("owner")
    if priority and priority != locked.priority:
        locked.priority = priority
        fields.append("priority")
    locked.save(update_fields=fields)
    return locked
