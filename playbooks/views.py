"""Pages and actions of the playbook. Lookups go through `get_account_for_user` and
`get_proposal_for_user`: an outsider gets a 404, a wrong role a 403 (`NotAllowed`)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Account, Phase
from accounts.queries import get_account_for_user
from churnguard.http import AuthedRequest
from churnguard.redirects import safe_next_url
from playbooks.forms import (
    ApprovalFilterForm,
    BulkApprovalForm,
    CommentForm,
    DecisionForm,
    OutcomeForm,
    PlayCheckForm,
    ProposalForm,
)
from playbooks.levers import LeverParamError
from playbooks.models import Outcome, Play, Proposal
from playbooks.presenters import (
    catalogue_rows,
    param_rows,
    playbook_panel,
    proposal_actions,
    proposal_form,
)
from playbooks.queries import (
    active_levers,
    approval_queue_rows,
    get_proposal_for_user,
    play_checklist,
    proposal_events,
    visible_proposals,
    waiting_for_admin,
)
from playbooks.services import (
    LeverNotEligible,
    ProposalError,
    apply_proposal,
    approve_proposal,
    decide_proposals,
    end_proposal,
    propose_lever,
    record_outcome,
    reject_proposal,
    set_play_done,
    start_plays,
    submit_proposal,
    withdraw_proposal,
)
from teams.access import is_manager, role_required


def _account_url(account: Account, anchor: str = "playbook-panel") -> str:
    return reverse("accounts:detail", args=[account.pk]) + f"#{anchor}"


def _next_or(request: AuthedRequest, default: str) -> str:
    return safe_next_url(request, default)


def _panel(
    request: AuthedRequest, account: Account, *, form: ProposalForm | None, notice: str
) -> HttpResponse:
    """The account page's playbook panel alone, for htmx to swap in."""
    today = timezone.localdate()
    context = {
        "account": account,
        "notice": notice,
        **playbook_panel(account=account, user=request.user, today=today, form=form),
    }
    return render(request, "playbooks/account_panel.html#playbook-panel", context)


def _propose(request: AuthedRequest, account: Account, form: ProposalForm) -> Proposal | None:
    data = form.cleaned_data
    try:
        return propose_lever(
            account=account,
            lever=data["lever"],
            params=form.params(),
            give_back=data["give_back"],
            justification=data["justification"],
            user=request.user,
            today=timezone.localdate(),
            submit=not form.is_draft,
        )
    except LeverParamError as error:
        form.add_error(form.param_field(error.field), error.message)
    except LeverNotEligible as error:
        form.add_error("lever", error.message)
    except ProposalError as error:
        form.add_error(None, error.message)
    return None


def _confirmation(proposal: Proposal) -> str:
    if proposal.state == "approved":
        return _(
            "Approved at once: it is within the auto-approval thresholds. "
            "Apply it when the customer agrees."
        )
    if proposal.state == "submitted":
        who = proposal.get_required_approver_display()
        return _("Submitted: %(who)s decides on it.") % {"who": who}
    return _("Saved as a draft: submit it when it is ready.")


@require_http_methods(["GET", "POST"])
def proposal_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Propose a lever for an account: from the account page's panel (htmx) or its own page."""
    account = get_account_for_user(request.user, pk)
    levers = list(active_levers())
    if request.method == "GET":
        lever = next((item for item in levers if str(item.pk) == request.GET.get("lever")), None)
        form = proposal_form(account=account, levers=levers, lever=lever)
        template = "playbooks/proposal_form.html"
        if request.htmx:
            template += "#proposal-form"
        # The panel's form posts back into the panel; the stand-alone page's posts the page.
        in_panel = bool(request.htmx) and request.GET.get("panel") == "1"
        context = {"account": account, "form": form, "in_panel": in_panel}
        return render(request, template, context)
    form = ProposalForm(request.POST, levers=levers)
    proposal = _propose(request, account, form) if form.is_valid() else None
    if request.htmx:
        # 200 either way: htmx swaps only successful responses, and the errors must show.
        notice = _confirmation(proposal) if proposal else ""
        return _panel(request, account, form=None if proposal else form, notice=notice)
    if proposal is None:
        messages.error(request, _("The lever was not proposed: please correct the errors below."))
        context = {"account": account, "form": form, "in_panel": False}
        return render(request, "playbooks/proposal_form.html", context, status=400)
    messages.success(request, _confirmation(proposal))
    return redirect(_account_url(account))


@require_GET
def proposal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    context = {
        "proposal": proposal,
        "account": proposal.account,
        "params": param_rows(proposal),
        "events": proposal_events(proposal),
        "actions": proposal_actions(proposal, request.user),
        "decision_form": DecisionForm(),
        "outcome_form": OutcomeForm(initial={"outcome": proposal.outcome}),
    }
    return render(request, "playbooks/proposal_detail.html", context)


def _act(
    request: AuthedRequest, pk: int, action: Callable[[Proposal], object], done: str
) -> HttpResponse:
    """Shared shape of the proposal buttons: look up, call one service, say what happened."""
    proposal = get_proposal_for_user(request.user, pk)
    try:
        action(proposal)
    except ProposalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_next_or(request, reverse("playbooks:proposal-detail", args=[pk])))


def _comment(request: AuthedRequest) -> str:
    form = CommentForm(request.POST)
    return form.cleaned_data["comment"] if form.is_valid() else ""


@require_POST
def proposal_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    return _act(
        request,
        pk,
        lambda p: submit_proposal(proposal=p, user=request.user, today=today),
        _("Proposal submitted."),
    )


@require_POST
def proposal_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    comment = _comment(request)
    return _act(
        request,
        pk,
        lambda p: withdraw_proposal(proposal=p, user=request.user, comment=comment),
        _("Proposal withdrawn."),
    )


@require_POST
def proposal_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    return _act(
        request,
        pk,
        lambda p: apply_proposal(proposal=p, user=request.user, today=today),
        _("Lever applied: it is running from today."),
    )


@require_POST
def proposal_end(request: AuthedRequest, pk: int) -> HttpResponse:
    today, comment = timezone.localdate(), _comment(request)
    return _act(
        request,
        pk,
        lambda p: end_proposal(proposal=p, user=request.user, today=today, comment=comment),
        _("Lever ended."),
    )


@require_POST
def proposal_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    get_proposal_for_user(request.user, pk)  # an outsider gets a 404 before anything else
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pick an outcome: saved, lost or not known yet."))
        return redirect(reverse("playbooks:proposal-detail", args=[pk]))
    outcome = form.cleaned_data["outcome"]
    done = _("Outcome recorded: %(outcome)s.") % {"outcome": Outcome(outcome).label}
    user = request.user
    return _act(request, pk, lambda p: record_outcome(proposal=p, outcome=outcome, user=user), done)


@require_POST
@role_required(is_manager)
def proposal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """Approve or reject; from the queue (htmx: the updated row) or the proposal page."""
    proposal = get_proposal_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    error = ""
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == "approve":
                approve_proposal(proposal=proposal, approver=request.user, comment=comment)
            else:
                reject_proposal(proposal=proposal, approver=request.user, comment=comment)
        except ProposalError as failure:
            error = failure.message
    else:
        error = str(next(iter(e for errors in form.errors.values() for e in errors)))
    if request.htmx:
        now = get_proposal_for_user(request.user, pk)  # as it is now, whoever won
        context = {
            "proposal": now,
            "params": param_rows(now),
            "error": error,
            "comment": request.POST.get("comment", ""),
        }
        return render(request, "playbooks/approval_queue.html#queue-row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Decision recorded; the proposer gets an e-mail."))
    return redirect(_next_or(request, reverse("playbooks:proposal-detail", args=[pk])))


APPROVAL_PAGE_SIZE = 50


def _approval_page(
    request: AuthedRequest, *, bulk_form: BulkApprovalForm | None = None, status: int = 200
) -> HttpResponse:
    """The queue as the query string filters it; a refused bulk decision re-renders it (400)."""
    filters = ApprovalFilterForm(request.GET, user=request.user)
    rows = approval_queue_rows(request.user, filters.to_filters())
    page = Paginator(rows, APPROVAL_PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {row.pk for row in bulk_form.cleaned_data.get("ids", [])} if bulk_form else set()
    context = {
        "filters": filters,
        "page": page,
        "rows": [(proposal, param_rows(proposal)) for proposal in page.object_list],
        "waiting_for_admin": waiting_for_admin(request.user),
        "bulk_form": bulk_form,
        "chosen": chosen,
    }
    return render(request, "playbooks/approval_queue.html", context, status=status)


@require_GET
@role_required(is_manager)
def approval_queue(request: AuthedRequest) -> HttpResponse:
    return _approval_page(request)


@require_POST
@role_required(is_manager)
def approval_bulk_decide(request: AuthedRequest) -> HttpResponse:
    """Approve or reject the selected proposals with one reason: all of them or none."""
    # Any visible proposal may be selected: one decided meanwhile is then named by the service
    # ("already approved by ..."), not refused as a stranger.
    rows = visible_proposals(request.user).select_related("account")
    form = BulkApprovalForm(request.POST, rows=rows)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = decide_proposals(
                proposals=list(data["ids"]),
                approver=request.user,
                decision=data["decision"],
                comment=data["comment"],
            )
        except ProposalError as refused:
            form.add_error(None, refused.message)
        else:
            done = ngettext(
                "%(count)s proposal decided; each proposer gets an e-mail.",
                "%(count)s proposals decided; each proposer gets an e-mail.",
                len(decided),
            ) % {"count": len(decided)}
            messages.success(request, done)
            query = "?" + request.GET.urlencode() if request.GET else ""
            return redirect(reverse("playbooks:approvals") + query)
    return _approval_page(request, bulk_form=form, status=400)


@require_GET
def lever_list(request: AuthedRequest) -> HttpResponse:
    """The catalogue, and what each lever granted so far cost and saved."""
    return render(request, "playbooks/lever_list.html", {"rows": catalogue_rows(request.user)})


@require_POST
def play_check(request: AuthedRequest, pk: int, play_pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    play = get_object_or_404(Play, pk=play_pk, is_active=True)
    form = PlayCheckForm(request.POST)
    done = form.is_valid() and form.cleaned_data["done"]
    set_play_done(account=account, play=play, user=request.user, done=done)
    if not request.htmx:
        return redirect(_account_url(account, "play-checklist"))
    playbook = {
        "plays": play_checklist(account),
        "phase_label": Phase(account.phase).label if account.phase else "",
    }
    context = {"account": account, "playbook": playbook}
    return render(request, "playbooks/account_panel.html#play-checklist", context)


@require_POST
def plays_start(request: AuthedRequest, pk: int) -> HttpResponse:
    """Playing the phase: each play not done yet becomes a task for the account's owner."""
    account = get_account_for_user(request.user, pk)
    created = start_plays(account=account, user=request.user, today=timezone.localdate())
    if created:
        messages.success(
            request,
            ngettext("%(count)d play is now a task.", "%(count)d plays are now tasks.", created)
            % {"count": created},
        )
    else:
        messages.info(request, _("Every play of this phase is already done or a task."))
    return redirect(_account_url(account, "account-tasks"))
