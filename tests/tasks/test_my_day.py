from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertStatus
from tasks.models import Task
from tests.conftest import client_for
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_DAY = "/my-day/"


def test_my_day_is_in_the_menu_and_answers_at_its_address(csm_client):
    assert reverse("workspace:my-day") == MY_DAY
    response = csm_client.get(MY_DAY)
    assert response.status_code == 200
    assert b'href="/my-day/"' in response.content


def test_my_day_lists_overdue_and_due_today_each_linking_to_the_account(
    csm_client, make_task, overdue, account, teammate, today
):
    due = make_task(title="Prepare the renewal call")
    make_task(title="Next week", due_on=today + timedelta(days=7))
    make_task(title="Teammate's", owner=teammate, due_on=today - timedelta(days=1))
    response = csm_client.get(MY_DAY)
    assert response.context["overdue"] == [overdue]
    assert response.context["due_today"] == [due]
    body = response.content.decode()
    assert f"/accounts/{account.pk}/?task={overdue.pk}" in body
    assert "Next week" not in body and "Teammate&#x27;s" not in body


def test_empty_states(csm_client):
    body = csm_client.get(MY_DAY).content.decode()
    assert "Nothing overdue" in body and "No task due today" in body
    assert "No new alert" in body


def test_new_alerts_are_those_opened_within_a_day_on_my_accounts(csm_client, account, team):
    now = timezone.now()
    fresh = Alert.objects.create(account=account, cause="high_risk", opened_at=now)
    Alert.objects.create(
        account=account, cause="renewal_at_risk", opened_at=now - timedelta(days=3)
    )
    Alert.objects.create(
        account=account, cause="expected_churn", opened_at=now, status=AlertStatus.CLOSED
    )
    teammates = AccountFactory(team=team, owner=UserFactory(team=team))
    Alert.objects.create(account=teammates, cause="high_risk", opened_at=now)
    assert csm_client.get(MY_DAY).context["new_alerts"] == [fresh]


def test_an_alert_older_than_a_day_is_new_if_opened_since_the_last_visit(csm_client, account):
    csm_client.get(MY_DAY)  # the last visit: now
    session = csm_client.session
    session["my_day_last_visit"] = (timezone.now() - timedelta(days=5)).isoformat()
    session.save()
    old = Alert.objects.create(
        account=account, cause="high_risk", opened_at=timezone.now() - timedelta(days=3)
    )
    assert csm_client.get(MY_DAY).context["new_alerts"] == [old]


def test_a_manager_also_sees_the_overdue_tasks_of_their_teams(manager, overdue, make_task, today):
    make_task(title="Not late")
    response = client_for(manager).get(MY_DAY)
    assert response.context["team_overdue"] == [overdue]
    assert b"Overdue in my teams" in response.content


def test_a_csm_sees_no_team_section(csm_client, overdue):
    response = csm_client.get(MY_DAY)
    assert response.context["team_overdue"] == [] and b"Overdue in my teams" not in response.content


def test_an_outsider_sees_none_of_our_tasks(outsider, overdue):
    response = client_for(outsider).get(MY_DAY)
    assert response.context["overdue"] == [] and b"Send the QBR deck" not in response.content


def test_anonymous_goes_to_login(client):
    response = client.get(MY_DAY)
    assert response.status_code == 302 and "/login/" in response["Location"]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MY_DAY).status_code == 200
    return len(queries)


def test_my_day_costs_the_same_queries_at_50_and_500_tasks(manager, csm, team, today):
    accounts = AccountFactory.create_batch(3, team=team, owner=csm)

    def add(count: int) -> None:
        Task.objects.bulk_create(
            Task(
                account=accounts[i % 3], owner=csm, title="Call", due_on=today - timedelta(days=1),
                created_at=timezone.now(),
            )
            for i in range(count)
        )  # fmt: skip

    client = client_for(manager)
    add(50)
    client.get(MY_DAY)
    at_50 = _queries(client)
    add(450)
    assert _queries(client) == at_50
