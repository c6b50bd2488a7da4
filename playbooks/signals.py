"""Domain events of the playbook, for the apps above it (webhooks).

Sent on commit with `send_robust`: a receiver never sees a rolled-back decision and cannot undo
one that was made.
"""

from django.dispatch import Signal

# A proposal was approved or rejected: proposal_id, decision ("approved" or "rejected").
proposal_decided = Signal()

# A proposal now waits for a manager or an admin: proposal_id, account_id.
proposal_submitted = Signal()
