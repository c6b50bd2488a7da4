"""Tasks made by their sources: plays, touchpoint follow-ups, give-backs, alerts, the digest."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Touchpoint
from alerts.models import Alert, DigestSent
from alerts.services import send_digests
from playbooks.catalogue import seed_defaults
from playbooks.models import Lever, Play, PlayCheck
from playbooks.services import (
    PLAY_TASK_SPACING_DAYS,
    approve_proposal,
    propose_lever,
    set_play_done,
    start_plays,
)
from risk.models import RescoreRun
from risk.queries import published_model
from tasks.models import SourceKind, Task, TaskStatus
from tasks.services import complete_task
from tasks.titles import with_titles
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plays(db):
    seed_defaults(Lever, Play)
    return list(Play.objects.filter(phase="defense", is_active=True))


@pytest.fixture
def at_risk(team, csm):
    return AccountFactory(
        team=team, owner=csm, name="Nordwind Voyages", industry="travel", phase="defense",
        risk_score=82, risk_band="critical", mrr=Decimal("2000.00"),
    )  # fmt: skip


# --- Plays -------------------------------------------------------------------------------


def test_starting_a_phase_creates_one_task_per_play_for_the_owner(at_risk, plays, manager, today):
    assert len(plays) >= 2
    created = start_plays(account=at_risk, user=manager, today=today)
    tasks = list(Task.objects.filter(account=at_risk).order_by("due_on"))
    assert created == len(plays) == len(tasks)
    assert {t.source_kind for t in tasks} == {SourceKind.PLAY}
    assert {t.source_id for t in tasks} == {str(p.pk) for p in plays}
    assert all(t.owner == at_risk.owner and t.created_by == manager for t in tasks)
    assert [t.due_on for t in tasks] == [
        today + timedelta(days=PLAY_TASK_SPACING_DAYS * n) for n in range(1, len(plays) + 1)
    ]
    with_titles(tasks)
    assert [t.display_title for t in tasks] == [p.display_title for p in plays]


def test_starting_plays_again_creates_nothing_more(at_risk, plays, csm, today):
    start_plays(account=at_risk, user=csm, today=today)
    assert start_plays(account=at_risk, user=csm, today=today) == 0
    assert Task.objects.count() == len(plays)


def test_a_play_already_done_gets_no_task(at_risk, plays, csm, today):
    set_play_done(account=at_risk, play=plays[0], user=csm, done=True)
    start_plays(account=at_risk, user=csm, today=today)
    assert str(plays[0].pk) not in set(Task.objects.values_list("source_id", flat=True))


def test_ticking_the_play_completes_its_task(at_risk, plays, csm, today):
    start_plays(account=at_risk, user=csm, today=today)
    set_play_done(account=at_risk, play=plays[0], user=csm, done=True)
    task = Task.objects.get(source_id=str(plays[0].pk))
    assert task.status == TaskStatus.DONE and task.done_by == csm


def test_unticking_the_play_gives_its_task_back(at_risk, plays, csm, teammate, today):
    start_plays(account=at_risk, user=csm, today=today)
    first = Task.objects.get(source_id=str(plays[0].pk))
    complete_task(task=first, user=teammate)  # which ticks the play
    set_play_done(account=at_risk, play=plays[0], user=csm, done=False)

    first.refresh_from_db()
    assert first.status == TaskStatus.DONE and first.done_by == teammate  # kept as it was
    again = Task.objects.get(source_id=str(plays[0].pk), status=TaskStatus.OPEN)
    assert (again.owner, again.due_on, again.created_by) == (first.owner, today, csm)
    # Unticking again makes nothing more.
    set_play_done(account=at_risk, play=plays[0], user=csm, done=False)
    assert Task.objects.filter(source_id=str(plays[0].pk)).count() == 2
    # Ticking it again closes the new task.
    set_play_done(account=at_risk, play=plays[0], user=csm, done=True)
    again.refresh_from_db()
    assert again.status == TaskStatus.DONE


def test_unticking_a_play_never_started_makes_no_task(at_risk, plays, csm):
    set_play_done(account=at_risk, play=plays[0], user=csm, done=True)
    set_play_done(account=at_risk, play=plays[0], user=csm, done=False)
    assert not Task.objects.exists()


def test_completing_the_task_ticks_the_play(at_risk, plays, teammate, csm, today):
    start_plays(account=at_risk, user=csm, today=today)
    task = Task.objects.get(source_id=str(plays[1].pk))
    complete_task(task=task, user=teammate)
    check = PlayCheck.objects.get(account=at_risk, play=plays[1])
    assert check.done_by == teammate


def test_the_start_button_is_a_post_for_who_sees_the_account(at_risk, plays, csm, outsider):
    url = reverse("playbooks:plays-start", args=[at_risk.pk])
    assert client_for(outsider).post(url).status_code == 404
    assert not Task.objects.exists()
    response = client_for(csm).post(url)
    assert response.status_code == 302 and "#account-tasks" in response["Location"]
    assert Task.objects.count() == len(plays)


def test_the_play_panel_offers_to_start_the_plays(at_risk, plays, csm):
    page = client_for(csm).get(reverse("accounts:detail", args=[at_risk.pk]))
    assert reverse("playbooks:plays-start", args=[at_risk.pk]).encode() in page.content


# --- Give-backs ---------------------------------------------------------------------------


def _propose(account, user, *, kind, params, give_back, today):
    return propose_lever(
        account=account, lever=Lever.objects.get(kind=kind), params=params,
        give_back=give_back, justification="Cash crunch.", user=user, today=today,
    )  # fmt: skip


def test_an_approved_give_back_becomes_a_task_for_the_owner(at_risk, plays, csm, manager, today):
    proposal = _propose(
        at_risk, csm, kind="payment_holiday", params={"months": "3"},
        give_back="success_story", today=today,
    )  # fmt: skip
    assert not Task.objects.exists()  # waiting for approval: nothing to collect yet
    approve_proposal(proposal=proposal, approver=manager)
    task = Task.objects.get()
    assert (task.source_kind, task.source_id, task.owner) == ("give_back", str(proposal.pk), csm)
    assert with_titles([task])[0].display_title == "Collect the give-back: A success story"


def test_an_auto_approved_lever_with_a_give_back_makes_its_task(at_risk, plays, csm, today):
    proposal = _propose(
        at_risk, csm, kind="free_services", params={"days": "0.5"},
        give_back="success_story", today=today,
    )  # fmt: skip
    assert proposal.state == "approved"
    assert Task.objects.get().source_id == str(proposal.pk)


def test_a_lever_without_give_back_makes_no_task(at_risk, plays, csm, manager, today):
    proposal = _propose(
        at_risk, csm, kind="payment_holiday", params={"months": "3"}, give_back="", today=today
    )
    approve_proposal(proposal=proposal, approver=manager)
    assert not Task.objects.exists()


# --- Alerts -------------------------------------------------------------------------------


def test_make_a_task_from_an_alert_once(at_risk, csm, manager, today):
    alert = Alert.objects.create(account=at_risk, cause="high_risk", opened_at=timezone.now())
    url = reverse("alerts:make-task", args=[alert.pk])
    response = client_for(manager).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Task created" in response.content
    client_for(manager).post(url)
    task = Task.objects.get()
    assert (task.owner, task.priority, task.due_on, task.created_by) == (
        csm, "high", today, manager,
    )  # fmt: skip
    assert with_titles([task])[0].display_title == "Act on the alert: Risk band high or critical"


def test_an_outsider_cannot_make_a_task_from_our_alert(at_risk, outsider):
    alert = Alert.objects.create(account=at_risk, cause="high_risk", opened_at=timezone.now())
    response = client_for(outsider).post(reverse("alerts:make-task", args=[alert.pk]))
    assert response.status_code == 404
    assert not Task.objects.exists()


# --- Touchpoint follow-up -------------------------------------------------------------------


def _touchpoint(client, account, **extra):
    data = {
        "kind": "call",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "Went through the renewal.",
        **extra,
    }
    return client.post(reverse("accounts:touchpoint-create", args=[account.pk]), data)


def test_a_touchpoint_with_a_follow_up_date_creates_a_task(csm_client, account, csm, today):
    response = _touchpoint(
        csm_client, account, follow_up_on=(today + timedelta(days=7)).isoformat()
    )
    assert response.status_code == 302
    task = Task.objects.get()
    touchpoint = Touchpoint.objects.get()
    assert (task.source_kind, task.source_id) == ("touchpoint", str(touchpoint.pk))
    assert task.owner == csm and task.due_on == today + timedelta(days=7)
    assert with_titles([task])[0].display_title.startswith("Follow up: Call of ")


def test_a_follow_up_title_is_kept_as_typed(csm_client, account, today):
    _touchpoint(
        csm_client, account, follow_up_on=today.isoformat(), follow_up_title="Send the contract"
    )
    assert Task.objects.get().title == "Send the contract"


def test_a_follow_up_in_the_past_is_refused_and_nothing_is_saved(csm_client, account, today):
    response = _touchpoint(
        csm_client, account, follow_up_on=(today - timedelta(days=1)).isoformat()
    )
    assert response.status_code == 400
    assert not Touchpoint.objects.exists() and not Task.objects.exists()


def test_a_follow_up_title_needs_a_date(csm_client, account):
    response = _touchpoint(csm_client, account, follow_up_title="Call back")
    assert response.status_code == 400
    assert not Touchpoint.objects.exists()


def test_the_touchpoint_completes_the_task_the_csm_came_from(csm_client, account, overdue):
    page = csm_client.get(reverse("accounts:detail", args=[account.pk]), {"task": overdue.pk})
    assert b"Working on" in page.content and b"Send the QBR deck" in page.content
    response = _touchpoint(csm_client, account, task=overdue.pk)
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.status == TaskStatus.DONE and Touchpoint.objects.count() == 1


def test_with_htmx_the_task_panel_is_swapped_out_of_band(csm_client, account, overdue):
    response = csm_client.post(
        reverse("accounts:touchpoint-create", args=[account.pk]),
        {
            "kind": "call",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "summary": "Done.",
            "task": overdue.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Done: Send the QBR deck" in body and 'hx-swap-oob="true"' in body


def test_a_task_of_another_account_is_not_completed(csm_client, account, team, csm, make_task):
    elsewhere = make_task(account=AccountFactory(team=team, owner=csm), title="Elsewhere")
    response = _touchpoint(csm_client, account, task=elsewhere.pk)
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_open and not Touchpoint.objects.exists()


def test_a_task_of_another_team_is_a_404_and_nothing_is_logged(csm_client, account, other_team):
    theirs = AccountFactory(team=other_team)
    task = Task.objects.create(
        account=theirs, owner=theirs.owner, title="Theirs", due_on=timezone.localdate(),
        created_at=timezone.now(),
    )  # fmt: skip
    assert _touchpoint(csm_client, account, task=task.pk).status_code == 404
    assert not Touchpoint.objects.exists()


def test_an_unknown_task_in_the_address_is_ignored(csm_client, account, outsider):
    page = csm_client.get(reverse("accounts:detail", args=[account.pk]), {"task": "abc"})
    assert page.status_code == 200 and b"Working on" not in page.content


# --- Digest -------------------------------------------------------------------------------


def test_the_digest_lists_overdue_and_due_today_tasks_even_when_nothing_moved(
    make_task, overdue, csm, today
):
    make_task(title="Prepare the renewal call")
    make_task(title="Next week", due_on=today + timedelta(days=7))
    run = RescoreRun.objects.create(
        as_of=today, trigger="command", started_at=timezone.now(), risk_model=published_model()
    )
    assert send_digests(run=run) == 1
    assert send_digests(run=run) == 0  # once per run
    body = mail.outbox[0].body
    assert "Overdue tasks:" in body and "Send the QBR deck" in body
    assert "Tasks due today:" in body and "Prepare the renewal call" in body
    assert "Next week" not in body
    assert mail.outbox[0].subject == "ChurnGuard: your tasks for today"
    assert DigestSent.objects.filter(run=run, user=csm).exists()


def test_a_started_play_shows_its_open_task_on_the_checklist(at_risk, plays, csm, today):
    start_plays(account=at_risk, user=csm, today=today)
    set_play_done(account=at_risk, play=plays[0], user=csm, done=True)
    page = client_for(csm).get(reverse("accounts:detail", args=[at_risk.pk]))
    items = page.context["playbook"].plays
    assert [item.has_open_task for item in items] == [False] + [True] * (len(plays) - 1)
    assert page.content.decode().count("task open") == len(plays) - 1
