"""The admin's set-up pages: the lever catalogue, the crisis strategy, the approval thresholds.

Admins only (`role_required(is_admin)`). Each page shows what is in force and its history,
and posts one form to one service; a refused form comes back with its errors and status 400,
having written nothing.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from churnguard.http import AuthedRequest
from playbooks.models import ApprovalPolicy, Lever, StrategySetting
from playbooks.queries import policy_in_force
from playbooks.setup_forms import (
    ApprovalPolicyForm,
    DatedSettingForm,
    LeverSetupForm,
    StrategyForm,
)
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
from teams.models import User


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


@dataclass(frozen=True, slots=True)
class DatedSettingPage:
    """What differs between the strategy page and the thresholds page; the flow is the same."""

    form_class: type[StrategyForm] | type[ApprovalPolicyForm]
    template: str
    url_name: str
    history: Callable[[], list[Any]]
    now: Callable[[list[Any], date], object]
    save: Callable[[dict[str, Any], User, date], StrategySetting | ApprovalPolicy]
    scheduled: Promise
    in_force: Promise


def _dated_page(
    request: AuthedRequest, page: DatedSettingPage, form: DatedSettingForm, *, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    rows = page.history()
    context = {"form": form, "now": page.now(rows, today), "history": dated_rows(rows, today)}
    return render(request, page.template, context, status=status)


def _dated_setting(
    request: AuthedRequest, page: DatedSettingPage, initial: dict[str, object]
) -> HttpResponse:
    """Show the setting in force and its history; add a new one from a date."""
    today = timezone.localdate()
    if request.method == "GET":
        initial = {"effective_from": today, **initial}
        return _dated_page(request, page, page.form_class(today=today, initial=initial))
    form = page.form_class(request.POST, today=today)
    if form.is_valid():
        data = {**form.cleaned_data, "note": form.cleaned_data["note"].strip()}
        try:
            row = page.save(data, request.user, today)
        except SetupError as error:
            form.add_error(error.field, error.message)
        else:
            said = page.scheduled if row.effective_from > today else page.in_force
            messages.success(request, str(said))
            return redirect(page.url_name)
    _say_not_saved(request)
    return _dated_page(request, page, form, status=400)


STRATEGY_PAGE = DatedSettingPage(
    form_class=StrategyForm,
    template="playbooks/setup/strategy.html",
    url_name="playbooks:setup-strategy",
    history=lambda: list(strategy_history()),
    now=strategy_now,
    save=lambda data, user, today: set_strategy(**data, user=user, today=today),
    scheduled=gettext_lazy("Strategy scheduled."),
    in_force=gettext_lazy("Strategy in force from today."),
)
THRESHOLDS_PAGE = DatedSettingPage(
    form_class=ApprovalPolicyForm,
    template="playbooks/setup/thresholds.html",
    url_name="playbooks:setup-thresholds",
    history=lambda: list(policy_history()),
    now=policy_now,
    save=lambda data, user, today: set_approval_policy(**data, user=user, today=today),
    scheduled=gettext_lazy("Approval thresholds scheduled."),
    in_force=gettext_lazy("Approval thresholds in force from today."),
)


@require_http_methods(["GET", "POST"])
@role_required(is_admin)
def strategy_setup(request: AuthedRequest) -> HttpResponse:
    return _dated_setting(request, STRATEGY_PAGE, {})


@require_http_methods(["GET", "POST"])
@role_required(is_admin)
def thresholds_setup(request: AuthedRequest) -> HttpResponse:
    # The form starts from the thresholds in force, defaults included.
    policy = policy_in_force(timezone.localdate())
    initial = {"currency": policy.currency, **asdict(policy.thresholds)}
    return _dated_setting(request, THRESHOLDS_PAGE, initial)
