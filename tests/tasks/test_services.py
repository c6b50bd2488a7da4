from datetime import timedelta

import pytest
from django.db import IntegrityError

from tasks.models import SourceKind, Task, TaskStatus
from tasks.queries import due_today, overdue_tasks, visible_tasks
from tasks.services import (
    TaskError,
    cancel_task,
    complete_source_task,
    complete_task,
    create_task,
    reschedule_task,
)
from tasks.titles import with_titles

pytestmark = pytest.mark.django_db


def test_a_manual_task_keeps_the_title_its_author_typed(account, csm, today):
    task = create_task(
        account=account, owner=csm, due_on=today, created_by=csm, title="  Call Anna  "
    )
    assert task.title == "Call Anna"
    assert with_titles([task])[0].display_title == "Call Anna"
    assert task.status == TaskStatus.OPEN and task.created_at is not None


def test_a_manual_task_needs_a_title(account, csm, today):
    with pytest.raises(TaskError):
        create_task(account=account, owner=csm, due_on=today, created_by=csm, title=" ")
    assert not Task.objects.exists()


def test_a_generated_task_is_created_once_while_open(account, csm, today):
    args = {
        "account": account,
        "owner": csm,
        "due_on": today,
        "created_by": csm,
        "source_kind": SourceKind.ALERT,
        "source_id": "7",
    }
    first = create_task(**args)
    assert create_task(**args).pk == first.pk
    complete_task(task=first, user=csm)
    assert create_task(**args).pk != first.pk  # a new round of work once the first is done


def test_the_database_refuses_a_second_open_task_for_one_source(account, csm, today, make_task):
    make_task(title="", source_kind=SourceKind.PLAY, source_id="3")
    with pytest.raises(IntegrityError):
        make_task(title="", source_kind=SourceKind.PLAY, source_id="3")


def test_an_owner_must_see_the_account(account, csm, outsider, today):
    with pytest.raises(TaskError, match="cannot see this account"):
        create_task(account=account, owner=outsider, due_on=today, created_by=csm, title="x")
    assert not Task.objects.exists()


def test_completing_records_who_when_and_the_note_and_is_kept(overdue, teammate):
    done = complete_task(task=overdue, user=teammate, note="Sent on Friday")
    overdue.refresh_from_db()
    assert (overdue.status, overdue.done_by, overdue.done_note) == (
        "done",
        teammate,
        "Sent on Friday",
    )
    assert done.pk == overdue.pk
    assert overdue.done_at is not None
    with pytest.raises(TaskError):
        complete_task(task=overdue, user=teammate)
    assert Task.objects.filter(pk=overdue.pk).exists()


def test_cancelling_keeps_the_task_in_the_history(overdue, csm):
    cancel_task(task=overdue, user=csm, note="Customer asked to wait")
    overdue.refresh_from_db()
    assert overdue.status == TaskStatus.CANCELLED and overdue.done_by == csm
    with pytest.raises(TaskError):
        reschedule_task(task=overdue, user=csm, due_on=overdue.due_on)


def test_reschedule_and_reassign_are_audited(overdue, csm, teammate, today):
    reschedule_task(task=overdue, user=csm, due_on=today + timedelta(days=2), owner=teammate)
    overdue.refresh_from_db()
    assert overdue.due_on == today + timedelta(days=2)
    assert overdue.owner == teammate and overdue.changed_by == csm
    assert overdue.changed_at is not None


def test_reassigning_to_someone_who_cannot_see_the_account_changes_nothing(
    overdue, csm, outsider, today
):
    with pytest.raises(TaskError):
        reschedule_task(task=overdue, user=csm, due_on=today, owner=outsider)
    overdue.refresh_from_db()
    assert overdue.owner == csm and overdue.due_on < today


def test_a_source_closes_its_own_open_task_once(account, csm, make_task):
    task = make_task(title="", source_kind=SourceKind.PLAY, source_id="4")
    assert complete_source_task(account=account, source_kind="play", source_id="4", user=csm) == 1
    assert complete_source_task(account=account, source_kind="play", source_id="4", user=csm) == 0
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_by == csm


def test_overdue_and_due_today_are_the_owners_open_tasks(make_task, overdue, csm, teammate, today):
    due = make_task(title="Today")
    make_task(title="Later", due_on=today + timedelta(days=1))
    make_task(title="Teammate's", owner=teammate, due_on=today - timedelta(days=1))
    complete_task(task=make_task(title="Done already", due_on=today - timedelta(days=9)), user=csm)
    assert list(overdue_tasks(csm, today=today)) == [overdue]
    assert list(due_today(csm, today=today)) == [due]


def test_an_outsider_sees_no_task_of_our_accounts(overdue, outsider, manager, admin_user):
    assert not visible_tasks(outsider).exists()
    assert list(visible_tasks(manager)) == [overdue]
    assert list(visible_tasks(admin_user)) == [overdue]


def test_a_touchpoint_follow_up_is_titled_from_its_touchpoint(account, csm, today):
    from tests.factories import TouchpointFactory

    touchpoint = TouchpointFactory(account=account, kind="call")
    task = create_task(
        account=account,
        owner=csm,
        due_on=today,
        created_by=csm,
        source_kind=SourceKind.TOUCHPOINT,
        source_id=str(touchpoint.pk),
    )
    assert with_titles([task])[0].display_title.startswith("Follow up: Call of ")


def test_an_unknown_source_falls_back_to_its_kind(make_task):
    task = make_task(title="", source_kind=SourceKind.ALERT, source_id="999999")
    assert with_titles([task])[0].display_title == "Alert"
