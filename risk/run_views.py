"""Rescoring runs (progress, history, "rescore now") and the expected-churn queue."""

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from accounts.queries import visible_accounts
from churnguard.broker import broker_available
from churnguard.http import AuthedRequest
from churnguard.redirects import safe_next_url
from risk.forms import DecisionForm
from risk.models import ExpectedChurn, ExpectedChurnStatus, RescoreRun, RunTrigger
from risk.services import expected_churn as churn
from risk.services.runs import RunAlreadyRunning, running_run, start_rescore_run
from teams.access import is_manager, role_required


def _runs_context() -> dict:
    return {"current": running_run(), "runs": RescoreRun.objects.select_related("risk_model")[:20]}


@require_GET
@role_required(is_manager)
def run_list(request: AuthedRequest):
    template = "risk/run_list.html"
    if request.htmx:
        template += "#run-progress"
    return render(request, template, _runs_context())


@require_POST
@role_required(is_manager)
def run_start(request: AuthedRequest):
    if not broker_available():
        messages.error(
            request,
            _(
                "The task queue is unreachable, so rescoring could not start. "
                "Nothing was changed; try again in a few minutes."
            ),
        )
        return redirect("runs:list")
    try:
        run = start_rescore_run(trigger=RunTrigger.MANUAL, user=request.user)
    except RunAlreadyRunning as running:
        messages.warning(request, _("Run %(id)s is still running.") % {"id": running.run.pk})
    else:
        messages.success(request, _("Rescoring started (run %(id)s).") % {"id": run.pk})
    return redirect("runs:list")


def get_proposal_for_user(user, pk: int) -> ExpectedChurn:
    """An expected-churn proposal on an account the user may see; 404 otherwise."""
    return get_object_or_404(
        ExpectedChurn.objects.select_related("account", "decided_by", "lift_requested_by"),
        pk=pk,
        account__in=visible_accounts(user),
    )


@require_GET
@role_required(is_manager)
def expected_churn_queue(request: AuthedRequest):
    mine = ExpectedChurn.objects.filter(account__in=visible_accounts(request.user))
    pending = (
        mine.filter(status=ExpectedChurnStatus.PROPOSED)
        .select_related("account", "account__owner")
        .order_by("-account__mrr")[:200]
    )
    lift_requests = mine.filter(
        status=ExpectedChurnStatus.CONFIRMED, lift_requested_at__isnull=False
    ).select_related("account", "lift_requested_by")
    confirmed = mine.filter(status=ExpectedChurnStatus.CONFIRMED)
    context = {
        "pending": pending,
        "lift_requests": lift_requests,
        "confirmed_count": confirmed.count(),
        "confirmed_mrr": confirmed.aggregate(total=Sum("account__mrr"))["total"] or 0,
        "form": DecisionForm(),
    }
    return render(request, "risk/expected_churn_queue.html", context)


_DECISIONS = {
    "confirm": lambda p, u, r: churn.confirm(proposal=p, manager=u, reason=r),
    "dismiss": lambda p, u, r: churn.dismiss(
        proposal=p, manager=u, reason=r, today=timezone.localdate()
    ),
    "lift": lambda p, u, r: churn.lift(proposal=p, manager=u, reason=r),
    "request-lift": lambda p, u, r: churn.request_lift(proposal=p, user=u, reason=r),
}


@require_POST
def expected_churn_decide(request: AuthedRequest, pk: int, decision: str):
    proposal = get_proposal_for_user(request.user, pk)
    if decision not in _DECISIONS:
        return redirect("accounts:detail", pk=proposal.account_id)
    form = DecisionForm(request.POST)
    error = None
    if form.is_valid():
        try:
            proposal = _DECISIONS[decision](proposal, request.user, form.cleaned_data["reason"])
        except churn.DecisionError as refused:
            error = str(refused)
    else:
        error = _("A reason is required: the decision is shared with the team.")
    if request.htmx:
        response = render(
            request,
            "risk/expected_churn_queue.html#proposal-row",
            {"p": proposal, "error": error, "form": form},
            status=400 if error else 200,
        )
        return trigger_client_event(response, "expectedChurnDecided") if not error else response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Decision recorded."))
    fallback = reverse("accounts:detail", args=[proposal.account_id])
    return redirect(safe_next_url(request, fallback))
