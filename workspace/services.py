"""Writes of the account page that span apps: each is one transaction."""

from contextlib import suppress
from datetime import date, datetime

from django.db import transaction

from accounts.models import Account, Touchpoint
from accounts.services import log_touchpoint
from tasks.models import SourceKind, Task, TaskStatus
from tasks.services import TaskError, complete_task, create_task
from teams.models import User


@transaction.atomic
def log_touchpoint_with_follow_up(
    *,
    account: Account,
    author: User,
    kind: str,
    happened_at: datetime,
    summary: str,
    follow_up_on: date | None = None,
    follow_up_title: str = "",
    completes: Task | None = None,
) -> Touchpoint:
    """Log a touchpoint; with `follow_up_on`, a task for the author from it; with `completes`,
    that open task of the account done. All of it or nothing."""
    touchpoint = log_touchpoint(
        account=account, author=author, kind=kind, happened_at=happened_at, summary=summary
    )
    if follow_up_on is not None:
        create_task(
            account=account,
            owner=author,
            due_on=follow_up_on,
            created_by=author,
            title=follow_up_title,
            source_kind=SourceKind.TOUCHPOINT,
            source_id=str(touchpoint.pk),
        )
    if completes is not None and completes.status == TaskStatus.OPEN:
        # Closed by someone else a moment ago: the touchpoint still stands.
        with suppress(TaskError):
            complete_task(task=completes, user=author)
    return touchpoint
