from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from alerts.models import Alert, AlertStatus, Cause, DigestSent
from alerts.queries import alert_changes_in_run
from alerts.services import AlertError, refresh_alerts, snooze
from risk.models import ExpectedChurn
from risk.services.runs import finish_run, start_rescore_run
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def high_risk(csm, team):
    return AccountFactory(team=team, owner=csm, risk_band="high", risk_score=62)


def test_one_open_alert_per_account_and_cause(high_risk):
    today = timezone.localdate()
    refresh_alerts(today=today)
    refresh_alerts(today=today)
    assert Alert.objects.filter(account=high_risk, cause=Cause.HIGH_RISK).count() == 1


def test_alert_closes_itself_when_the_condition_clears(high_risk):
    today = timezone.localdate()
    refresh_alerts(today=today)
    Account.objects.filter(pk=high_risk.pk).update(risk_band="medium")
    refresh_alerts(today=today)
    alert = Alert.objects.get(account=high_risk, cause=Cause.HIGH_RISK)
    assert alert.status == AlertStatus.CLOSED and alert.closed_at is not None


def test_renewal_alert_only_for_risky_accounts_renewing_within_30_days(csm, team):
    today = timezone.localdate()
    soon = AccountFactory(
        team=team, owner=csm, risk_band="critical", renewal_date=today + timedelta(days=20)
    )
    AccountFactory(
        team=team, owner=csm, risk_band="critical", renewal_date=today + timedelta(days=60)
    )
    AccountFactory(team=team, owner=csm, risk_band="low", renewal_date=today + timedelta(days=5))
    refresh_alerts(today=today)
    assert list(
        Alert.objects.filter(cause=Cause.RENEWAL_AT_RISK).values_list("account", flat=True)
    ) == [soon.pk]


def test_snooze_needs_a_reason(high_risk, csm):
    today = timezone.localdate()
    refresh_alerts(today=today)
    alert = Alert.objects.get(cause=Cause.HIGH_RISK)
    with pytest.raises(AlertError, match="reason is required"):
        snooze(alert=alert, user=csm, until=today + timedelta(days=3), reason=" ", today=today)
    snooze(alert=alert, user=csm, until=today + timedelta(days=3), reason="On holiday", today=today)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SNOOZED


def test_snoozed_alert_wakes_up_after_its_date_and_is_not_duplicated(high_risk, csm):
    today = timezone.localdate()
    refresh_alerts(today=today)
    alert = Alert.objects.get(cause=Cause.HIGH_RISK)
    snooze(alert=alert, user=csm, until=today + timedelta(days=3), reason="Waiting", today=today)
    refresh_alerts(today=today + timedelta(days=1))
    assert Alert.objects.filter(cause=Cause.HIGH_RISK).count() == 1
    refresh_alerts(today=today + timedelta(days=4))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_snooze_without_reason_on_the_page_is_refused_and_keeps_the_date(high_risk, csm_client):
    refresh_alerts(today=timezone.localdate())
    alert = Alert.objects.get(cause=Cause.HIGH_RISK)
    until = timezone.localdate() + timedelta(days=2)
    prefix = f"alert-{alert.pk}"
    response = csm_client.post(
        reverse("alerts:snooze", args=[alert.pk]),
        {f"{prefix}-until": until.isoformat(), f"{prefix}-reason": "   "},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "needs a reason" in page
    assert "This field is required." in page  # beside the reason field of this alert
    assert f'value="{until.isoformat()}"' in page  # what was typed is kept
    assert "<details open>" in page
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_snooze_on_the_page_with_a_reason_snoozes(high_risk, csm_client):
    refresh_alerts(today=timezone.localdate())
    alert = Alert.objects.get(cause=Cause.HIGH_RISK)
    until = timezone.localdate() + timedelta(days=2)
    prefix = f"alert-{alert.pk}"
    response = csm_client.post(
        reverse("alerts:snooze", args=[alert.pk]),
        {f"{prefix}-until": until.isoformat(), f"{prefix}-reason": "Back from holiday Monday"},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.snoozed_until) == (AlertStatus.SNOOZED, until)


def test_each_alert_row_has_its_own_snooze_fields(high_risk, csm, team, csm_client):
    second = AccountFactory(team=team, owner=csm, risk_score=90, risk_band="critical")
    refresh_alerts(today=timezone.localdate())
    alerts = list(Alert.objects.filter(account__in=[high_risk, second]))
    assert len(alerts) >= 2
    page = csm_client.get(reverse("alerts:list")).content.decode()
    for alert in alerts:
        assert page.count(f'id="id_alert-{alert.pk}-reason"') == 1


def test_was_this_useful_is_stored(high_risk, csm_client, csm):
    refresh_alerts(today=timezone.localdate())
    alert = Alert.objects.get(cause=Cause.HIGH_RISK)
    response = csm_client.post(
        reverse("alerts:feedback", args=[alert.pk]),
        {"useful": "no"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    alert.refresh_from_db()
    assert (alert.was_useful, alert.feedback_by) == (False, csm)


def test_alerts_page_lists_only_visible_accounts(high_risk, outsider, csm_client):
    refresh_alerts(today=timezone.localdate())
    assert high_risk.name in csm_client.get(reverse("alerts:list")).content.decode()
    assert high_risk.name not in client_for(outsider).get(reverse("alerts:list")).content.decode()
    alert = Alert.objects.first()
    assert (
        client_for(outsider)
        .post(reverse("alerts:feedback", args=[alert.pk]), {"useful": "yes"})
        .status_code
        == 404
    )


def test_digest_one_email_per_csm_per_run_and_none_when_nothing_moved(csm, team):
    today = timezone.localdate()
    account = AccountFactory(team=team, owner=csm)
    start_rescore_run(trigger="command", synchronous=True)  # first scores: no band "move"
    first_run_mails = len(mail.outbox)
    Account.objects.filter(pk=account.pk).update(
        cash_runway_months=1,
        late_payments=6,
        phase="defense",
        phase_entered_on=today - timedelta(days=200),
    )
    run = start_rescore_run(trigger="command", synchronous=True)
    finish_run(run_id=run.pk)
    finish_run(run_id=run.pk)  # a duplicated task sends nothing twice
    digests = mail.outbox[first_run_mails:]
    assert len(digests) == 1
    assert digests[0].to == [csm.email]
    assert account.name in digests[0].body
    assert digests[0].subject == "ChurnGuard: 1 account moved overnight"
    assert DigestSent.objects.filter(run=run).count() == 1
    quiet = start_rescore_run(trigger="command", synchronous=True)
    finish_run(run_id=quiet.pk)
    assert len(mail.outbox) == first_run_mails + 1


def test_finished_run_raises_expected_churn_and_alerts(
    csm, team, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    AccountFactory(
        team=team,
        owner=csm,
        industry="travel",
        phase="defense",
        funding_stage="seed",
        cash_runway_months=2,
        late_payments=6,
        phase_entered_on=today - timedelta(days=300),
        signing_discount_pct=30,
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = start_rescore_run(trigger="command", synchronous=True)
    assert ExpectedChurn.objects.count() == 1
    alert = Alert.objects.get(cause=Cause.EXPECTED_CHURN)
    assert alert.opened_by_run == run  # the run's page lists the alerts it opened
    assert alert in alert_changes_in_run(run).opened
