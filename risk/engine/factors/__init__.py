"""One function per factor: `(facts, model, as_of) -> Contribution`.

A nightly run sees the same few thousand combinations of industry, country, renewal date,
discount... over and over, so factors remember what they built in the model's memos (one per
factor) and pieces of reasons in its parts cache. A Contribution is immutable, so one object is
safely shared by many accounts. Usage, MRR trend and KPI attainment are scored on the whole
percentages their reasons show, so they too repeat. Every memo key holds every input the result
depends on, and the tests compare remembered results with freshly built ones.
"""

from .account import geography, industry, phase, renewal_proximity, signing_discount, stakeholder
from .adoption import account_size, attainment_pct, kpi_attainment, usage_trend
from .cash import cash_stability
from .revenue import mrr_change_pct, mrr_trend
from .signals import custom_signal, signal_contribution, unread_signals

__all__ = [
    "account_size",
    "attainment_pct",
    "cash_stability",
    "custom_signal",
    "geography",
    "industry",
    "kpi_attainment",
    "mrr_change_pct",
    "mrr_trend",
    "phase",
    "renewal_proximity",
    "signal_contribution",
    "signing_discount",
    "stakeholder",
    "unread_signals",
    "usage_trend",
]
