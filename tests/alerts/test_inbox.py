"""The alerts inbox: what each line shows, filters, bulk snooze and close, the usefulness page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertStatus, Cause, Severity
from alerts.services import refresh_alerts
from tests.conftest import client_for
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def big(csm, team, today):
    """Critical, 9,000 EUR a month, renewing in three weeks: a high-severity alert."""
    return AccountFactory(
        team=team, owner=csm, name="Brightwave Logistics", risk_band="critical", risk_score=88,
        mrr=Decimal("9000.00"), renewal_date=today + timedelta(days=21),
    )  # fmt: skip


@pytest.fixture
def small(teammate, team):
    """High band, 1,500 EUR a month, renewing late: a low-severity alert."""
    return AccountFactory(
        team=team, owner=teammate, name="Quietfield Studio", risk_band="high", risk_score=61,
        mrr=Decimal("1500.00"),
    )  # fmt: skip


def open_alert(account, cause=Cause.HIGH_RISK):
    return Alert.objects.get(account=account, cause=cause, status__in=["open", "snoozed"])


def page_of(client, **params):
    response = client.get(reverse("alerts:list"), params)
    assert response.status_code == 200
    return response.content.decode()


# --- the lines ------------------------------------------------------------------------------


def test_each_line_shows_severity_band_mrr_owner_team_and_age(big, csm, csm_client, today):
    refresh_alerts(today=today)
    Alert.objects.filter(account=big).update(opened_at=timezone.now() - timedelta(days=3))
    page = page_of(csm_client, cause="high_risk")
    assert "Brightwave Logistics" in page
    assert '<span class="severity severity-3">High</span>' in page
    assert "band-critical" in page and "Critical" in page
    assert "€9,000" in page
    assert csm.display_name in page
    assert "Team North" in page
    assert "3 days" in page


def test_most_severe_first_and_sorting_by_mrr(big, small, csm_client, today):
    refresh_alerts(today=today)
    page = page_of(csm_client, cause="high_risk")
    assert page.index("Brightwave") < page.index("Quietfield")
    page = page_of(csm_client, cause="high_risk", sort="oldest")
    assert "Brightwave" in page and "Quietfield" in page


# --- filters --------------------------------------------------------------------------------


def test_filters_by_cause_severity_owner_and_team(big, small, csm, teammate, csm_client, today):
    refresh_alerts(today=today)
    page = page_of(csm_client, cause="renewal_at_risk")
    assert "Brightwave" in page and "Quietfield" not in page
    page = page_of(csm_client, severity=Severity.LOW)
    assert "Quietfield" in page and "Brightwave" not in page
    page = page_of(csm_client, owner=teammate.pk)
    assert "Quietfield" in page and "Brightwave" not in page
    page = page_of(csm_client, team=csm.team_id)
    assert "Quietfield" in page and "Brightwave" in page


def test_team_and_owner_filters_offer_only_what_the_user_sees(
    big, outsider, other_team, csm_client, today
):
    page = page_of(csm_client)
    assert "Team South" not in page
    assert outsider.display_name not in page
    # Asking for another team's alerts by hand is an invalid choice: reported, never a leak.
    AccountFactory(team=other_team, owner=outsider, name="Elsewhere Corp", risk_band="critical")
    refresh_alerts(today=today)
    page = page_of(csm_client, team=other_team.pk)
    assert "Elsewhere Corp" not in page
    assert "Select a valid choice" in page


@pytest.mark.parametrize(
    "params",
    [
        {"severity": "extreme"},
        {"owner": "abc"},
        {"team": "99999999999999999999"},
        {"cause": "<script>"},
        {"status": "deleted"},
        {"sort": "price"},
        {"page": "-4"},
    ],
)
def test_bad_filter_values_are_ignored_never_a_500(big, csm_client, today, params):
    refresh_alerts(today=today)
    page = page_of(csm_client, **params)
    assert "Brightwave" in page  # the open alerts, unfiltered by the bad value


def test_status_tabs_show_snoozed_and_closed_alerts(big, small, csm, csm_client, today):
    refresh_alerts(today=today)
    client = csm_client
    client.post(
        reverse("alerts:bulk"),
        {"alerts": [open_alert(small).pk], "action": "close", "reason": "Handled on the call"},
    )
    closed = page_of(client, status="closed")
    assert "Quietfield" in closed and "Handled on the call" in closed
    assert "Closed by hand" in closed
    assert 'name="alerts"' not in closed  # nothing to select on closed alerts
    assert "Quietfield" not in page_of(client, cause="high_risk")


# --- query counts ---------------------------------------------------------------------------


def make_alerts(count, team, owner):
    accounts = AccountFactory.create_batch(count, team=team, owner=owner, risk_band="high")
    now = timezone.now()
    Alert.objects.bulk_create(
        Alert(account=account, cause=Cause.HIGH_RISK, opened_at=now, severity=Severity.MEDIUM)
        for account in accounts
    )


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("alerts:list"))
    assert response.status_code == 200
    return len(queries)


def test_inbox_query_count_is_the_same_at_50_and_500_rows(csm, team, csm_client):
    make_alerts(50, team, csm)
    count_queries(csm_client)  # the first request caches the session's user
    at_50 = count_queries(csm_client)
    make_alerts(450, team, csm)
    at_500 = count_queries(csm_client)
    assert at_50 == at_500
    assert at_500 <= 6


# --- bulk actions ---------------------------------------------------------------------------


def post_bulk(client, alerts, **data):
    return client.post(reverse("alerts:bulk"), {"alerts": [a.pk for a in alerts], **data})


def test_bulk_snooze_snoozes_every_selected_alert_with_the_reason(
    big, small, csm, csm_client, today
):
    refresh_alerts(today=today)
    chosen = [open_alert(big), open_alert(small)]
    until = today + timedelta(days=5)
    response = post_bulk(
        csm_client, chosen, action="snooze", until=until.isoformat(), reason="Quarter close"
    )
    assert response.status_code == 302
    for alert in chosen:
        alert.refresh_from_db()
        assert (alert.status, alert.snoozed_until, alert.snooze_reason, alert.snoozed_by) == (
            AlertStatus.SNOOZED,
            until,
            "Quarter close",
            csm,
        )


def test_bulk_close_closes_every_selected_alert_and_records_who_and_why(
    big, small, csm, csm_client, today
):
    refresh_alerts(today=today)
    chosen = [open_alert(big), open_alert(small)]
    response = post_bulk(csm_client, chosen, action="close", reason="Both renewals signed")
    assert response.status_code == 302
    for alert in chosen:
        alert.refresh_from_db()
        assert (alert.status, alert.closed_by, alert.close_reason) == (
            AlertStatus.CLOSED,
            csm,
            "Both renewals signed",
        )
        assert alert.closed_at is not None


def statuses():
    return dict(Alert.objects.values_list("pk", "status"))


@pytest.mark.parametrize("action", ["close", "snooze"])
def test_bulk_action_without_a_reason_is_refused_and_writes_nothing(
    action, big, small, csm_client, today
):
    refresh_alerts(today=today)
    before = statuses()
    until = (today + timedelta(days=5)).isoformat()
    response = post_bulk(
        csm_client, [open_alert(big), open_alert(small)], action=action, until=until, reason="  "
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was changed" in page
    assert "A reason is required" in page
    assert statuses() == before
    # What was selected stays selected, so the CSM only adds the reason.
    assert page.count(" checked aria-label=") == 2


def test_bulk_action_with_no_row_selected_is_refused(big, csm_client, today):
    refresh_alerts(today=today)
    before = statuses()
    response = csm_client.post(reverse("alerts:bulk"), {"action": "close", "reason": "Handled"})
    assert response.status_code == 400
    assert "Select at least one alert." in response.content.decode()
    assert statuses() == before


def test_bulk_snooze_needs_a_date_after_today(big, csm_client, today):
    refresh_alerts(today=today)
    before = statuses()
    alerts = [open_alert(big)]
    response = post_bulk(csm_client, alerts, action="snooze", reason="Later")
    assert response.status_code == 400
    assert "Choose the date the alerts wake up." in response.content.decode()
    response = post_bulk(
        csm_client, alerts, action="snooze", until=today.isoformat(), reason="Later"
    )
    assert response.status_code == 400
    assert "Snooze until a date after today." in response.content.decode()
    assert statuses() == before


def test_bulk_with_an_alert_the_user_cannot_see_writes_nothing(
    big, outsider, other_team, csm_client, today
):
    AccountFactory(team=other_team, owner=outsider, risk_band="critical")
    refresh_alerts(today=today)
    foreign = Alert.objects.exclude(account__team=big.team).first()
    before = statuses()
    response = post_bulk(
        csm_client, [open_alert(big), foreign], action="close", reason="Not mine anyway"
    )
    assert response.status_code == 400
    assert "not in your inbox" in response.content.decode()
    assert statuses() == before


def test_bulk_on_an_alert_closed_meanwhile_writes_nothing(big, small, csm_client, today):
    refresh_alerts(today=today)
    first, second = open_alert(big), open_alert(small)
    Alert.objects.filter(pk=second.pk).update(status=AlertStatus.CLOSED)
    response = post_bulk(csm_client, [first, second], action="close", reason="Handled")
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.status == AlertStatus.OPEN


def test_bulk_messages_in_french(big, csm_client, today):
    refresh_alerts(today=today)
    response = csm_client.post(
        reverse("alerts:bulk"),
        {"alerts": [open_alert(big).pk], "action": "close", "reason": ""},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rien n’a été modifié" in page
    assert "Un motif est obligatoire" in page
    assert "Gravité" in page and "MRR en jeu" in page


# --- usefulness -----------------------------------------------------------------------------


def test_usefulness_page_counts_answers_per_cause(big, small, csm, admin_user, today):
    refresh_alerts(today=today)
    Alert.objects.filter(account=big, cause=Cause.HIGH_RISK).update(was_useful=True)
    Alert.objects.filter(account=small, cause=Cause.HIGH_RISK).update(was_useful=False)
    Alert.objects.filter(account=big, cause=Cause.RENEWAL_AT_RISK).update(was_useful=True)
    response = client_for(admin_user).get(reverse("alerts:usefulness"))
    assert response.status_code == 200
    by_cause = response.context["by_cause"]
    rows = {line["cause"]: line["row"] for line in by_cause}
    high = rows["Risk band high or critical"]
    assert (high.answered, high.useful, high.not_useful, high.share_useful) == (2, 1, 1, 50.0)
    assert rows["Risky account renewing within 30 days"].share_useful == 100.0
    assert "50%" in response.content.decode()
    severities = {(line["cause"], line["severity"]) for line in response.context["by_severity"]}
    assert ("Risk band high or critical", "High") in severities
    assert ("Risk band high or critical", "Low") in severities


def test_usefulness_page_has_an_empty_state(admin_user):
    response = client_for(admin_user).get(reverse("alerts:usefulness"))
    assert response.status_code == 200
    assert "Nobody has answered" in response.content.decode()


def test_usefulness_page_is_for_admins_only(csm_client, manager):
    assert csm_client.get(reverse("alerts:usefulness")).status_code == 403
    assert client_for(manager).get(reverse("alerts:usefulness")).status_code == 403


def test_usefulness_page_in_french(admin_user):
    response = client_for(admin_user).get(
        reverse("alerts:usefulness"), headers={"Accept-Language": "fr"}
    )
    assert "Les alertes étaient-elles utiles" in response.content.decode()


def test_csm_sees_no_link_to_the_usefulness_page(csm_client):
    assert reverse("alerts:usefulness") not in page_of(csm_client)


def test_admin_sees_every_team_in_the_team_filter(admin_user, team, other_team):
    UserFactory(team=other_team)
    page = page_of(client_for(admin_user))
    assert "Team North" in page and "Team South" in page
