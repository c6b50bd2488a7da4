"""Reads of the playbook. Every proposal a user reaches goes through `visible_proposals`."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from accounts.models import Account
from accounts.queries import visible_accounts
from playbooks.catalogue import lever_spec
from playbooks.levers import (
    AccountContext,
    ApprovalThresholds,
    LeverSpec,
    Recommendation,
    Strategy,
    rank_levers,
)
from playbooks.models import (
    DEFAULT_AUTO_CASH,
    DEFAULT_AUTO_MRR,
    DEFAULT_MANAGER_CASH,
    DEFAULT_MANAGER_MRR,
    DEFAULT_POLICY_CURRENCY,
    ApprovalPolicy,
    Lever,
    Play,
    PlayCheck,
    Proposal,
    ProposalEvent,
    StrategySetting,
)
from risk.queries import QueueFilters, filter_queue
from tasks.models import SourceKind
from tasks.queries import open_source_ids
from teams.access import is_admin, is_manager, managed_team_ids
from teams.models import User

DEFAULT_STRATEGY: Strategy = "secure_mrr"

_PROPOSAL_RELATED = ("account", "account__team", "lever", "proposed_by", "decided_by")


def strategy_in_force(today: date) -> Strategy:
    """The latest strategy started on or before `today`; secure MRR until an admin sets one."""
    setting = (
        StrategySetting.objects.filter(effective_from__lte=today)
        .order_by("-effective_from")
        .first()
    )
    return setting.strategy if setting else DEFAULT_STRATEGY  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class PolicyInForce:
    thresholds: ApprovalThresholds
    currency: str


DEFAULT_POLICY = PolicyInForce(
    ApprovalThresholds(
        auto_cash=DEFAULT_AUTO_CASH,
        auto_mrr=DEFAULT_AUTO_MRR,
        manager_cash=DEFAULT_MANAGER_CASH,
        manager_mrr=DEFAULT_MANAGER_MRR,
    ),
    DEFAULT_POLICY_CURRENCY,
)


def policy_in_force(today: date) -> PolicyInForce:
    policy = (
        ApprovalPolicy.objects.filter(effective_from__lte=today).order_by("-effective_from").first()
    )
    return PolicyInForce(policy.thresholds(), policy.currency) if policy else DEFAULT_POLICY


def active_levers() -> QuerySet[Lever]:
    return Lever.objects.filter(is_active=True).order_by("order", "name")


def usable_specs(levers: Iterable[Lever]) -> list[tuple[Lever, LeverSpec]]:
    """Levers with their spec; a row broken behind the admin's back is skipped, not a 500."""
    pairs = []
    for lever in levers:
        try:
            pairs.append((lever, lever_spec(lever)))
        except (ValueError, TypeError):
            continue
    return pairs


def account_context(
    account: Account, *, outstanding_balance: Decimal | None = None
) -> AccountContext:
    """What the core needs to know about an account.

    Accounts do not record an outstanding balance yet: a CSM states it when proposing an
    instalment plan, and until then the plan is never recommended.
    """
    return AccountContext(
        mrr=account.mrr,
        currency=account.currency,
        phase=account.phase or None,
        band=account.risk_band or None,
        segment=account.segment or None,
        score=account.risk_score,
        renewal_on=account.renewal_date,
        outstanding_balance=outstanding_balance or Decimal("0"),
    )


@dataclass(frozen=True, slots=True)
class LeverRecommendation:
    lever: Lever
    recommendation: Recommendation

    @property
    def rank(self) -> int:
        return self.recommendation.rank


def recommend_levers(
    *,
    account: Account,
    today: date,
    strategy: Strategy | None = None,
    levers: Iterable[Lever] | None = None,
) -> list[LeverRecommendation]:
    """The account's eligible levers, best first, under `strategy` (default: the one in force)."""
    pairs = usable_specs(active_levers() if levers is None else levers)
    by_spec = {id(spec): lever for lever, spec in pairs}
    ranked = rank_levers(
        [spec for _, spec in pairs],
        account_context(account),
        strategy=strategy or strategy_in_force(today),
    )
    return [LeverRecommendation(by_spec[id(rec.spec)], rec) for rec in ranked]


def visible_proposals(user: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(account__in=visible_accounts(user))


def get_proposal_for_user(user: User, pk: int) -> Proposal:
    """The proposal if the user may see its account; 404 otherwise."""
    try:
        return visible_proposals(user).select_related(*_PROPOSAL_RELATED).get(pk=pk)
    except Proposal.DoesNotExist:
        raise Http404("No such proposal") from None


def account_proposals(account: Account) -> QuerySet[Proposal]:
    return account.proposals.select_related("lever", "proposed_by", "decided_by")


def proposal_events(proposal: Proposal) -> QuerySet[ProposalEvent]:
    return proposal.events.select_related("actor")


def decidable_proposals(user: User) -> QuerySet[Proposal]:
    """Submitted proposals `user` may decide, oldest first (they have waited longest)."""
    pending = visible_proposals(user).filter(state="submitted").exclude(proposed_by=user)
    if is_admin(user):
        decidable = pending
    elif is_manager(user):
        decidable = pending.filter(
            required_approver__in=["auto", "manager"], account__team_id__in=managed_team_ids(user)
        )
    else:
        decidable = pending.none()
    return decidable.select_related(*_PROPOSAL_RELATED).order_by("proposed_at", "id")


def approval_queue_rows(user: User, filters: QueueFilters) -> QuerySet[Proposal]:
    """The approval queue: what `user` may decide, filtered and sorted (oldest first unless
    asked otherwise)."""
    return filter_queue(decidable_proposals(user), filters, age_field="proposed_at")


def waiting_for_admin(user: User) -> int:
    """Submitted proposals of the manager's teams above their limit: shown, not decidable."""
    if is_admin(user) or not is_manager(user):
        return 0
    return visible_proposals(user).filter(state="submitted", required_approver="admin").count()


@dataclass(frozen=True, slots=True)
class LeverStats:
    lever_id: int
    lever_name: str
    currency: str
    applied: int
    saved: int
    lost: int
    unknown: int
    cost: Decimal  # positive: what the applied levers cost us, in `currency`


def lever_outcome_stats(user: User) -> list[LeverStats]:
    """Per lever and currency: applied proposals the user may see, their outcome, their cost."""
    rows = (
        visible_proposals(user)
        .filter(applied_on__isnull=False)
        .values("lever_id", "lever__name", "currency")
        .annotate(
            applied=Count("id"),
            saved=Count("id", filter=Q(outcome="saved")),
            lost=Count("id", filter=Q(outcome="lost")),
            cash=Sum("cash_impact"),
        )
        .order_by("lever__name", "currency")
    )
    return [
        LeverStats(
            lever_id=row["lever_id"],
            lever_name=row["lever__name"],
            currency=row["currency"],
            applied=row["applied"],
            saved=row["saved"],
            lost=row["lost"],
            unknown=row["applied"] - row["saved"] - row["lost"],
            cost=-(row["cash"] or Decimal("0")),
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class PlayItem:
    play: Play
    check: PlayCheck | None
    # The play was started ("Start these plays") and its task is still open.
    has_open_task: bool = False

    @property
    def is_done(self) -> bool:
        return self.check is not None


def play_checklist(account: Account) -> list[PlayItem]:
    """The plays of the account's current phase, each with its tick if done."""
    plays = list(Play.objects.filter(phase=account.phase, is_active=True))
    checks = {
        check.play_id: check
        for check in PlayCheck.objects.filter(
            account=account, play__in=plays, undone_at__isnull=True
        ).select_related("done_by")
    }
    started = open_source_ids(account=account, source_kind=SourceKind.PLAY)
    return [PlayItem(play, checks.get(play.pk), str(play.pk) in started) for play in plays]
