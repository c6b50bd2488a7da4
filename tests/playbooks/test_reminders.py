"""Reminders of levers about to end: sent once per proposal, however often the task runs."""

from datetime import timedelta

import pytest
from django.core import mail

from playbooks.services import apply_proposal, approve_proposal, end_proposal
from playbooks.tasks import send_lever_reminders_task
from tests.playbooks.conftest import TODAY, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(holiday, csm, manager):
    """The payment holiday, applied on TODAY: it ends three months later."""
    approve_proposal(proposal=holiday, approver=manager)
    return apply_proposal(proposal=holiday, user=csm, today=TODAY)


def test_reminder_task_run_twice_sends_one_email(running):
    day = (running.ends_on - timedelta(days=10)).isoformat()
    assert send_lever_reminders_task(today=day) == 1
    assert send_lever_reminders_task(today=day) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.com"]
    assert message.subject == f"Payment holiday for Nordwind Voyages ends on {running.ends_on}"
    assert f"/playbooks/proposals/{running.pk}/" in message.body
    running.refresh_from_db()
    assert running.reminder_sent_at is not None


def test_reminder_waits_until_the_window_opens(running):
    day = running.ends_on - timedelta(days=15)
    assert send_lever_reminders_task(today=day.isoformat()) == 0
    assert send_lever_reminders_task(today=(day + timedelta(days=1)).isoformat()) == 1


def test_window_is_configurable(running):
    day = running.ends_on - timedelta(days=20)
    assert send_lever_reminders_task(today=day.isoformat(), days_before=21) == 1


def test_ended_or_unapplied_levers_get_no_reminder(running, at_risk, levers, csm):
    propose(at_risk, levers["payment_deferral"], csm)  # submitted, never applied
    end_proposal(proposal=running, user=csm, today=TODAY + timedelta(days=5))
    assert send_lever_reminders_task(today=(TODAY + timedelta(days=120)).isoformat()) == 0
    assert mail.outbox == []


def test_a_failed_email_leaves_the_reminder_for_the_next_run(running, monkeypatch, caplog):
    import playbooks.services

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(playbooks.services, "send_mail", broken)
    day = (running.ends_on - timedelta(days=3)).isoformat()
    assert send_lever_reminders_task(today=day) == 0
    assert f"Reminder for proposal {running.pk} not sent" in caplog.text
    running.refresh_from_db()
    assert running.reminder_sent_at is None
    monkeypatch.undo()
    assert send_lever_reminders_task(today=day) == 1
    assert len(mail.outbox) == 1
