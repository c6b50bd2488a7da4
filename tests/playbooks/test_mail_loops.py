"""One failing e-mail never stops a loop: it is logged, the rest are sent, and it is retried."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Account
from alerts import services as alert_services
from alerts.models import DigestSent
from playbooks import services as playbook_services
from playbooks.models import Proposal
from playbooks.services import apply_proposal, approve_proposal, send_lever_reminders
from risk.services.runs import finish_run, start_rescore_run
from teams.models import Role
from tests.factories import AccountFactory, UserFactory
from tests.playbooks.conftest import TODAY, propose

pytestmark = pytest.mark.django_db


def failing_for(address: str, real):
    def send(subject, body, sender, recipients, *args, **kwargs):
        if address in recipients:
            raise OSError("SMTP server said no")
        return real(subject, body, sender, recipients, *args, **kwargs)

    return send


def test_digest_loop_finishes_when_one_email_fails(team, monkeypatch, caplog):
    today = timezone.localdate()
    first = UserFactory(username="first", role=Role.CSM, team=team, email="first@example.com")
    second = UserFactory(username="second", role=Role.CSM, team=team, email="second@example.com")
    accounts = [AccountFactory(team=team, owner=owner) for owner in (first, second)]
    start_rescore_run(trigger="command", synchronous=True)
    mail.outbox.clear()
    Account.objects.filter(pk__in=[a.pk for a in accounts]).update(
        cash_runway_months=1, late_payments=6, phase="defense",
        phase_entered_on=today - timedelta(days=200),
    )  # fmt: skip
    monkeypatch.setattr(
        alert_services, "send_mail", failing_for("first@example.com", alert_services.send_mail)
    )
    run = start_rescore_run(trigger="command", synchronous=True)
    finish_run(run_id=run.pk)
    assert [m.to for m in mail.outbox] == [["second@example.com"]]
    # The failed one is not marked sent: a retried task tries it again.
    assert list(DigestSent.objects.filter(run=run).values_list("user__username", flat=True)) == [
        "second"
    ]
    assert "Digest of run" in caplog.text


@pytest.fixture
def two_running_levers(at_risk, levers, csm, manager, team):
    other = AccountFactory(
        team=team, owner=csm, name="Second Account", phase="defense", risk_score=82,
        risk_band="critical", mrr=Decimal("2000.00"),
    )  # fmt: skip
    applied = []
    for account in (at_risk, other):
        proposal = propose(account, levers["payment_holiday"], csm, params={"months": "3"})
        approve_proposal(proposal=proposal, approver=manager)
        applied.append(apply_proposal(proposal=proposal, user=csm, today=TODAY))
    mail.outbox.clear()
    return applied


def test_reminder_loop_finishes_when_one_email_fails(two_running_levers, monkeypatch, caplog):
    real = playbook_services.send_mail
    calls = {"count": 0}

    def first_fails(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 1:
            raise ValueError("Header values can't contain newlines")
        return real(*args, **kwargs)

    monkeypatch.setattr(playbook_services, "send_mail", first_fails)
    day = two_running_levers[0].ends_on - timedelta(days=7)
    assert send_lever_reminders(today=day) == 1
    assert len(mail.outbox) == 1
    assert "not sent; the next run retries" in caplog.text
    # The failed reminder is still due: the next run sends it.
    assert Proposal.objects.filter(reminder_sent_at__isnull=True).count() == 1
    assert send_lever_reminders(today=day) == 1


def test_a_line_break_in_an_account_name_gives_a_single_line_subject(two_running_levers):
    first = two_running_levers[0]
    Account.objects.filter(pk=first.account_id).update(name="Nordwind\nVoyages\r\nBcc: x@evil")
    day = first.ends_on - timedelta(days=7)
    assert send_lever_reminders(today=day) == 2
    subjects = [m.subject for m in mail.outbox]
    assert all("\n" not in s and "\r" not in s for s in subjects)
    assert any("Nordwind Voyages Bcc: x@evil" in s for s in subjects)
