from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.models import SourceKind, Task, TaskStatus
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _titles(response) -> list[str]:
    return [task.display_title for task in response.context["page"].object_list]


def test_the_task_list_shows_my_open_tasks_by_default(csm_client, make_task, teammate, today):
    make_task(title="Mine")
    make_task(title="Teammate's", owner=teammate)
    response = csm_client.get(reverse("tasks:list"))
    assert response.status_code == 200
    assert _titles(response) == ["Mine"]


def test_a_csm_cannot_widen_the_list_to_others(csm_client, make_task, teammate):
    make_task(title="Teammate's", owner=teammate)
    response = csm_client.get(reverse("tasks:list"), {"owner": "all"})
    assert _titles(response) == []


def test_a_manager_filters_by_csm_team_and_overdue(manager, make_task, overdue, csm, team, today):
    make_task(title="Later", due_on=today + timedelta(days=4))
    client = client_for(manager)
    everyone = client.get(reverse("tasks:list"), {"owner": "all", "team": team.pk})
    assert sorted(_titles(everyone)) == ["Later", "Send the QBR deck"]
    late = client.get(reverse("tasks:list"), {"owner": str(csm.pk), "overdue": "on"})
    assert _titles(late) == ["Send the QBR deck"]


def test_a_bad_filter_is_a_400_not_a_500(manager):
    response = client_for(manager).get(reverse("tasks:list"), {"team": "nope", "owner": "x"})
    assert response.status_code == 400


def test_closed_tasks_are_listed_apart(csm_client, make_task, csm):
    make_task(title="Open one")
    make_task(title="Finished", status=TaskStatus.DONE, done_by=csm, done_at=timezone.now())
    response = csm_client.get(reverse("tasks:list"), {"status": "closed"})
    assert _titles(response) == ["Finished"]


def _list_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_task_list_costs_the_same_queries_at_50_and_500_rows(manager, team, csm, today):
    accounts = AccountFactory.create_batch(5, team=team, owner=csm)
    kinds = [SourceKind.MANUAL, SourceKind.PLAY, SourceKind.ALERT, SourceKind.TOUCHPOINT]

    def add(start: int, count: int) -> None:
        Task.objects.bulk_create(
            Task(
                account=accounts[i % 5],
                owner=csm,
                title="Call" if kinds[i % 4] == SourceKind.MANUAL else "",
                source_kind=kinds[i % 4],
                source_id=str(i),
                due_on=today - timedelta(days=i % 7),
                created_at=timezone.now(),
            )
            for i in range(start, start + count)
        )

    client = client_for(manager)
    path = reverse("tasks:list") + f"?owner=all&team={team.pk}"
    add(0, 50)
    client.get(path)  # warm the session
    at_50 = _list_queries(client, path)
    add(50, 450)
    assert _list_queries(client, path) == at_50
    # session, user, managed teams, owners and teams of the form, count, page, one per source
    assert at_50 <= 11, at_50


def test_done_with_htmx_returns_the_closed_row(csm_client, overdue):
    response = csm_client.post(reverse("tasks:complete", args=[overdue.pk]), **HTMX)
    assert response.status_code == 200
    assert b'<s class="task-title">Send the QBR deck</s>' in response.content
    overdue.refresh_from_db()
    assert overdue.status == TaskStatus.DONE


def test_done_without_javascript_goes_back_to_next(csm_client, overdue):
    response = csm_client.post(reverse("tasks:complete", args=[overdue.pk]), {"next": "/my-day/"})
    assert response.status_code == 302 and response["Location"] == "/my-day/"


def test_reschedule_to_the_past_is_a_400_and_changes_nothing(csm_client, overdue, today):
    response = csm_client.post(
        reverse("tasks:reschedule", args=[overdue.pk]),
        {"due_on": (today - timedelta(days=1)).isoformat()},
        **HTMX,
    )
    assert response.status_code == 400
    assert b"cannot be in the past" in response.content
    before = overdue.due_on
    overdue.refresh_from_db()
    assert overdue.due_on == before


def test_reschedule_moves_the_due_date(csm_client, overdue, today):
    new_date = today + timedelta(days=5)
    response = csm_client.post(
        reverse("tasks:reschedule", args=[overdue.pk]), {"due_on": new_date.isoformat()}
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.due_on == new_date


def test_cancel_keeps_the_row(csm_client, overdue):
    csm_client.post(reverse("tasks:cancel", args=[overdue.pk]), {"note": "No longer needed"})
    overdue.refresh_from_db()
    assert overdue.status == TaskStatus.CANCELLED and overdue.done_note == "No longer needed"


def test_an_outsider_gets_404_and_changes_nothing(outsider, overdue):
    client = client_for(outsider)
    for name in ("tasks:complete", "tasks:cancel", "tasks:reschedule"):
        assert (
            client.post(reverse(name, args=[overdue.pk]), {"due_on": "2030-01-01"}).status_code
            == 404
        )
    overdue.refresh_from_db()
    assert overdue.status == TaskStatus.OPEN


def test_a_teammate_may_close_a_task_of_the_team(teammate, overdue):
    client_for(teammate).post(reverse("tasks:complete", args=[overdue.pk]))
    overdue.refresh_from_db()
    assert overdue.status == TaskStatus.DONE and overdue.done_by == teammate


def test_new_task_from_the_account_page(csm_client, account, csm, today):
    response = csm_client.post(
        reverse("tasks:create", args=[account.pk]),
        {"title": "Book the QBR", "due_on": today.isoformat(), "priority": "high", "owner": csm.pk},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.title, task.priority, task.owner, task.created_by) == (
        "Book the QBR", "high", csm, csm,
    )  # fmt: skip
    page = csm_client.get(reverse("accounts:detail", args=[account.pk]))
    assert b"Book the QBR" in page.content


def test_new_task_with_errors_is_a_400_and_saves_nothing(csm_client, account, csm):
    response = csm_client.post(
        reverse("tasks:create", args=[account.pk]),
        {"title": "", "due_on": "2001-01-01", "priority": "urgent", "owner": csm.pk},
    )
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_new_task_for_an_owner_outside_the_team_is_refused(csm_client, account, outsider, today):
    response = csm_client.post(
        reverse("tasks:create", args=[account.pk]),
        {"title": "x", "due_on": today.isoformat(), "priority": "low", "owner": outsider.pk},
    )
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_new_task_on_another_teams_account_is_a_404(outsider, account, today):
    response = client_for(outsider).post(
        reverse("tasks:create", args=[account.pk]),
        {"title": "x", "due_on": today.isoformat(), "priority": "low", "owner": outsider.pk},
    )
    assert response.status_code == 404
    assert not Task.objects.exists()


def test_the_task_list_reads_in_french(csm_client, overdue):
    csm_client.cookies["django_language"] = "fr"
    response = csm_client.get(reverse("tasks:list"))
    body = response.content.decode()
    assert "Tâches" in body and "en retard depuis le" in body


def test_the_task_list_is_paginated_and_keeps_its_filters(manager, csm, account, today):
    Task.objects.bulk_create(
        Task(account=account, owner=csm, title=f"Call {i}", due_on=today, created_at=timezone.now())
        for i in range(60)
    )
    client = client_for(manager)
    first = client.get(reverse("tasks:list"), {"owner": "all"})
    assert len(first.context["page"].object_list) == 50
    assert "?owner=all&amp;page=2" in first.content.decode()
    second = client.get(reverse("tasks:list"), {"owner": "all", "page": 2})
    assert len(second.context["page"].object_list) == 10
