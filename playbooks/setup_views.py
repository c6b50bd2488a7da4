"""The admin's set-up pages: the lever catalogue, the crisis strategy, the approval thresholds.

Admins only (`role_required(is_admin)`). Each page shows what is in force and its history,
and posts one form to one service; a refused form comes back with its errors and status 400,
having written nothing.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from churnguard.http import AuthedRequest
from playbooks.models import Lever
from playbooks.queries import policy_in_force
from playbooks.setup_forms import ApprovalPolicyForm, LeverSetupForm, StrategyForm
from playbooks.setup_presenters import (
    dated_rows,
    lever_history,
    param_unit_text,
    policy_now,
    strategy_now,
)
from playbooks.setup_queries import (
    get_lever,
    lever_changes,
    policy_history,
    setup_levers,
    strategy_history,
)
from playbooks.setup_services import (
    SetupError,
    set_approval_policy,
    set_strategy,
    update_lever,
)
from teams.access import is_admin, role_required


def _say_not_saved(request: AuthedRequest) -> None:
    messages.error(request, _("Nothing was saved: please correct the errors below."))


@require_GET
@role_required(is_admin)
def setup_home(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "levers": list(setup_levers()),
        "strategy": strategy_now(list(strategy_history()), today),
        "policy": policy_now(list(policy_history()), today),
    }
    return render(request, "playbooks/setup/setup_home.html", context)


def _lever_page(
    request: AuthedRequest, lever: Lever, form: LeverSetupForm, *, status: int = 200
) -> HttpResponse:
    currency = policy_in_force(timezone.localdate()).currency
    params = [(param, param_unit_text(param.unit, currency)) for param in form.param_fields()]
    context = {
        "lever": lever,
        "form": form,
        "params": params,
        "currency": currency,
        "history": lever_history(lever, list(lever_changes(lever)), currency),
    }
    return render(request, "playbooks/setup/lever_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(is_admin)
def lever_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    lever = get_lever(pk)
    if request.method == "GET":
        return _lever_page(request, lever, LeverSetupForm(lever=lever))
    form = LeverSetupForm(request.POST, lever=lever)
    if form.is_valid():
        try:
            change = update_lever(
                lever=lever,
                fields=form.changes(),
                user=request.user,
                note=form.cleaned_data["note"].strip(),
                now=timezone.now(),
            )
        except SetupError as error:
            form.add_error(None, error.message)
        else:
            if change is None:
                messages.info(request, _("Nothing changed: the lever is as it was."))
            else:
                messages.success(request, _("Lever saved; CSMs see the new settings at once."))
            return redirect("playbooks:setup-lever", pk=lever.pk)
    _say_not_saved(request)
    return _lever_page(request, lever, form, status=400)


def _strategy_page(
    request: AuthedRequest, form: StrategyForm, *, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    rows = list(strategy_history())
    context = {
        "form": form,
        "now": strategy_now(rows, today),
        "history": dated_rows(rows, today),
    }
    return render(request, "playbooks/setup/strategy.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(is_admin)
def strategy_setup(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "GET":
        return _strategy_page(request, StrategyForm(today=today, initial={"effective_from": today}))
    form = StrategyForm(request.POST, today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            setting = set_strategy(
                strategy=data["strategy"],
                effective_from=data["effective_from"],
                note=data["note"].strip(),
                user=request.user,
                today=today,
            )
        except SetupError as error:
            form.add_error(error.field, error.message)
        else:
            if setting.effective_from > today:
                messages.success(request, _("Strategy scheduled."))
            else:
                messages.success(request, _("Strategy in force from today."))
            return redirect("playbooks:setup-strategy")
    _say_not_saved(request)
    return _strategy_page(request, form, status=400)


def _thresholds_page(
    request: AuthedRequest, form: ApprovalPolicyForm, *, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    rows = list(policy_history())
    context = {
        "form": form,
        "now": policy_now(rows, today),
        "history": dated_rows(rows, today),
    }
    return render(request, "playbooks/setup/thresholds.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(is_admin)
def thresholds_setup(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "GET":
        policy = policy_in_force(today)
        initial = {
            "effective_from": today,
            "currency": policy.currency,
            "auto_cash": policy.thresholds.auto_cash,
            "auto_mrr": policy.thresholds.auto_mrr,
            "manager_cash": policy.thresholds.manager_cash,
            "manager_mrr": policy.thresholds.manager_mrr,
        }
        return _thresholds_page(request, ApprovalPolicyForm(today=today, initial=initial))
    form = ApprovalPolicyForm(request.POST, today=today)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            new_policy = set_approval_policy(
                **{**data, "note": data["note"].strip()}, user=request.user, today=today
            )
        except SetupError as error:
            form.add_error(error.field, error.message)
        else:
            if new_policy.effective_from > today:
                messages.success(request, _("Approval thresholds scheduled."))
            else:
                messages.success(request, _("Approval thresholds in force from today."))
            return redirect("playbooks:setup-thresholds")
    _say_not_saved(request)
    return _thresholds_page(request, form, status=400)
