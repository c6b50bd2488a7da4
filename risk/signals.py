"""Domain events of risk, for the apps above it (webhooks, alerts, analytics).

Each is sent on commit, so a receiver never sees a change that was rolled back, and a failing
receiver cannot undo the change (sent with `send_robust`).
"""

from django.dispatch import Signal

# Once per scored chunk (not per account: a night moves thousands), with every account whose
# band moved: changes=[{"account_id", "old_band", "new_band", "score", "as_of"}]. A first score
# (no previous band) is not a change.
bands_changed = Signal()

# A manager decided on an expected-churn proposal: expected_churn_id, decision
# ("confirmed", "dismissed" or "lifted").
expected_churn_decided = Signal()
