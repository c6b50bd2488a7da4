"""Events of the risk app, for the apps above it (alerts, webhooks, analytics...).

Risk cannot import them: it announces what happened, on commit, and each higher app connects a
receiver in its `AppConfig.ready()`. See docs/architecture.md for the convention.
Each is sent on commit, so a receiver never sees a change that was rolled back, and a failing
receiver cannot undo the change (sent with `send_robust`).
"""

from django.dispatch import Signal

# A rescoring run finished and its expected-churn proposals are raised.
# Arguments: run (RescoreRun). Sent by `risk.services.runs.finish_run`, the task that runs
# once the run has committed.
run_finished = Signal()

# Once per scored chunk (not per account: a night moves thousands), with every account whose
# band moved: changes=[{"account_id", "old_band", "new_band", "score", "as_of"}]. A first score
# (no previous band) is not a change.
bands_changed = Signal()

# A manager decided on an expected-churn proposal: expected_churn_id, decision
# ("confirmed", "dismissed" or "lifted").
expected_churn_decided = Signal()
