"""Events of the accounts app, for the apps above it (the one way a lower app reaches up).

Accounts sits below risk and playbooks, so it cannot call them. It announces what happened and
the higher apps connect their receivers in their `AppConfig.ready()`; see docs/architecture.md.

Both events are sent synchronously, inside the writing service's transaction, not on commit:
- `facts_changed`: the page a CSM lands on after saving a fact shows the new score at once, and
  a failed rescore rolls the fact back with it (no fact saved under a stale score). An importer
  that writes many facts in one outer transaction still sees each account rescored.
- `renewal_decided`: the levers' outcome is part of the same fact as the churn or renewal that
  decides it; both commit together or not at all.
"""

from django.dispatch import Signal

# An account's scoring facts changed (its fields, usage, KPIs, signals, stakeholders).
# Arguments: account (Account).
facts_changed = Signal()

# An account's renewal was decided: it churned ("lost") or renewed ("saved").
# Arguments: account (Account), outcome ("saved" | "lost"), user (User | None).
renewal_decided = Signal()
