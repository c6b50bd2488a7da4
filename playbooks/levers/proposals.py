"""Who signs a proposal off, and the states a proposal moves through."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from .impact import Impact

Approver = Literal["auto", "manager", "admin"]


@dataclass(frozen=True, slots=True)
class ApprovalThresholds:
    """Amounts in the company's currency; cash over the lever's duration, MRR per month.

    A proposal is auto-approved up to the `auto_*` amounts, needs a manager up to the
    `manager_*` amounts, and an admin beyond either of them. Limits are inclusive.
    """

    auto_cash: Decimal
    auto_mrr: Decimal
    manager_cash: Decimal
    manager_mrr: Decimal

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) < 0:
                raise ValueError(f"Approval threshold {field.name} cannot be negative.")
        if self.auto_cash > self.manager_cash or self.auto_mrr > self.manager_mrr:
            raise ValueError("Auto-approval thresholds cannot be above the manager's.")


def required_approver(impact: Impact, thresholds: ApprovalThresholds) -> Approver:
    """The least senior role that may approve a lever with this impact.

    Sizes are compared in absolute value, so a gain is treated like a cost of the same size.
    """
    cash, mrr = abs(impact.cash), abs(impact.mrr)
    if cash > thresholds.manager_cash or mrr > thresholds.manager_mrr:
        return "admin"
    if cash <= thresholds.auto_cash and mrr <= thresholds.auto_mrr:
        return "auto"
    return "manager"


TRANSITIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "draft": frozenset({"submitted", "withdrawn"}),
        "submitted": frozenset({"approved", "rejected", "withdrawn"}),
        # Once applied, the concession is running: it ends, it is not withdrawn.
        "approved": frozenset({"applied", "withdrawn"}),
        "applied": frozenset({"ended"}),
        "rejected": frozenset(),
        "ended": frozenset(),
        "withdrawn": frozenset(),
    }
)
PROPOSAL_STATES: tuple[str, ...] = tuple(TRANSITIONS)


class TransitionError(ValueError):
    """A proposal was asked to move to a state it cannot reach from where it is."""


def can_transition(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def check_transition(from_state: str, to_state: str) -> None:
    """Raise TransitionError unless a proposal may move from `from_state` to `to_state`."""
    for state in (from_state, to_state):
        if state not in TRANSITIONS:
            raise TransitionError(f"Unknown proposal state {state!r}.")
    if can_transition(from_state, to_state):
        return
    move = f"Cannot move a proposal from {from_state} to {to_state}"
    allowed = TRANSITIONS[from_state]
    if not allowed:
        raise TransitionError(f"{move}: {from_state} is final.")
    raise TransitionError(f"{move}; from {from_state} it can go to {', '.join(sorted(allowed))}.")
