"""The expected-churn queue: managers confirm, dismiss or lift the accounts expected to churn."""

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from churnguard.http import AuthedRequest
from churnguard.redirects import safe_next_url
from risk.forms import DecisionForm
from risk.models import ExpectedChurnStatus
from risk.queries import get_expected_churn_for_user, visible_expected_churns
from risk.services import expected_churn as churn
from teams.access import is_manager, role_required


@require_GET
@role_required(is_manager)
def expected_churn_queue(request: AuthedRequest):
    mine = visible_expected_churns(request.user)
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
    proposal = get_expected_churn_for_user(request.user, pk)
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
