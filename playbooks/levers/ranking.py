"""Ranking the eligible levers of one account under the company's crisis strategy.

Each lever gets a score in money over the 12-month horizon:

    score = protected x fit - w_cash x cash cost - w_mrr x MRR loss + w_commitment x committed

- protected = MRR x risk x 12, with risk = score / 100 (an unscored account counts as 50 %):
  the recurring revenue expected to walk away in the horizon, which every lever tries to keep.
- fit = 1 when the lever has the property the strategy favours (cash first: it keeps cash
  flowing; secure MRR: it keeps the subscription), `misfit` otherwise.
- cash cost = -Impact.cash, weighted by `cash` or, for cash that only comes later, `deferred_cash`.
- MRR loss = -Impact.mrr x the months it lasts within the horizon (all 12 when permanent).
- committed = MRR after the lever x committed months x risk: revenue a commitment takes out of risk.

Cash first weighs cash four times heavier than MRR and counts deferred cash almost as lost;
secure MRR weighs MRR loss twice heavier than cash, barely counts deferred cash and values a
longer commitment in full. Ties go to the lever kind, then the name, so the order never depends
on how the catalogue was listed.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from .impact import (
    HORIZON_MONTHS,
    HUNDRED,
    AccountContext,
    Impact,
    LeverParamError,
    compute_impact,
    to_cents,
)
from .specs import LeverSpec, is_eligible, suggest_params, validate_params

Strategy = Literal["secure_mrr", "cash_first"]
STRATEGIES: tuple[Strategy, ...] = ("secure_mrr", "cash_first")

UNSCORED_RISK = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class StrategyWeights:
    cash: Decimal
    deferred_cash: Decimal
    mrr: Decimal
    commitment: Decimal
    misfit: Decimal


STRATEGY_WEIGHTS: Mapping[Strategy, StrategyWeights] = MappingProxyType(
    {
        "cash_first": StrategyWeights(
            cash=Decimal("1"),
            deferred_cash=Decimal("0.8"),
            mrr=Decimal("0.25"),
            # A commitment pays beyond the horizon, which is not where cash first looks.
            commitment=Decimal("0.1"),
            misfit=Decimal("0.5"),
        ),
        "secure_mrr": StrategyWeights(
            cash=Decimal("0.5"),
            deferred_cash=Decimal("0.1"),
            mrr=Decimal("1"),
            commitment=Decimal("1"),
            misfit=Decimal("0.5"),
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Recommendation:
    spec: LeverSpec
    params: Mapping[str, Decimal]
    impact: Impact
    rank: int
    score: Decimal
    reason: "LeverReason"


# Why a lever is recommended, as pieces (message code, parameters) worded where it is shown:
# amounts are Decimals with a `currency` parameter, never text.
type LeverReason = tuple[tuple[str, Mapping[str, object]], ...]


def rank_levers(
    specs: Iterable[LeverSpec], account: AccountContext, *, strategy: Strategy
) -> list[Recommendation]:
    """Eligible levers for `account`, best first (rank 1), costed with suggested parameters.

    A lever whose parameters cannot be filled from its defaults and the account is left out:
    without a CSM's figures it cannot be costed.
    """
    if strategy not in STRATEGY_WEIGHTS:
        raise ValueError(f"Unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}.")
    weights = STRATEGY_WEIGHTS[strategy]
    rows: list[tuple[Decimal, LeverSpec, dict[str, Decimal], Impact, LeverReason]] = []
    for spec in specs:
        if not is_eligible(spec, account)[0]:
            continue
        try:
            params = validate_params(spec, suggest_params(spec, account))
        except LeverParamError:
            continue
        impact = compute_impact(spec.kind, params, account)
        fits = _fits(spec, strategy)
        score = _score(impact, account, weights, fits=fits)
        reason = _describe(impact, account, _FIT_CODES[strategy][0 if fits else 1])
        rows.append((score, spec, params, impact, reason))
    rows.sort(key=lambda row: (-row[0], row[1].kind, row[1].name))
    return [
        Recommendation(spec, MappingProxyType(params), impact, rank, score, reason)
        for rank, (score, spec, params, impact, reason) in enumerate(rows, start=1)
    ]


def _fits(spec: LeverSpec, strategy: Strategy) -> bool:
    return spec.keeps_cash_flowing if strategy == "cash_first" else spec.keeps_subscription


# What each strategy cares about, said of a lever that has it and of one that lacks it.
_FIT_CODES: Mapping[Strategy, tuple[str, str]] = MappingProxyType(
    {
        "cash_first": ("keeps_cash_flowing", "stops_incoming_cash"),
        "secure_mrr": ("keeps_subscription", "ends_subscription"),
    }
)


def _risk(account: AccountContext) -> Decimal:
    return UNSCORED_RISK if account.score is None else Decimal(account.score) / HUNDRED


def _score(
    impact: Impact, account: AccountContext, weights: StrategyWeights, *, fits: bool
) -> Decimal:
    risk = _risk(account)
    protected = account.mrr * risk * HORIZON_MONTHS
    cash_weight = weights.deferred_cash if impact.is_cash_deferred else weights.cash
    mrr_months = HORIZON_MONTHS if impact.is_permanent else min(impact.months, HORIZON_MONTHS)
    committed = (account.mrr + impact.mrr) * impact.committed_months * risk
    # Costs are negative impacts, so adding them subtracts the cost.
    return to_cents(
        protected * (1 if fits else weights.misfit)
        + cash_weight * impact.cash
        + weights.mrr * impact.mrr * mrr_months
        + weights.commitment * committed
    )


def _describe(impact: Impact, account: AccountContext, fit: str) -> LeverReason:
    """What a manager reads in the queue, e.g. "Protects €1,200/month at 70 % risk for a cash
    cost of €3,600; keeps the subscription", as pieces with their figures."""
    cur = account.currency
    parts: list[tuple[str, Mapping[str, object]]] = []
    if account.score is None:
        taken_as = int(UNSCORED_RISK * HUNDRED)
        parts.append(("protects_unscored", {"mrr": account.mrr, "currency": cur, "pct": taken_as}))
    else:
        parts.append(("protects", {"mrr": account.mrr, "currency": cur, "pct": account.score}))
    if impact.cash < 0 and impact.is_cash_deferred:
        parts.append(("deferred_cash", {"amount": to_cents(-impact.cash), "currency": cur}))
    elif impact.cash < 0:
        parts.append(("cash_cost", {"amount": to_cents(-impact.cash), "currency": cur}))
    else:
        parts.append(("no_cash_cost", {}))
    if impact.mrr < 0:
        lowered = {"amount": to_cents(-impact.mrr), "currency": cur}
        if impact.is_permanent:
            parts.append(("lowers_mrr_for_good", lowered))
        else:
            parts.append(("lowers_mrr", {**lowered, "count": impact.months}))
    if impact.committed_months:
        parts.append(("wins_commitment", {"count": impact.committed_months}))
    parts.append((fit, {}))
    return tuple(parts)
