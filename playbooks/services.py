"""Writes of the playbook: proposals through their life, play checks, reminders.

Every state change of a proposal goes through `_move`, in one transaction: it locks the row,
checks the move against the state machine (`check_transition`) and the role rules
(`playbooks.rules`), updates the row only if it is still in the state it was read in, and
writes the `ProposalEvent`. E-mails leave on commit, so a rolled-back decision sends nothing.
"""

import calendar
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.ledger import change_mrr, extend_commitment
from accounts.models import Account
from churnguard.mail import single_line
from playbooks.catalogue import lever_spec
from playbooks.levers import (
    Impact,
    TransitionError,
    check_transition,
    compute_impact,
    is_eligible,
    required_approver,
    validate_params,
)
from playbooks.models import (
    STATE_LABELS,
    Lever,
    Outcome,
    Play,
    PlayCheck,
    Proposal,
    ProposalEvent,
)
from playbooks.queries import PolicyInForce, account_context, policy_in_force, strategy_in_force
from playbooks.rules import why_not_decide, why_not_manage, why_not_run
from playbooks.signals import proposal_decided, proposal_submitted
from tasks.models import SourceKind
from tasks.queries import open_source_ids
from tasks.services import (
    TaskError,
    complete_source_task,
    create_task_for_first_able,
    reopen_source_task,
)
from teams.models import User, email_language

logger = logging.getLogger(__name__)

REMINDER_DAYS_BEFORE = 14
# Started plays become tasks due one after the other, this many days apart (the first one too):
# a CSM works through a phase's steps over a few weeks, not all on one day.
PLAY_TASK_SPACING_DAYS = 3
# An approved give-back (a success story, a webinar...) is due this long after the decision.
GIVE_BACK_DUE_DAYS = 14
DECIDED = ("approved", "applied", "ended")


class ProposalError(ValueError):
    """A proposal cannot do this now (its state, a concurrent decision); `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LeverNotEligible(ProposalError):
    """The lever does not apply to this account (phase, band, segment...)."""


class NotAllowed(PermissionDenied):
    """The user's role does not allow this move; a view that does not catch it answers 403."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _approver_for(impact: Impact, currency: str, policy: PolicyInForce) -> str:
    if currency != policy.currency:
        # No exchange rates yet: an amount in another currency cannot be measured against the
        # thresholds, so the most senior approver signs it.
        return "admin"
    return required_approver(impact, policy.thresholds)


def _stored_impact(proposal: Proposal) -> Impact:
    return Impact(cash=proposal.cash_impact, mrr=proposal.mrr_impact, months=proposal.months)


@transaction.atomic
def propose_lever(
    *,
    account: Account,
    lever: Lever,
    params: Mapping[str, object],
    give_back: str,
    justification: str,
    user: User,
    today: date,
    submit: bool = True,
) -> Proposal:
    """Price a lever for an account and record the proposal (submitted unless `submit` is off).

    Raises LeverParamError (its `field` and `message` are for the form), LeverNotEligible, or
    ProposalError; nothing is saved then. Under the auto-approval thresholds the proposal is
    approved at once, by the system.
    """
    if account.is_churned:
        raise ProposalError(_("The account has churned: there is nothing left to negotiate."))
    if not lever.is_active:
        raise ProposalError(_("This lever is no longer offered."))
    try:
        spec = lever_spec(lever)
    except (ValueError, TypeError) as error:
        raise ProposalError(
            _("This lever is misconfigured: %(error)s") % {"error": error}
        ) from None
    cleaned = validate_params(spec, params)
    # The balance to spread is the CSM's figure: accounts do not record one yet.
    context = account_context(account, outstanding_balance=cleaned.get("balance"))
    eligible, reason = is_eligible(spec, context)
    if not eligible:
        raise LeverNotEligible(reason)
    if give_back and give_back not in spec.give_backs:
        raise ProposalError(_("Ask for something this lever allows in return."))
    if not justification.strip():
        raise ProposalError(_("Say why this lever, for this account, now."))
    impact = compute_impact(spec.kind, cleaned, context)
    now = timezone.now()
    proposal = Proposal.objects.create(
        account=account,
        lever=lever,
        kind=spec.kind,
        params={name: f"{value:f}" for name, value in cleaned.items()},
        cash_impact=impact.cash,
        mrr_impact=impact.mrr,
        currency=account.currency,
        months=impact.months,
        is_permanent=impact.is_permanent,
        is_cash_deferred=impact.is_cash_deferred,
        give_back=give_back,
        justification=justification.strip(),
        strategy=strategy_in_force(today),
        state="draft",
        # Known now for the draft's page; decided again on submission, under the policy then.
        required_approver=_approver_for(impact, account.currency, policy_in_force(today)),
        proposed_by=user,
        proposed_at=now,
    )
    ProposalEvent.objects.create(proposal=proposal, to_state="draft", actor=user, at=now)
    if submit:
        proposal = submit_proposal(proposal=proposal, user=user, today=today)
    return proposal


@transaction.atomic
def submit_proposal(*, proposal: Proposal, user: User, today: date) -> Proposal:
    """Draft → submitted, under the approval policy in force; auto-approved when small enough."""
    approver = _approver_for(_stored_impact(proposal), proposal.currency, policy_in_force(today))
    proposal = _move(
        proposal,
        to_state="submitted",
        actor=user,
        rule=why_not_manage,
        changes={"required_approver": approver},
    )
    if approver == "auto":
        proposal = _move(
            proposal,
            to_state="approved",
            actor=None,
            comment=_("Within the auto-approval thresholds."),
            changes={"decided_at": timezone.now()},
        )
        _give_back_task(proposal, decided_by=None, today=today)
    else:
        pk, account_id = proposal.pk, proposal.account_id
        transaction.on_commit(
            lambda: proposal_submitted.send_robust(
                sender=Proposal, proposal_id=pk, account_id=account_id
            )
        )
    return proposal


@transaction.atomic
def approve_proposal(*, proposal: Proposal, approver: User, comment: str = "") -> Proposal:
    proposal = _move(
        proposal,
        to_state="approved",
        actor=approver,
        comment=comment.strip(),
        rule=why_not_decide,
        changes={"decided_by": approver, "decided_at": timezone.now()},
    )
    _give_back_task(proposal, decided_by=approver, today=timezone.localdate())
    # robust: the decision is committed; a mail server that is down must not turn it into a 500.
    transaction.on_commit(partial(send_decision_email, proposal_id=proposal.pk), robust=True)
    _announce_decision(proposal, "approved")
    return proposal


def _give_back_task(proposal: Proposal, *, decided_by: User | None, today: date) -> None:
    """An approved lever with a give-back: the account owner gets the task to collect it.

    Idempotent (one open task per proposal). An owner who cannot take it (gone, moved team)
    leaves it to the proposer; if neither can, the approval still stands, without a task.
    """
    if not proposal.give_back:
        return
    try:
        create_task_for_first_able(
            owners=[proposal.account.owner, proposal.proposed_by],
            account=proposal.account,
            due_on=today + timedelta(days=GIVE_BACK_DUE_DAYS),
            created_by=decided_by,
            source_kind=SourceKind.GIVE_BACK,
            source_id=str(proposal.pk),
        )
    except TaskError:
        logger.warning("Proposal %s: nobody can take its give-back task", proposal.pk)


@transaction.atomic
def reject_proposal(*, proposal: Proposal, approver: User, comment: str) -> Proposal:
    """A rejection always says why: the CSM has to go back to the customer with something."""
    if not comment.strip():
        raise ProposalError(_("Say why you reject it: the CSM needs a reason."))
    proposal = _move(
        proposal,
        to_state="rejected",
        actor=approver,
        comment=comment.strip(),
        rule=why_not_decide,
        changes={"decided_by": approver, "decided_at": timezone.now()},
    )
    # robust: the decision is committed; a mail server that is down must not turn it into a 500.
    transaction.on_commit(partial(send_decision_email, proposal_id=proposal.pk), robust=True)
    _announce_decision(proposal, "rejected")
    return proposal


@transaction.atomic
def decide_proposals(
    *, proposals: Sequence[Proposal], approver: User, decision: str, comment: str
) -> list[Proposal]:
    """Approve or reject several submitted proposals with one comment, all or nothing.

    The comment is required both ways in bulk: each proposer receives it, and one line must
    explain a decision taken over many rows. Each proposal goes through `approve_proposal` /
    `reject_proposal` (who may decide what amount, not one's own, still submitted) in one
    transaction: if one is refused, ProposalError names its account and nothing is decided (no
    e-mail leaves either, they are sent on commit). Rows are taken in id order so two bulk
    decisions over the same rows cannot deadlock.
    """
    if decision not in ("approve", "reject"):
        raise ProposalError(_("Unknown decision."))
    if not comment.strip():
        raise ProposalError(_("A reason is required: each proposer receives it."))
    if not proposals:
        raise ProposalError(_("Select at least one proposal."))
    decided = []
    for proposal in sorted(proposals, key=lambda row: row.pk):
        try:
            if decision == "approve":
                decided.append(
                    approve_proposal(proposal=proposal, approver=approver, comment=comment)
                )
            else:
                decided.append(
                    reject_proposal(proposal=proposal, approver=approver, comment=comment)
                )
        except (ProposalError, NotAllowed) as refused:
            why = refused.message if isinstance(refused, ProposalError) else str(refused)
            raise ProposalError(
                _("Nothing was decided: %(account)s: %(why)s")
                % {"account": proposal.account.name, "why": why}
            ) from None
    return decided


@transaction.atomic
def withdraw_proposal(*, proposal: Proposal, user: User, comment: str = "") -> Proposal:
    return _move(
        proposal, to_state="withdrawn", actor=user, comment=comment.strip(), rule=why_not_manage
    )


@transaction.atomic
def apply_proposal(*, proposal: Proposal, user: User, today: date) -> Proposal:
    """Approved → applied today; a temporary lever gets the date it ends."""
    ends_on = None
    if proposal.months and not proposal.is_permanent:
        ends_on = add_months(today, proposal.months)
    applied = _move(
        proposal,
        to_state="applied",
        actor=user,
        rule=why_not_run,
        changes={"applied_on": today, "ends_on": ends_on},
    )
    _move_mrr(applied, by=applied.mrr_impact, on=today, user=user)
    extra_months = _whole_param(applied, "extra_months")
    if extra_months:
        extend_commitment(account=applied.account, months=extra_months, source="lever", user=user)
    return applied


@transaction.atomic
def end_proposal(*, proposal: Proposal, user: User, today: date, comment: str = "") -> Proposal:
    """Applied → ended today: the MRR the lever took (a downsell, a price cut) comes back."""
    ended = _move(
        proposal,
        to_state="ended",
        actor=user,
        comment=comment.strip(),
        rule=why_not_run,
        changes={"ended_on": today},
    )
    _move_mrr(ended, by=-ended.mrr_impact, on=today, user=user)
    return ended


def _move_mrr(proposal: Proposal, *, by: Decimal, on: date, user: User | None) -> None:
    """Move the account's MRR through the ledger by the lever's monthly MRR impact."""
    if not by or proposal.is_cash_deferred:
        return
    account = Account.objects.get(pk=proposal.account_id)
    if account.is_churned:
        return  # nothing to give back to an account that left
    change_mrr(
        account=account,
        new_mrr=max(account.mrr + by, Decimal(0)),
        on=on,
        source="lever",
        source_id=str(proposal.pk),
        user=user,
    )


def _whole_param(proposal: Proposal, name: str) -> int:
    try:
        return int(proposal.params.get(name) or 0)
    except (TypeError, ValueError, AttributeError):
        return 0


@transaction.atomic
def record_outcome(*, proposal: Proposal, outcome: str, user: User | None) -> Proposal:
    """Whether the account renewed after this lever: saved, lost, or back to unknown."""
    if outcome not in Outcome.values:
        raise ProposalError(_("Unknown outcome %(outcome)s.") % {"outcome": outcome})
    locked = _lock(proposal)
    if user is not None and (why := why_not_run(user, locked)):
        raise NotAllowed(why)
    if locked.state not in ("applied", "ended"):
        raise ProposalError(_("Only a lever that was applied has an outcome."))
    now = timezone.now()
    locked.outcome, locked.outcome_recorded_at = outcome, now
    locked.save(update_fields=["outcome", "outcome_recorded_at"])
    ProposalEvent.objects.create(
        proposal=locked,
        from_state=locked.state,
        to_state=locked.state,
        actor=user,
        at=now,
        comment=_("Outcome at renewal: %(outcome)s") % {"outcome": Outcome(outcome).label},
    )
    return locked


@transaction.atomic
def record_renewal_outcome(*, account: Account, outcome: str, user: User | None) -> int:
    """When an account's renewal is decided: the outcome of every lever applied to it so far.

    For the accounts app to call when it records a renewal or a churn. Outcomes already recorded
    are kept. Returns how many proposals were updated.
    """
    pending = Proposal.objects.filter(
        account=account, state__in=["applied", "ended"], outcome=Outcome.UNKNOWN
    )
    count = 0
    for proposal in pending:
        record_outcome(proposal=proposal, outcome=outcome, user=user)
        count += 1
    return count


def _announce_decision(proposal: Proposal, decision: str) -> None:
    pk = proposal.pk
    transaction.on_commit(
        lambda: proposal_decided.send_robust(sender=Proposal, proposal_id=pk, decision=decision)
    )


def _lock(proposal: Proposal) -> Proposal:
    """The proposal's row, locked until the transaction ends, with its relations as committed.

    Two queries on purpose: a SELECT ... FOR UPDATE that waited for another decider re-reads
    only the locked row, so a joined `decided_by` would still be the one from before the wait.
    """
    Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk").get()
    return Proposal.objects.select_related("account", "lever", "proposed_by", "decided_by").get(
        pk=proposal.pk
    )


def _already(proposal: Proposal) -> str:
    who = proposal.decided_by.display_name if proposal.decided_by else _("the system")
    if proposal.state in DECIDED:
        return _("Already approved by %(who)s.") % {"who": who}
    if proposal.state == "rejected":
        return _("Already rejected by %(who)s.") % {"who": who}
    if proposal.state == "withdrawn":
        return _("This proposal was withdrawn.")
    return _("This proposal has not been submitted yet.")


def _move(
    proposal: Proposal,
    *,
    to_state: str,
    actor: User | None,
    comment: str = "",
    rule: Callable[[User, Proposal], str] | None = None,
    changes: dict[str, Any] | None = None,
) -> Proposal:
    """Move one proposal to `to_state`; call inside a transaction. Returns the updated row."""
    locked = _lock(proposal)
    from_state = locked.state
    if to_state in ("approved", "rejected") and from_state != "submitted" and actor is not None:
        raise ProposalError(_already(locked))
    if from_state == to_state:
        raise ProposalError(
            _("This proposal is already “%(state)s”.") % {"state": STATE_LABELS[to_state]}
        )
    try:
        check_transition(from_state, to_state)
    except TransitionError as error:
        raise ProposalError(str(error)) from None
    if rule is not None and actor is not None and (why := rule(actor, locked)):
        raise NotAllowed(why)
    changes = changes or {}
    # The row lock above already serialises two deciders on PostgreSQL. Matching the state we
    # read keeps that true where SELECT ... FOR UPDATE is a no-op (SQLite): one writer wins.
    updated = Proposal.objects.filter(pk=locked.pk, state=from_state).update(
        state=to_state, **changes
    )
    if updated != 1:
        raise ProposalError(_("Someone changed this proposal at the same moment: reload it."))
    ProposalEvent.objects.create(
        proposal=locked,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        at=timezone.now(),
        comment=comment,
    )
    locked.state = to_state
    for name, value in changes.items():
        setattr(locked, name, value)
    return locked


@transaction.atomic
def set_play_done(*, account: Account, play: Play, user: User, done: bool) -> PlayCheck | None:
    """Tick or untick a play for an account. Idempotent: the same request twice changes nothing.

    Unticking keeps the tick with who unticked it and when, and gives the play's task back to
    do when the plays were started (the task the tick had closed stays done in the history)."""
    if not done:
        unticked = PlayCheck.objects.filter(
            account=account, play=play, undone_at__isnull=True
        ).update(undone_by=user, undone_at=timezone.now())
        if unticked:
            reopen_source_task(
                account=account, source_kind=SourceKind.PLAY, source_id=str(play.pk), user=user
            )
        return None
    check, _created = PlayCheck.objects.get_or_create(
        account=account,
        play=play,
        undone_at=None,
        defaults={"done_by": user, "done_at": timezone.now()},
    )
    # The play's task, if it was started, is done with it.
    complete_source_task(
        account=account, source_kind=SourceKind.PLAY, source_id=str(play.pk), user=user
    )
    return check


@transaction.atomic
def start_plays(*, account: Account, user: User, today: date) -> int:
    """One task per active play of the account's phase not done yet, for the account's owner
    (or `user` when the account has none), due `PLAY_TASK_SPACING_DAYS` apart in play order.

    Idempotent: a play that already has an open task keeps it. Returns the tasks created.
    """
    done = PlayCheck.objects.filter(account=account, undone_at__isnull=True).values("play_id")
    plays = Play.objects.filter(phase=account.phase, is_active=True).exclude(pk__in=done)
    started = open_source_ids(account=account, source_kind=SourceKind.PLAY)
    created = 0
    for position, play in enumerate(plays, start=1):
        if str(play.pk) in started:
            continue
        create_task_for_first_able(
            owners=[account.owner, user],
            account=account,
            due_on=today + timedelta(days=PLAY_TASK_SPACING_DAYS * position),
            created_by=user,
            source_kind=SourceKind.PLAY,
            source_id=str(play.pk),
        )
        created += 1
    return created


def _absolute(path: str) -> str:
    # SITE_URL (e.g. https://churnguard.example.com) makes links clickable in a mail client.
    return settings.SITE_URL + path


def _mail(*, template: str, subject: str, proposal: Proposal, **extra: Any) -> None:
    recipient = proposal.proposed_by.email
    if not recipient:
        logger.warning("Proposal %s: the proposer has no e-mail address", proposal.pk)
        return
    context = {
        "proposal": proposal,
        "url": _absolute(reverse("playbooks:proposal-detail", args=[proposal.pk])),
        **extra,
    }
    body = render_to_string(template, context)
    send_mail(single_line(subject), body, None, [recipient])


def send_decision_email(*, proposal_id: int) -> None:
    """Tell the proposer what was decided, in their language."""
    proposal = Proposal.objects.select_related("account", "lever", "proposed_by", "decided_by").get(
        pk=proposal_id
    )
    comment = proposal.events.filter(to_state=proposal.state).values_list("comment", flat=True)
    with translation.override(email_language(proposal.proposed_by)):
        verb = _("approved") if proposal.state in DECIDED else _("rejected")
        subject = _("%(lever)s for %(account)s: %(verb)s") % {
            "lever": proposal.lever.display_name,
            "account": proposal.account.name,
            "verb": verb,
        }
        _mail(
            template="playbooks/emails/decision.txt",
            subject=subject,
            proposal=proposal,
            verb=verb,
            comment=comment.last() or "",
        )


def send_lever_reminders(*, today: date, days_before: int = REMINDER_DAYS_BEFORE) -> int:
    """E-mail the proposer of each applied lever ending within `days_before` days, once.

    Each reminder is claimed with a conditional UPDATE on `reminder_sent_at IS NULL` in its own
    transaction: a second run, or two workers at once, cannot send it again. If the mail fails the
    claim rolls back, is logged, and tomorrow's run tries again; the other reminders still go.
    Returns how many reminders were sent.
    """
    due = Proposal.objects.filter(
        state="applied",
        reminder_sent_at__isnull=True,
        ends_on__isnull=False,
        ends_on__lte=today + timedelta(days=days_before),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        try:
            sent += _send_reminder(pk)
        except Exception:  # SMTP errors, a refused header...: one e-mail never stops the loop
            logger.exception("Reminder for proposal %s not sent; the next run retries", pk)
    return sent


@transaction.atomic
def _send_reminder(pk: int) -> int:
    claimed = Proposal.objects.filter(pk=pk, state="applied", reminder_sent_at__isnull=True).update(
        reminder_sent_at=timezone.now()
    )
    if not claimed:
        return 0  # another run got it first
    proposal = Proposal.objects.select_related("account", "lever", "proposed_by").get(pk=pk)
    with translation.override(email_language(proposal.proposed_by)):
        subject = _("%(lever)s for %(account)s ends on %(date)s") % {
            "lever": proposal.lever.display_name,
            "account": proposal.account.name,
            "date": proposal.ends_on,
        }
        _mail(template="playbooks/emails/reminder.txt", subject=subject, proposal=proposal)
    return 1
