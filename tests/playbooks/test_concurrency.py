"""Two people (or two workers) acting on the same proposal at the same moment, on PostgreSQL.

Each thread has its own database connection, so both really race for the row. SQLite has no
row locks and lets one writer at a time, which leaves nothing to race: these tests skip there.
"""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections

from playbooks.models import Proposal, ProposalEvent
from playbooks.services import (
    ProposalError,
    apply_proposal,
    approve_proposal,
    reject_proposal,
    send_lever_reminders,
)
from tests.playbooks.conftest import TODAY

pytestmark = [
    # serialized_rollback: put back what the migrations ship (catalogue, risk model) afterwards,
    # and do not re-create content types with new ids, which breaks the browser tests after us.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises writers, so no race",
    ),
]


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions at once, each in its own thread and connection; return what each gave."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=5)
            results[index] = action()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def fresh(pk: int) -> Callable[[], Proposal]:
    return lambda: Proposal.objects.get(pk=pk)


def test_two_managers_approving_at_once_exactly_one_wins(holiday, manager, second_manager):
    load = fresh(holiday.pk)
    results = race(
        lambda: approve_proposal(proposal=load(), approver=manager),
        lambda: approve_proposal(proposal=load(), approver=second_manager),
    )
    winners = [r for r in results if isinstance(r, Proposal)]
    losers = [r for r in results if isinstance(r, ProposalError)]
    assert (len(winners), len(losers)) == (1, 1), results
    holiday.refresh_from_db()
    assert holiday.state == "approved"
    assert losers[0].message == f"Already approved by {holiday.decided_by.display_name}."
    assert ProposalEvent.objects.filter(proposal=holiday, to_state="approved").count() == 1
    assert len(mail.outbox) == 1


def test_approve_and_reject_at_once_leave_one_decision(holiday, manager, second_manager):
    load = fresh(holiday.pk)
    results = race(
        lambda: approve_proposal(proposal=load(), approver=manager),
        lambda: reject_proposal(proposal=load(), approver=second_manager, comment="No."),
    )
    assert sum(isinstance(r, Proposal) for r in results) == 1, results
    assert sum(isinstance(r, ProposalError) for r in results) == 1, results
    decisions = ProposalEvent.objects.filter(proposal=holiday, from_state="submitted")
    assert decisions.count() == 1


def test_two_reminder_runs_at_once_send_one_email(holiday, csm, manager):
    approve_proposal(proposal=holiday, approver=manager)
    applied = apply_proposal(proposal=holiday, user=csm, today=TODAY)
    mail.outbox.clear()
    day = applied.ends_on - timedelta(days=7)
    results = race(
        lambda: send_lever_reminders(today=day),
        lambda: send_lever_reminders(today=day),
    )
    assert sorted(results) == [0, 1], results
    assert len(mail.outbox) == 1
