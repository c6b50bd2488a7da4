"""The task list and the actions on one task. Every lookup goes through `get_task_for_user`
(or `get_account_for_user`): a task on another team's account is a 404.

Actions answer htmx with the task's row (`tasks/task_row.html`), and redirect otherwise to the
page the form names in `next`.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.queries import get_account_for_user
from churnguard.http import AuthedRequest
from churnguard.redirects import safe_next_url
from tasks.forms import CloseForm, RescheduleForm, TaskFilterForm, TaskForm
from tasks.models import Task, TaskStatus
from tasks.queries import CLOSED, TaskFilters, get_task_for_user, task_list
from tasks.services import TaskError, cancel_task, complete_task, create_task, reschedule_task
from tasks.titles import with_titles
from teams.access import ALL_TEAMS, is_manager, visible_team_ids
from teams.models import Team, User
from teams.queries import owners_visible_to

PAGE_SIZE = 50


def _filters(request: AuthedRequest, form: TaskFilterForm) -> TaskFilters:
    data = form.cleaned_data if form.is_valid() else {}
    status = CLOSED if data.get("status") == CLOSED else TaskStatus.OPEN
    owner_choice = data.get("owner", "")
    owner: int | None = request.user.pk
    if owner_choice == "all":
        owner = None
    elif owner_choice:
        owner = int(owner_choice)
    return TaskFilters(
        owner=owner,
        team=data.get("team"),
        overdue=bool(data.get("overdue")),
        status=status,
    )


def _visible_teams(user: User):
    teams = visible_team_ids(user)
    return Team.objects.all() if teams is ALL_TEAMS else Team.objects.filter(pk__in=teams)


@require_GET
def task_list_page(request: AuthedRequest) -> HttpResponse:
    """My tasks; a manager or an admin can look at a team's or a CSM's, or the overdue ones."""
    manager = is_manager(request.user)
    form = TaskFilterForm(
        request.GET or None,
        owners=owners_visible_to(request.user) if manager else None,
        teams=_visible_teams(request.user) if manager else None,
    )
    filters = _filters(request, form)
    tasks = task_list(user=request.user, filters=filters, today=timezone.localdate())
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    with_titles(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "today": timezone.localdate(),
        "query": query.urlencode(),
        "here": request.get_full_path(),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "tasks/task_list.html", context, status=status)


@require_POST
def task_create(request: AuthedRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    form = TaskForm(request.POST, owners=owners_visible_to(request.user))
    if form.is_valid():
        try:
            create_task(account=account, created_by=request.user, **form.cleaned_data)
        except TaskError as error:
            form.add_error("owner", error.message)
        else:
            messages.success(request, _("Task added."))
            return redirect(reverse("accounts:detail", args=[pk]) + "#account-tasks")
    messages.error(request, _("The task was not added: please correct the errors."))
    return render(request, "tasks/task_form.html", {"account": account, "form": form}, status=400)


def _row(request: AuthedRequest, task: Task, *, status: int = 200, **extra: object) -> HttpResponse:
    if request.htmx:
        task = get_task_for_user(request.user, task.pk)
        with_titles([task])
        context = {"task": task, "today": timezone.localdate(), **extra}
        return render(request, "tasks/task_row.html", context, status=status)
    return redirect(safe_next_url(request, reverse("tasks:list")))


def _close(request: AuthedRequest, pk: int, close: Callable[..., Task], done: str) -> HttpResponse:
    """Done or cancelled: the same form (an optional note), the same answers."""
    task = get_task_for_user(request.user, pk)
    form = CloseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        task = close(task=task, user=request.user, note=note)
    except TaskError as error:
        messages.info(request, error.message)
    else:
        if not request.htmx:
            messages.success(request, done)
    return _row(request, task)


@require_POST
def task_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    return _close(request, pk, complete_task, _("Task done."))


@require_POST
def task_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _close(request, pk, cancel_task, _("Task cancelled."))


@require_POST
def task_reschedule(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _row(request, task, status=400, reschedule_form=form)
        messages.error(request, _("Not rescheduled: %(errors)s") % {"errors": _errors(form)})
        return redirect(safe_next_url(request, reverse("tasks:list")))
    try:
        task = reschedule_task(task=task, user=request.user, due_on=form.cleaned_data["due_on"])
    except TaskError as error:
        messages.info(request, error.message)
    else:
        if not request.htmx:
            messages.success(request, _("Task rescheduled."))
    return _row(request, task)


def _errors(form: RescheduleForm) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
