from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.forms import (
    AccountForm,
    OutcomeKpiForm,
    PhaseForm,
    SignalReadingForm,
    StakeholderForm,
    UsageSnapshotForm,
)
from accounts.queries import get_account_for_user, get_stakeholder_for_user
from accounts.services import (
    add_stakeholder,
    archive_account,
    change_phase,
    mark_stakeholder_left,
    record_kpi,
    record_signal,
    record_usage,
    update_account,
)
from churnguard.http import AuthedRequest
from playbooks.presenters import playbook_panel
from risk.forms import BandOverrideForm, WhatIfForm
from risk.presenters import risk_panel
from risk.views import render_with_live_risk
from tasks.forms import TaskForm
from tasks.models import Task
from tasks.queries import account_open_tasks, get_task_for_user
from tasks.titles import with_titles
from teams.access import is_manager, role_required
from teams.models import User
from teams.queries import owners_visible_to
from workspace.forms import TouchpointWithFollowUpForm
from workspace.services import log_touchpoint_with_follow_up
from workspace.triage_page import render_triage


@require_GET
def account_list(request: AuthedRequest):
    filter_form_html, table_html = render_triage(request)
    response: HttpResponse
    # A history restore (htmx's cache missed) needs the whole page, like a boosted request.
    if request.htmx and not (request.htmx.boosted or request.htmx.history_restore_request):
        response = HttpResponse(table_html)
    else:
        context = {"filter_form_html": filter_form_html, "table_html": table_html}
        response = render(request, "accounts/account_list.html", context)
    # Same URL, two bodies: caches (and the back button) must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _account_task(user: User, account, task_id: object) -> Task | None:
    """The open task `?task=` names, if it is one of this account's; None otherwise."""
    if not isinstance(task_id, str | int) or not str(task_id).isdigit():
        return None
    try:
        task = get_task_for_user(user, int(task_id))
    except Http404:
        return None
    return task if task.account_id == account.pk and task.is_open else None


def _touchpoint_form(working_on: Task | None) -> TouchpointWithFollowUpForm:
    initial: dict[str, object] = {"happened_at": timezone.localtime()}
    if working_on is not None:
        initial["task"] = working_on.pk
    return TouchpointWithFollowUpForm(initial=initial)


def _task_context(request: AuthedRequest, account) -> dict:
    """The tasks panel: the account's open tasks, the new-task form, the task being worked on."""
    working_on = _account_task(request.user, account, request.GET.get("task"))
    owners = owners_visible_to(request.user).filter(
        Q(team_id=account.team_id) | Q(pk=request.user.pk)
    )
    tasks = list(account_open_tasks(account))
    with_titles([*tasks, *([working_on] if working_on else [])])
    return {
        "account_tasks": tasks,
        "working_on": working_on,
        "task_form": TaskForm(
            owners=owners,
            initial={"owner": account.owner_id or request.user.pk, "due_on": timezone.localdate()},
        ),
        "account_url": reverse("accounts:detail", args=[account.pk]),
        "touchpoint_form": _touchpoint_form(working_on),
    }


def _detail_context(request: AuthedRequest, account, **overrides) -> dict:
    today = timezone.localdate()
    context = {
        "account": account,
        "stakeholders": account.stakeholders.all(),
        "touchpoints": account.touchpoints.select_related("author")[:50],
        "fact_changes": account.fact_changes.select_related("changed_by")[:20],
        "usage": account.usage.all()[:6],
        "kpis": account.kpis.all(),
        "signals": account.signals.all()[:20],
        "phase_form": PhaseForm(initial={"phase": account.phase}),
        "stakeholder_form": StakeholderForm(),
        "usage_form": UsageSnapshotForm(initial={"on": today}),
        "kpi_form": OutcomeKpiForm(initial={"as_of": today}),
        "signal_form": SignalReadingForm(initial={"as_of": today}),
        "what_if_form": WhatIfForm(
            initial={
                "phase": account.phase,
                "renewal_on": account.renewal_date,
                "planned_go_live_on": account.planned_go_live,
                "signing_discount_pct": account.signing_discount_pct,
                "funding_stage": account.funding_stage,
                "cash_runway_months": account.cash_runway_months,
                "monthly_burn": account.monthly_burn,
                "late_payments": account.late_payments,
            }
        ),
        "override_form": BandOverrideForm(),
        **risk_panel(account, today=today),
        **playbook_panel(account=account, user=request.user, today=today),
        **_task_context(request, account),
        "today": today,
    }
    context.update(overrides)
    return context


@require_GET
def account_detail(request: AuthedRequest, pk: int):
    account = get_account_for_user(request.user, pk)
    return render(request, "accounts/account_detail.html", _detail_context(request, account))


@require_POST
@role_required(is_manager)
def account_archive(request: AuthedRequest, pk: int):
    """Managers and admins archive an account: hidden everywhere, its history kept."""
    account = get_account_for_user(request.user, pk)
    archive_account(account=account, user=request.user)
    messages.success(
        request,
        _("%(name)s is archived: it no longer shows anywhere; its history is kept.")
        % {"name": account.name},
    )
    return redirect("accounts:list")


@require_http_methods(["GET", "POST"])
def account_edit(request: AuthedRequest, pk: int):
    account = get_account_for_user(request.user, pk)
    owners = owners_visible_to(request.user)
    form = AccountForm(request.POST or None, instance=account, owners=owners)
    if request.method == "POST":
        if form.is_valid():
            changed = update_account(
                account=get_account_for_user(request.user, pk),
                changes={name: form.cleaned_data[name] for name in form.changed_data},
                user=request.user,
            )
            if changed:
                messages.success(request, _("Account saved and rescored."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("accounts:detail", pk=pk)
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(request, "accounts/account_form.html", {"account": account, "form": form})


@require_POST
def touchpoint_create(request: AuthedRequest, pk: int):
    """Log a touchpoint; maybe a follow-up task; maybe complete the task the CSM came from."""
    account = get_account_for_user(request.user, pk)
    form = TouchpointWithFollowUpForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        task_id = data.pop("task")
        completes = None
        if task_id is not None:
            completes = get_task_for_user(request.user, task_id)
            if completes.account_id != account.pk:
                raise Http404("No such task on this account")
        log_touchpoint_with_follow_up(
            account=account, author=request.user, completes=completes, **data
        )
        if not request.htmx:
            messages.success(request, _("Touchpoint logged."))
            return redirect("accounts:detail", pk=pk)
        if completes is not None:
            with_titles([completes])
        context = _detail_context(request, account, completed=completes, oob_tasks=True)
        return render(request, "accounts/account_detail.html#touchpoints", context)
    if not request.htmx:
        messages.error(request, _("The touchpoint was not logged: please correct the errors."))
        return render(
            request,
            "accounts/account_detail.html",
            _detail_context(request, account, touchpoint_form=form),
            status=400,
        )
    context = _detail_context(request, account, touchpoint_form=form)
    return render(request, "accounts/account_detail.html#touchpoints", context, status=400)


# Out-of-band parts outside the risk panel that a phase change or a fact entry moves.
ACCOUNT_OOB = "accounts/account_detail.html#account-oob"


@require_POST
def phase_change(request: AuthedRequest, pk: int):
    account = get_account_for_user(request.user, pk)
    form = PhaseForm(request.POST)
    status = 200
    if form.is_valid():
        change_phase(
            account=account,
            phase=form.cleaned_data["phase"],
            user=request.user,
            today=timezone.localdate(),
        )
        account = get_account_for_user(request.user, pk)
        if not request.htmx:
            messages.success(request, _("Journey phase updated."))
            return redirect("accounts:detail", pk=pk)
    else:
        status = 400
        if not request.htmx:
            messages.error(request, _("Unknown journey phase."))
            return redirect("accounts:detail", pk=pk)
    response = render_with_live_risk(
        request,
        "accounts/account_detail.html#account-summary",
        _detail_context(request, account, phase_form=form),
        status=status,
        also=(ACCOUNT_OOB,),
    )
    return trigger_client_event(response, "accountChanged")


@require_POST
def stakeholder_create(request: AuthedRequest, pk: int):
    account = get_account_for_user(request.user, pk)
    form = StakeholderForm(request.POST)
    if form.is_valid():
        add_stakeholder(account=account, stakeholder=form.save(commit=False), user=request.user)
        if request.htmx:
            return _live_stakeholders(request, pk)
        messages.success(request, _("Stakeholder added."))
        return redirect("accounts:detail", pk=pk)
    context = _detail_context(request, account, stakeholder_form=form)
    if request.htmx:
        return render(request, "accounts/account_detail.html#stakeholders", context, status=400)
    messages.error(request, _("The stakeholder was not added: please correct the errors."))
    return render(request, "accounts/account_detail.html", context, status=400)


@require_POST
def stakeholder_left(request: AuthedRequest, pk: int, stakeholder_pk: int):
    account = get_account_for_user(request.user, pk)
    stakeholder = get_stakeholder_for_user(request.user, stakeholder_pk, account=account)
    if not stakeholder.has_left:
        mark_stakeholder_left(
            stakeholder=stakeholder, left_on=timezone.localdate(), user=request.user
        )
        if not request.htmx:
            messages.success(request, _("%(name)s marked as gone.") % {"name": stakeholder.name})
    if request.htmx:
        return _live_stakeholders(request, pk)
    return redirect("accounts:detail", pk=pk)


def _live_stakeholders(request: AuthedRequest, pk: int) -> HttpResponse:
    """The stakeholders section after a change, with the risk panel's parts it moved (a key
    stakeholder leaving scores at once) and the page's other out-of-band parts."""
    account = get_account_for_user(request.user, pk)
    return render_with_live_risk(
        request,
        "accounts/account_detail.html#stakeholders",
        _detail_context(request, account),
        also=(ACCOUNT_OOB,),
    )


def _record(
    request: AuthedRequest,
    pk: int,
    form_class,
    context_key: str,
    save,
    done: str,
    *,
    fragment: str,
):
    """Shared shape of the small fact forms: validate, call the service, then redirect (or
    re-render the page with errors); through htmx, answer with the form's own section and the
    risk panel's parts the new fact moved."""
    account = get_account_for_user(request.user, pk)
    form = form_class(request.POST)
    template = f"accounts/account_detail.html#{fragment}"
    if form.is_valid():
        save(account, form.cleaned_data)
        if request.htmx:
            account = get_account_for_user(request.user, pk)
            context = _detail_context(request, account)
            return render_with_live_risk(request, template, context, also=(ACCOUNT_OOB,))
        messages.success(request, done)
        return redirect("accounts:detail", pk=pk)
    context = _detail_context(request, account, **{context_key: form})
    if request.htmx:
        return render(request, template, context, status=400)
    messages.error(request, _("Nothing was saved: please correct the errors below."))
    return render(request, "accounts/account_detail.html", context, status=400)


@require_POST
def usage_create(request: AuthedRequest, pk: int):
    return _record(
        request,
        pk,
        UsageSnapshotForm,
        "usage_form",
        lambda account, data: record_usage(account=account, **data),
        _("Usage recorded and account rescored."),
        fragment="adoption",
    )


@require_POST
def kpi_create(request: AuthedRequest, pk: int):
    return _record(
        request,
        pk,
        OutcomeKpiForm,
        "kpi_form",
        lambda account, data: record_kpi(account=account, user=request.user, **data),
        _("Outcome KPI saved and account rescored."),
        fragment="outcome-kpis",
    )


@require_POST
def signal_create(request: AuthedRequest, pk: int):
    return _record(
        request,
        pk,
        SignalReadingForm,
        "signal_form",
        lambda account, data: record_signal(account=account, **data),
        _("Signal recorded and account rescored."),
        fragment="signals",
    )
