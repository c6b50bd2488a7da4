"""Reads of tasks. Every task a user reaches is on an account they may see."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Account
from accounts.queries import visible_accounts
from tasks.models import Task, TaskStatus
from teams.models import User


def visible_tasks(user: User) -> QuerySet[Task]:
    return Task.objects.filter(account__in=visible_accounts(user))


def get_task_for_user(user: User, pk: int) -> Task:
    """The task if the user may see its account; 404 otherwise."""
    try:
        return visible_tasks(user).select_related("account", "owner").get(pk=pk)
    except Task.DoesNotExist:
        raise Http404("No such task") from None


def _listed(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related("account", "owner").order_by("due_on", "id")


# The task list's "done or cancelled" filter.
CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class TaskFilters:
    """What the task list shows: one owner's tasks (`owner`), a team's, or all visible ones."""

    owner: int | None = None
    team: int | None = None
    overdue: bool = False
    status: str = TaskStatus.OPEN


def task_list(*, user: User, filters: TaskFilters, today: date) -> QuerySet[Task]:
    tasks = visible_tasks(user)
    if filters.status == CLOSED:
        tasks = tasks.exclude(status=TaskStatus.OPEN)
    elif filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.owner is not None:
        tasks = tasks.filter(owner_id=filters.owner)
    if filters.team is not None:
        tasks = tasks.filter(account__team_id=filters.team)
    if filters.overdue:
        tasks = tasks.filter(status=TaskStatus.OPEN, due_on__lt=today)
    return _listed(tasks)


def open_tasks_of(owner: User) -> QuerySet[Task]:
    """The owner's open tasks, on accounts they may still see."""
    return visible_tasks(owner).filter(owner=owner, status=TaskStatus.OPEN)


def overdue_tasks(owner: User, *, today: date) -> QuerySet[Task]:
    return _listed(open_tasks_of(owner).filter(due_on__lt=today))


def due_today(owner: User, *, today: date) -> QuerySet[Task]:
    return _listed(open_tasks_of(owner).filter(due_on=today))


def team_overdue_tasks(*, team_ids: set[int], today: date) -> QuerySet[Task]:
    """Open tasks past their due date on the accounts of `team_ids` (a manager's teams)."""
    return _listed(
        Task.objects.filter(
            account__in=Account.objects.filter(archived_at__isnull=True, team_id__in=team_ids),
            status=TaskStatus.OPEN,
            due_on__lt=today,
        )
    )


def account_open_tasks(account: Account) -> QuerySet[Task]:
    return _listed(Task.objects.filter(account=account, status=TaskStatus.OPEN))


def open_source_ids(*, account: Account, source_kind: str) -> set[str]:
    """The sources of `source_kind` with an open task on the account."""
    return set(
        Task.objects.filter(
            account=account, source_kind=source_kind, status=TaskStatus.OPEN
        ).values_list("source_id", flat=True)
    )


def tasks_due_by_owner(*, today: date) -> dict[int, list[Task]]:
    """Open tasks due today or overdue, by owner, on accounts still shown (for the digest)."""
    due: dict[int, list[Task]] = {}
    tasks = Task.objects.filter(
        status=TaskStatus.OPEN, due_on__lte=today, account__archived_at__isnull=True
    )
    for task in _listed(tasks).iterator(chunk_size=2000):
        due.setdefault(task.owner_id, []).append(task)
    return due
