"""What playbooks does when a lower app announces a change (connected in `ready()`)."""

from typing import Any

from accounts.models import Account
from playbooks.models import Play
from playbooks.services import record_renewal_outcome, set_play_done
from tasks.models import SourceKind, Task
from teams.models import User


def record_outcome_on_renewal(
    sender: type[Account], *, account: Account, outcome: str, user: User | None, **kwargs: Any
) -> None:
    record_renewal_outcome(account=account, outcome=outcome, user=user)


def check_play_on_task_done(
    sender: type[Task],
    *,
    account_id: int,
    source_kind: str,
    source_id: str,
    user: User,
    **kwargs: Any,
) -> None:
    """A play's task done is the play done: its box is ticked for the account."""
    if source_kind != SourceKind.PLAY or not source_id.isdigit():
        return
    play = Play.objects.filter(pk=int(source_id)).first()
    account = Account.objects.filter(pk=account_id).first()
    if play is not None and account is not None:
        set_play_done(account=account, play=play, user=user, done=True)
