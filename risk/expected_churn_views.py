"""The expected-churn queue: managers confirm, dismiss or lift the accounts expected to churn,
one row at a time or several at once with one reason."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from churnguard.http import AuthedRequest
from churnguard.redirects import safe_next_url
from risk.forms import BulkDecisionForm, DecisionForm, ExpectedChurnFilterForm
from risk.models import ExpectedChurnStatus
from risk.queries import (
    confirmed_expected_churn_totals,
    get_expected_churn_for_user,
    visible_expected_churns,
)
from risk.queries import (
    expected_churn_queue as queue_rows,
)
from risk.services import expected_churn as churn
from teams.access import is_manager, role_required

PAGE_SIZE = 50


def _queue_page(
    request: AuthedRequest, *, bulk_form: BulkDecisionForm | None = None, status: int = 200
) -> HttpResponse:
    """The queue as the query string filters it; a refused bulk decision re-renders it (400)."""
    user = request.user
    filters = ExpectedChurnFilterForm(request.GET, user=user)
    rows = queue_rows(user, filters.to_filters(), status=filters.to_status())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    lift_requests = (
        visible_expected_churns(user)
        .filter(status=ExpectedChurnStatus.CONFIRMED, lift_requested_at__isnull=False)
        .select_related("account", "lift_requested_by")
        .order_by("lift_requested_at")[:PAGE_SIZE]
    )
    totals = confirmed_expected_churn_totals(user)
    chosen = {row.pk for row in bulk_form.cleaned_data.get("ids", [])} if bulk_form else set()
    context = {
        "filters": filters,
        "page": page,
        "status": filters.to_status(),
        "lift_requests": lift_requests,
        "confirmed_count": totals["count"],
        "confirmed_mrr": totals["mrr"] or 0,
        "bulk_form": bulk_form,
        "chosen": chosen,
    }
    return render(request, "risk/expected_churn_queue.html", context, status=status)


@require_GET
@role_required(is_manager)
def expected_churn_queue(request: AuthedRequest) -> HttpResponse:
    return _queue_page(request)


@require_POST
@role_required(is_manager)
def expected_churn_bulk_decide(request: AuthedRequest) -> HttpResponse:
    """Confirm, dismiss or lift the selected rows with one reason: all of them or none."""
    rows = visible_expected_churns(request.user).select_related("account")
    form = BulkDecisionForm(request.POST, rows=rows)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = churn.decide_many(
                proposals=list(data["ids"]),
                manager=request.user,
                decision=data["decision"],
                reason=data["reason"],
                today=timezone.localdate(),
            )
        except churn.DecisionError as refused:
            form.add_error(None, str(refused))
        else:
            done = ngettext(
                "Decision recorded for %(count)s account.",
                "Decision recorded for %(count)s accounts.",
                len(decided),
            ) % {"count": len(decided)}
            messages.success(request, done)
            return redirect(reverse("runs:expected-churn-queue") + _query(request))
    return _queue_page(request, bulk_form=form, status=400)


def _query(request: AuthedRequest) -> str:
    # The bulk form posts to a URL carrying the queue's filters, so the page comes back as it was.
    return "?" + request.GET.urlencode() if request.GET else ""


_DECISIONS = {
    "confirm": lambda p, u, r: churn.confirm(proposal=p, manager=u, reason=r),
    "dismiss": lambda p, u, r: churn.dismiss(
        proposal=p, manager=u, reason=r, today=timezone.localdate()
    ),
    "lift": lambda p, u, r: churn.lift(proposal=p, manager=u, reason=r, today=timezone.localdate()),
    "request-lift": lambda p, u, r: churn.request_lift(proposal=p, user=u, reason=r),
}


@require_POST
def expected_churn_decide(request: AuthedRequest, pk: int, decision: str) -> HttpResponse:
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
