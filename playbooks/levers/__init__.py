"""Negotiation levers: the concessions a CSM may offer an account at risk, priced and ranked.

Plain Python: no Django import, no clock, no I/O. Callers pass frozen dataclasses in and get
frozen dataclasses back; import everything from this package, not from its modules.

Sign convention: amounts are seen from our side. Negative is a cost to us (cash not collected,
MRR not billed), positive a gain. Every amount is a `Decimal` in the account's currency, rounded
to cents with ROUND_HALF_UP. `Impact.cash` covers the lever's whole duration (a permanent lever
is counted over the 12-month horizon); `Impact.mrr` is per month while the lever runs.

- `impact`: the vocabulary (kinds, phases, bands), `AccountContext`, `Impact` and the formula
  of each kind, documented in a table at the top of that module.
- `specs`: `LeverSpec`, parameter validation, eligibility of a lever for an account.
- `catalogue`: `DEFAULT_CATALOGUE`, the nine levers of the brief.
- `ranking`: `rank_levers` under the company's crisis strategy; the score is explained there.
- `proposals`: who approves a lever (`required_approver`) and the proposal state machine.
"""

from .catalogue import DEFAULT_CATALOGUE
from .impact import (
    BANDS,
    HORIZON_MONTHS,
    KIND_PARAMS,
    LEVER_KINDS,
    PHASES,
    AccountContext,
    Impact,
    LeverParamError,
    compute_impact,
)
from .proposals import (
    PROPOSAL_STATES,
    TRANSITIONS,
    ApprovalThresholds,
    Approver,
    TransitionError,
    can_transition,
    check_transition,
    required_approver,
)
from .ranking import (
    STRATEGIES,
    STRATEGY_WEIGHTS,
    Recommendation,
    Strategy,
    StrategyWeights,
    rank_levers,
)
from .specs import (
    ACCOUNT_SUPPLIED_PARAMS,
    GIVE_BACKS,
    PARAM_UNITS,
    UNIT_CEILINGS,
    LeverSpec,
    ParamLimit,
    is_eligible,
    suggest_params,
    validate_params,
)

__all__ = [
    "ACCOUNT_SUPPLIED_PARAMS",
    "BANDS",
    "DEFAULT_CATALOGUE",
    "GIVE_BACKS",
    "HORIZON_MONTHS",
    "KIND_PARAMS",
    "LEVER_KINDS",
    "PARAM_UNITS",
    "PHASES",
    "PROPOSAL_STATES",
    "STRATEGIES",
    "STRATEGY_WEIGHTS",
    "TRANSITIONS",
    "UNIT_CEILINGS",
    "AccountContext",
    "ApprovalThresholds",
    "Approver",
    "Impact",
    "LeverParamError",
    "LeverSpec",
    "ParamLimit",
    "Recommendation",
    "Strategy",
    "StrategyWeights",
    "TransitionError",
    "can_transition",
    "check_transition",
    "compute_impact",
    "is_eligible",
    "rank_levers",
    "required_approver",
    "suggest_params",
    "validate_params",
]
