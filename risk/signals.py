"""Events of the risk app, for the apps above it (alerts, webhooks, analytics...).

Risk cannot import them: it announces what happened, on commit, and each higher app connects a
receiver in its `AppConfig.ready()`. See docs/architecture.md for the convention.
"""

from django.dispatch import Signal

# A rescoring run finished and its expected-churn proposals are raised.
# Arguments: run (RescoreRun). Sent by `risk.services.runs.finish_run`, the task that runs
# once the run has committed.
run_finished = Signal()
