"""Expected churn: proposals raised by the rule, decided by managers, lifted on request."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TypedDict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Status
from accounts.queries import quarter_bounds, visible_accounts
from churnguard.portfolio import portfolio_changed
from risk.churn_rule import ChurnRule, candidate_reason, is_suppressed
from risk.models import (
    OPEN_EXPECTED_CHURN,
    ExpectedChurn,
    ExpectedChurnRule,
    ExpectedChurnStatus,
    RescoreRun,
)
from risk.signals import expected_churn_decided
from teams.access import is_manager
from teams.models import User

# Candidates are read and written in slices: a night with many newly risky accounts must not
# hold one huge transaction (proposals are independent of each other).
BATCH_SIZE = 2000


class DecisionError(Exception):
    """A decision that is not allowed: wrong role, or the proposal already moved on."""


def current_rule() -> ChurnRule:
    row = ExpectedChurnRule.objects.first() or ExpectedChurnRule(
        phases=["defense"],
        bands_in_phases=["high", "critical"],
        bands_renewing_this_quarter=["critical"],
        suppression_days=30,
    )
    return ChurnRule(
        phases=frozenset(row.phases),
        bands_in_phases=frozenset(row.bands_in_phases),
        bands_renewing_this_quarter=frozenset(row.bands_renewing_this_quarter),
        suppression_days=row.suppression_days,
    )


def raise_proposals(*, today: date, run: RescoreRun | None = None) -> int:
    """Propose every account the rule selects that has no open proposal and no holding
    dismissal or lift. Idempotent: the one-open-per-account constraint refuses duplicates."""
    rule = current_rule()
    _, quarter_end = quarter_bounds(today)
    candidates = (
        Account.objects.filter(
            status=Status.ACTIVE, archived_at__isnull=True, is_expected_churn=False
        )
        .filter(
            Q(phase__in=rule.phases, risk_band__in=rule.bands_in_phases)
            | Q(
                risk_band__in=rule.bands_renewing_this_quarter,
                renewal_date__range=(today, quarter_end),
            )
        )
        .exclude(expected_churns__status__in=OPEN_EXPECTED_CHURN)
        .order_by("pk")
        .values_list("pk", "phase", "risk_band", "renewal_date")
    )
    created = 0
    now = timezone.now()
    rows = list(candidates)
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        holds = _decisions_holding([pk for pk, *_ in batch], today=today)
        proposals = []
        for pk, phase, band, renewal in batch:
            reason = candidate_reason(
                phase=phase,
                band=band,
                renewal_on=renewal,
                quarter_end=quarter_end,
                today=today,
                rule=rule,
            )
            if reason is None:
                continue
            reason_code, reason_params = reason
            hold = holds.get(pk)
            if hold and is_suppressed(band=band, today=today, **hold):
                continue
            proposals.append(
                ExpectedChurn(
                    account_id=pk,
                    status=ExpectedChurnStatus.PROPOSED,
                    rule_reason=reason_code,
                    rule_reason_params=reason_params,
                    band_at_raise=band,
                    raised_at=now,
                    run=run,
                )
            )
        with transaction.atomic():
            created += len(ExpectedChurn.objects.bulk_create(proposals, ignore_conflicts=True))
    return created


class Hold(TypedDict):
    suppressed_until: date | None
    band_at_decision: str


# A dismissal and a lift both say "not expected churn, for now": each holds the account back
# for the rule's suppression days unless its band gets worse.
HOLDING_DECISIONS = (ExpectedChurnStatus.DISMISSED, ExpectedChurnStatus.LIFTED)


def _decisions_holding(ids: list[int], *, today: date) -> dict[int, Hold]:
    """The latest dismissal or lift still in force per account."""
    rows = (
        ExpectedChurn.objects.filter(
            account_id__in=ids, status__in=HOLDING_DECISIONS, suppressed_until__gte=today
        )
        .order_by("account_id", "-decided_at")
        .values_list("account_id", "suppressed_until", "band_at_decision")
    )
    holds: dict[int, Hold] = {}
    for pk, until, band in rows:
        holds.setdefault(pk, {"suppressed_until": until, "band_at_decision": band})
    return holds


def _lock_for_decision(proposal: ExpectedChurn, user: User, *, expected: str) -> ExpectedChurn:
    if not is_manager(user):
        raise DecisionError(_("Only a manager or an admin decides on expected churn."))
    if not visible_accounts(user).filter(pk=proposal.account_id).exists():
        raise DecisionError(_("This account is not in your teams."))
    locked = ExpectedChurn.objects.select_for_update().select_related("account").get(pk=proposal.pk)
    if locked.status != expected:
        raise DecisionError(
            _("This proposal is already %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def confirm(*, proposal: ExpectedChurn, manager: User, reason: str) -> ExpectedChurn:
    locked = _lock_for_decision(proposal, manager, expected=ExpectedChurnStatus.PROPOSED)
    _decide(locked, manager, reason, ExpectedChurnStatus.CONFIRMED)
    Account.objects.filter(pk=locked.account_id).update(is_expected_churn=True)
    portfolio_changed()
    return locked


@transaction.atomic
def dismiss(*, proposal: ExpectedChurn, manager: User, reason: str, today: date) -> ExpectedChurn:
    locked = _lock_for_decision(proposal, manager, expected=ExpectedChurnStatus.PROPOSED)
    locked.suppressed_until = _suppressed_until(today)
    _decide(locked, manager, reason, ExpectedChurnStatus.DISMISSED, extra=["suppressed_until"])
    return locked


def _suppressed_until(today: date) -> date:
    return today + timedelta(days=current_rule().suppression_days)


@transaction.atomic
def request_lift(*, proposal: ExpectedChurn, user: User, reason: str) -> ExpectedChurn:
    """A CSM asks managers to lift a confirmed flag (the account turned around)."""
    if not visible_accounts(user).filter(pk=proposal.account_id).exists():
        raise DecisionError(_("This account is not in your teams."))
    locked = ExpectedChurn.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ExpectedChurnStatus.CONFIRMED:
        raise DecisionError(_("Only a confirmed expected churn can be lifted."))
    if not reason.strip():
        raise DecisionError(_("Say why the flag should be lifted."))
    locked.lift_requested_by = user
    locked.lift_requested_at = timezone.now()
    locked.lift_reason = reason.strip()
    locked.save(update_fields=["lift_requested_by", "lift_requested_at", "lift_reason"])
    return locked


@transaction.atomic
def lift(*, proposal: ExpectedChurn, manager: User, reason: str, today: date) -> ExpectedChurn:
    """Confirmed → lifted. Like a dismissal, the lift holds for the rule's suppression days: the
    next run does not propose the account again unless its band gets worse."""
    locked = _lock_for_decision(proposal, manager, expected=ExpectedChurnStatus.CONFIRMED)
    locked.suppressed_until = _suppressed_until(today)
    _decide(locked, manager, reason, ExpectedChurnStatus.LIFTED, extra=["suppressed_until"])
    Account.objects.filter(pk=locked.account_id).update(is_expected_churn=False)
    portfolio_changed()
    return locked


# What a bulk decision may do, and the status a row must be in for it.
BULK_DECISIONS = {
    "confirm": ExpectedChurnStatus.PROPOSED,
    "dismiss": ExpectedChurnStatus.PROPOSED,
    "lift": ExpectedChurnStatus.CONFIRMED,
}


@transaction.atomic
def decide_many(
    *,
    proposals: Sequence[ExpectedChurn],
    manager: User,
    decision: str,
    reason: str,
    today: date,
) -> list[ExpectedChurn]:
    """Confirm, dismiss or lift several proposals with one reason, all or nothing.

    Each row goes through the single decision (its role check, lock and status check), in one
    transaction: if one is refused (decided meanwhile by someone else, not in the manager's
    teams), DecisionError names its account and nothing is decided. Rows are locked in id order
    so two bulk decisions over the same rows cannot deadlock.
    """
    if decision not in BULK_DECISIONS:
        raise DecisionError(_("Unknown decision."))
    if not reason.strip():
        raise DecisionError(_("A reason is required: the decision is shared with the team."))
    if not proposals:
        raise DecisionError(_("Select at least one account."))
    decided = []
    for proposal in sorted(proposals, key=lambda row: row.pk):
        try:
            if decision == "confirm":
                decided.append(confirm(proposal=proposal, manager=manager, reason=reason))
            elif decision == "dismiss":
                decided.append(
                    dismiss(proposal=proposal, manager=manager, reason=reason, today=today)
                )
            else:
                decided.append(lift(proposal=proposal, manager=manager, reason=reason, today=today))
        except DecisionError as refused:
            raise DecisionError(
                _("Nothing was decided: %(account)s: %(why)s")
                % {"account": proposal.account.name, "why": refused}
            ) from None
    return decided


def _decide(
    proposal: ExpectedChurn, manager: User, reason: str, status: str, extra: Iterable[str] = ()
) -> None:
    if not reason.strip():
        raise DecisionError(_("A reason is required: the decision is shared with the team."))
    proposal.status = status
    proposal.decided_by = manager
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason.strip()
    proposal.band_at_decision = proposal.account.risk_band
    proposal.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "band_at_decision",
            *extra,
        ]
    )
    transaction.on_commit(
        lambda: expected_churn_decided.send_robust(
            sender=ExpectedChurn, expected_churn_id=proposal.pk, decision=status
        )
    )
