"""ChurnGuard's churn-risk engine: how likely an account is to leave, and why.

How the score works
-------------------
Every account starts from a base score (20 in the default model). Each factor below then adds
points when it sees a risk, or removes a few when it sees protection. The total, kept between 0
and 100, is the score; the score falls into a band: low, medium (from 35), high (from 55) or
critical (from 75). Every factor explains itself with a message code and its parameters (numbers,
dates, codes, names), worded in the reader's language where it is shown (risk.reasons); its
points follow, so the reasons on an account add up to its score (before the 0..100 limit).

The factors
-----------
- account_size: small accounts leave more often in B2B SaaS. Read in licensed seats (the plan's
  size, from the latest fresh usage reading) when known, else in MRR per month; the smaller, the
  more points. An MRR of 0 is no billing figure: the size is then unknown.
- industry: how hard the account's industry is hit by the crisis. Travel, aviation, hospitality,
  events, recruitment and in-person retail score high; logistics, healthcare, supply chain,
  e-commerce and remote-work tooling held up and score slightly below zero.
- geography: the country's own row in a dated table (the row in force on the scoring date), or
  else the points of its region. Dated rows let the table follow the economy over time and let a
  backtest see the table as it was.
- cash_stability: how long the customer can survive. Short runway adds the most; then funding
  stage (a seed start-up is riskier than a profitable, listed or multinational company); monthly
  burn (ignored for companies paid by their own revenue); late payments in the last 12 months;
  and a small nudge by segment (a small business has fewer reserves than an enterprise).
- phase: where the account stands in its journey. Deployment adds points, more for every day
  past the planned go-live, and more again when a break clause is near. Defense is a standing
  concern and grows the longer it lasts. Maturation is neutral; growth lowers the score.
- renewal_proximity: how close the end of the term in force is (within 90 days, then 180, in
  the default model: for a 90-day horizon the whole quarter before it carries the same risk).
  A break clause ahead of the renewal counts as a renewal. A renewal date already passed on an
  active account whose contract term is known was renewed for another term: the end of the term
  in force counts; without a known term it counts as overdue and adds the most. A term shorter
  than a quarter (monthly) is renewed so often that being near its end says little: its points
  are scaled by its share of a quarter.
- signing_discount: the discount given at signing, the best predictor of non-renewal in the
  brief's own case; the bigger the discount, the more points.
- stakeholder: a key stakeholder who left; the more recent the departure, the more points.
- usage_trend: active users now against about 90 days earlier, counted in users and shown in
  points of the larger of the two seat counts, so that a seat change alone never moves it:
  buying seats is expansion, not falling adoption, and cutting seats does not hide users lost.
  Falling adoption adds points, rising adoption removes a few; a low share of the latest seats
  active adds some more; a low usage intensity (a signal the model names, such as sessions per
  active user per week) adds its own part, and counts alone when there is no usage trend.
- kpi_attainment: how far the account reaches the outcomes it bought the product for (target
  against actual, whichever direction is better). Under 50 % adds many points; above target
  removes a few. Each KPI counts at most 150 % so one runaway KPI cannot hide the others.
- signal:<name>: one per custom factor the admin defines on a company signal: on a number (CSAT,
  open tickets...) the points of the furthest threshold the latest reading has crossed; on a
  category (plan, acquisition channel...) the points of its category, or the factor's points for
  any other category.

Missing and stale facts
-----------------------
A factor with nothing to go on says so ("No cash facts recorded") and counts 0 points. A fact
older than the model's maximum age (180 days by default), or dated after the scoring date, is
treated as missing and the reason says why. The score is never made up from a guess.

Weights
-------
Each factor has a weight (1 by default). Its points are multiplied by it and rounded half up; the
contribution keeps the raw points and the weight, so the reason shows the arithmetic
("+18 × 1.5 = +27").

For developers
--------------
Plain Python: no Django, no clock, no I/O. `assess(facts, model, as_of=...)` is pure and
deterministic. Build `ModelConfig.from_dict(...)` once per run and reuse it: it precomputes its
lookups and remembers contributions it has already built. MRR enters the score only as a sign
of the account's size (when seats are unknown): the score says how likely the account is to
leave; the MRR at stake, how much that would cost, stays a separate axis of the triage order.
"""

from .assessment import (
    BANDS,
    CUSTOM_FACTOR_PREFIX,
    FACTORS,
    PARTS_CODE,
    Assessment,
    BandThresholds,
    Contribution,
    Part,
    ReasonParams,
    band_for,
)
from .config import ModelConfig
from .facts import AccountFacts, KpiReading, SignalReading, UsagePoint
from .scoring import assess
from .tables import CustomFactor, DatedPoints, ModelConfigError, Threshold

__all__ = [
    "BANDS",
    "CUSTOM_FACTOR_PREFIX",
    "FACTORS",
    "PARTS_CODE",
    "AccountFacts",
    "Assessment",
    "BandThresholds",
    "Contribution",
    "CustomFactor",
    "DatedPoints",
    "KpiReading",
    "ModelConfig",
    "ModelConfigError",
    "Part",
    "ReasonParams",
    "SignalReading",
    "Threshold",
    "UsagePoint",
    "assess",
    "band_for",
]
