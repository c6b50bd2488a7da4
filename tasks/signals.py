"""Events of the tasks app, for the apps above it (convention: docs/architecture.md).

`task_completed(task_id, account_id, source_kind, source_id, user)`: a task was marked done by
a person. Sent synchronously, inside the task's transaction: the source's own state (a play's
tick) must commit with the task, or neither does. Not sent when a source closes its own task
(`complete_source_task`), so the two never chase each other.
"""

from django.dispatch import Signal

task_completed = Signal()
