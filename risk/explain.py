"""An account's risk, explained: the live assessment and what changed since the last score."""

from dataclasses import dataclass
from datetime import date

from accounts.models import Account
from risk import engine
from risk.fact_loader import facts_for_account
from risk.models import RiskModel, Score
from risk.queries import model_config, published_model
from risk.reasons import explain


@dataclass(frozen=True, slots=True)
class FactorChange:
    factor: str
    points: int  # change in points
    reason: str  # the factor's reason now, in the active language
    previous_reason: str  # its reason in the previous score ("" when it had no data)


@dataclass(frozen=True, slots=True)
class Explanation:
    assessment: engine.Assessment
    risk_model: RiskModel
    as_of: date
    previous: Score | None
    changes: tuple[FactorChange, ...]

    @property
    def delta(self) -> int | None:
        return None if self.previous is None else self.assessment.score - self.previous.score


def explain_account(
    account: Account,
    *,
    as_of: date,
    risk_model: RiskModel | None = None,
    facts: engine.AccountFacts | None = None,
) -> Explanation:
    """Assess the account now; compare with the last stored score that differs from it."""
    risk_model = risk_model or published_model()
    config = model_config(risk_model)
    facts = facts or facts_for_account(account, as_of=as_of, model=config)
    assessment = engine.assess(facts, config, as_of=as_of)
    history = list(account.scores.filter(backdated=False).order_by("-computed_at", "-id")[:2])
    previous = next((s for s in history if s.score != assessment.score), None)
    if previous is None and len(history) > 1:
        previous = history[1]
    return Explanation(
        assessment=assessment,
        risk_model=risk_model,
        as_of=as_of,
        previous=previous,
        changes=_changes(previous, assessment),
    )


def _changes(previous: Score | None, assessment: engine.Assessment) -> tuple[FactorChange, ...]:
    """What moved since `previous`, biggest move first; reasons worded in the active language."""
    if previous is None:
        return ()
    before = {c.factor: c for c in previous.contributions}
    changes = []
    for c in assessment.contributions:
        old = before.get(c.factor)
        old_points = 0 if old is None else old.points
        if c.points != old_points:
            old_reason = "" if old is None else old.reason
            changes.append(FactorChange(c.factor, c.points - old_points, explain(c), old_reason))
    return tuple(sorted(changes, key=lambda change: -abs(change.points)))
