"""Alerts close when their cause is decided, stay closed when closed by hand, and remember the
run that opened or closed them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account
from alerts.models import Alert, AlertStatus, Cause, ClosedBecause, Severity
from alerts.queries import alert_changes_in_run
from alerts.services import HAND_CLOSED_QUIET_DAYS, close_alerts, refresh_alerts
from playbooks.catalogue import seed_defaults
from playbooks.models import Lever, Play
from playbooks.services import approve_proposal, propose_lever, reject_proposal
from risk.models import ExpectedChurn
from risk.services.expected_churn import confirm, dismiss
from risk.services.runs import start_rescore_run
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def critical(csm, team):
    return AccountFactory(
        team=team,
        owner=csm,
        risk_band="critical",
        risk_score=85,
        mrr=Decimal("2000.00"),
        phase="defense",
    )


def proposed_churn(account):
    return ExpectedChurn.objects.create(
        account=account, status="proposed", rule_reason="critical_in_defense",
        band_at_raise="critical", raised_at=timezone.now(),
    )  # fmt: skip


def alert_of(account, cause):
    return Alert.objects.get(account=account, cause=cause)


# --- decided causes -------------------------------------------------------------------------


@pytest.mark.parametrize("decide", ["confirm", "dismiss"])
def test_expected_churn_alert_closes_when_the_manager_decides(
    decide, critical, manager, today, django_capture_on_commit_callbacks
):
    flag = proposed_churn(critical)
    refresh_alerts(today=today)
    assert alert_of(critical, Cause.EXPECTED_CHURN).status == AlertStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        if decide == "confirm":
            confirm(proposal=flag, manager=manager, reason="Budget cut, they told us")
        else:
            dismiss(proposal=flag, manager=manager, reason="New sponsor signed", today=today)
    alert = alert_of(critical, Cause.EXPECTED_CHURN)
    assert (alert.status, alert.closed_because) == (AlertStatus.CLOSED, ClosedBecause.DECIDED)
    assert alert.closed_at is not None
    # The high-risk alert of the same account is another cause: it stays open.
    assert alert_of(critical, Cause.HIGH_RISK).status == AlertStatus.OPEN
    refresh_alerts(today=today)  # the next refresh does not open it again
    assert Alert.objects.filter(account=critical, cause=Cause.EXPECTED_CHURN).count() == 1


@pytest.fixture
def levers(db):
    seed_defaults(Lever, Play)
    return {lever.kind: lever for lever in Lever.objects.all()}


def submit_holiday(account, csm, today, levers):
    proposal = propose_lever(
        account=account, lever=levers["payment_holiday"], params={"months": "3"}, give_back="",
        justification="Cash crunch after bookings collapsed.", user=csm, today=today, submit=True,
    )  # fmt: skip
    assert proposal.state == "submitted"  # waits for a manager: not within auto-approval
    return proposal


def test_approval_alert_opens_for_a_waiting_proposal_and_closes_when_approved(
    critical, csm, manager, today, levers, django_capture_on_commit_callbacks
):
    proposal = submit_holiday(critical, csm, today, levers)
    refresh_alerts(today=today)
    alert = alert_of(critical, Cause.APPROVAL_WAITING)
    assert alert.status == AlertStatus.OPEN
    assert alert.severity == Severity.HIGH  # critical, and a manager must decide
    with django_capture_on_commit_callbacks(execute=True):
        approve_proposal(proposal=proposal, approver=manager, comment="Go")
    alert.refresh_from_db()
    assert (alert.status, alert.closed_because) == (AlertStatus.CLOSED, ClosedBecause.DECIDED)


def test_approval_alert_opens_when_the_proposal_is_submitted_not_at_the_next_refresh(
    critical, csm, today, levers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_holiday(critical, csm, today, levers)
    alert = alert_of(critical, Cause.APPROVAL_WAITING)
    assert (alert.status, alert.severity) == (AlertStatus.OPEN, Severity.HIGH)
    with django_capture_on_commit_callbacks(execute=True):
        submit_holiday(critical, csm, today, levers)  # a second one waits: still one alert
    assert Alert.objects.filter(account=critical, cause=Cause.APPROVAL_WAITING).count() == 1
    refresh_alerts(today=today)
    assert Alert.objects.filter(account=critical, cause=Cause.APPROVAL_WAITING).count() == 1


def test_an_auto_approved_proposal_opens_no_approval_alert(
    csm, team, today, levers, django_capture_on_commit_callbacks
):
    small = AccountFactory(
        team=team, owner=csm, mrr=Decimal("100.00"), phase="defense", risk_band="high"
    )
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose_lever(
            account=small, lever=levers["payment_holiday"], params={"months": "1"},
            give_back="", justification="A short pause.", user=csm, today=today,
        )  # fmt: skip
    assert proposal.state == "approved"
    assert not Alert.objects.filter(account=small, cause=Cause.APPROVAL_WAITING).exists()


def test_approval_alert_stays_open_while_another_proposal_of_the_account_waits(
    critical, csm, manager, today, levers, django_capture_on_commit_callbacks
):
    first = submit_holiday(critical, csm, today, levers)
    second = submit_holiday(critical, csm, today, levers)
    refresh_alerts(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        reject_proposal(proposal=first, approver=manager, comment="Too generous")
    assert alert_of(critical, Cause.APPROVAL_WAITING).status == AlertStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        reject_proposal(proposal=second, approver=manager, comment="Still too generous")
    assert alert_of(critical, Cause.APPROVAL_WAITING).status == AlertStatus.CLOSED


# --- closed by hand -------------------------------------------------------------------------


def test_hand_closed_alert_stays_closed_while_its_condition_holds_unchanged(critical, csm, today):
    refresh_alerts(today=today)
    alert = alert_of(critical, Cause.HIGH_RISK)
    close_alerts(alerts=[alert], user=csm, reason="Sponsor call booked, handled")
    alert.refresh_from_db()
    assert (alert.status, alert.closed_by, alert.close_reason) == (
        AlertStatus.CLOSED,
        csm,
        "Sponsor call booked, handled",
    )
    for days in (0, 1, HAND_CLOSED_QUIET_DAYS - 1):
        refresh_alerts(today=today + timedelta(days=days))
        assert Alert.objects.filter(account=critical, cause=Cause.HIGH_RISK).count() == 1


def test_hand_closed_alert_opens_again_when_its_severity_rises(critical, csm, today):
    refresh_alerts(today=today)
    close_alerts(alerts=[alert_of(critical, Cause.HIGH_RISK)], user=csm, reason="Handled")
    Account.objects.filter(pk=critical.pk).update(mrr=Decimal("9000.00"))  # now a large account
    refresh_alerts(today=today)
    reopened = Alert.objects.get(account=critical, cause=Cause.HIGH_RISK, status=AlertStatus.OPEN)
    assert reopened.severity == Severity.HIGH


def test_hand_closed_alert_opens_again_after_the_quiet_days(critical, csm, today):
    refresh_alerts(today=today)
    close_alerts(alerts=[alert_of(critical, Cause.HIGH_RISK)], user=csm, reason="Handled")
    refresh_alerts(today=today + timedelta(days=HAND_CLOSED_QUIET_DAYS))
    assert Alert.objects.filter(
        account=critical, cause=Cause.HIGH_RISK, status=AlertStatus.OPEN
    ).exists()


# --- severity kept in step, run links -------------------------------------------------------


def test_refresh_rates_alerts_and_rerates_them_when_the_account_changes(critical, today):
    refresh_alerts(today=today)
    assert alert_of(critical, Cause.HIGH_RISK).severity == Severity.MEDIUM
    Account.objects.filter(pk=critical.pk).update(renewal_date=today + timedelta(days=10))
    counts = refresh_alerts(today=today)
    assert counts["rated"] == 1
    assert alert_of(critical, Cause.HIGH_RISK).severity == Severity.HIGH
    assert refresh_alerts(today=today)["rated"] == 0  # nothing changed, nothing rewritten


def test_a_run_records_the_alerts_it_opened_and_closed(critical, today):
    first = start_rescore_run(trigger="command", synchronous=True)
    second = start_rescore_run(trigger="command", synchronous=True)
    Account.objects.filter(pk=critical.pk).update(risk_band="critical")  # the run rescored it
    refresh_alerts(today=today, run=first)
    opened = alert_of(critical, Cause.HIGH_RISK)
    assert opened.opened_by_run == first
    Account.objects.filter(pk=critical.pk).update(risk_band="low")
    refresh_alerts(today=today, run=second)
    changes = alert_changes_in_run(second)
    assert list(changes.closed) == [opened]
    assert list(changes.opened) == []
    assert list(alert_changes_in_run(first).opened) == [opened]
    opened.refresh_from_db()
    assert opened.closed_because == ClosedBecause.CLEARED
