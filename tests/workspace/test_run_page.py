"""A run's own page: what a finished run changed, within the reader's teams."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from alerts.models import Alert, AlertStatus, Cause
from risk.models import (
    ExpectedChurn,
    ExpectedChurnStatus,
    RescoreRun,
    RunStatus,
    RunTrigger,
    Score,
)
from risk.queries import published_model
from tests.conftest import client_for
from tests.factories import AccountFactory
from workspace.run_page import MOVES_PER_PAGE

pytestmark = pytest.mark.django_db


def make_run(*, started_at, finished=True) -> RescoreRun:
    return RescoreRun.objects.create(
        trigger=RunTrigger.NIGHTLY,
        risk_model=published_model(),
        as_of=started_at.date(),
        started_at=started_at,
        finished_at=started_at + timedelta(minutes=2, seconds=5) if finished else None,
        status=RunStatus.SUCCEEDED if finished else RunStatus.RUNNING,
        accounts_total=10,
        accounts_done=10,
        accounts_changed=4,
    )


def moved(run, account, previous_band, band, score=50) -> Score:
    return Score.objects.create(
        account=account,
        risk_model=run.risk_model,
        score=score,
        band=band,
        previous_band=previous_band,
        contributions_json="[]",
        computed_at=run.started_at + timedelta(seconds=30),
        run=run,
    )


@pytest.fixture
def run():
    return make_run(started_at=timezone.now() - timedelta(hours=2))


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


def page_of(client, run, **params):
    response = client.get(reverse("workspace:run-detail", args=[run.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_accounts_whose_band_went_up_are_listed_biggest_mrr_first(manager_client, run, csm, team):
    small = AccountFactory(team=team, owner=csm, name="Small Up", mrr=Decimal("500"))
    big = AccountFactory(team=team, owner=csm, name="Big Up", mrr=Decimal("9000"))
    moved(run, small, "low", "high")
    moved(run, big, "medium", "critical")
    content = page_of(manager_client, run)
    assert content.index("Big Up") < content.index("Small Up")
    assert "Went up (2)" in content and "Went down (0)" in content


def test_band_moves_down_are_on_their_own_tab(manager_client, run, csm, team):
    moved(run, AccountFactory(team=team, owner=csm, name="Safer Now"), "high", "medium")
    moved(run, AccountFactory(team=team, owner=csm, name="Riskier Now"), "low", "medium")
    up = page_of(manager_client, run)
    down = page_of(manager_client, run, moved="down")
    assert "Riskier Now" in up and "Safer Now" not in up
    assert "Safer Now" in down and "Riskier Now" not in down


def test_a_score_change_without_a_band_move_and_a_first_score_are_not_moves(
    manager_client, run, csm, team
):
    moved(run, AccountFactory(team=team, owner=csm, name="Same Band"), "high", "high", 70)
    moved(run, AccountFactory(team=team, owner=csm, name="First Score"), "", "critical")
    content = page_of(manager_client, run) + page_of(manager_client, run, moved="down")
    assert "Same Band" not in content and "First Score" not in content


def test_another_team_s_moves_are_neither_listed_nor_counted(manager_client, run, other_team):
    moved(run, AccountFactory(team=other_team, name="Southern Lights"), "low", "critical")
    content = page_of(manager_client, run)
    assert "Southern Lights" not in content
    assert "Went up (0)" in content


def test_the_moves_are_paginated(manager_client, run, csm, team):
    accounts = Account.objects.bulk_create(
        AccountFactory.build_batch(MOVES_PER_PAGE + 3, team=team, owner=csm)
    )
    for account in accounts:
        moved(run, account, "low", "high")
    first = page_of(manager_client, run)
    second = page_of(manager_client, run, moved="up", page="2")
    assert len(re.findall(r'href="/accounts/\d+/"', first)) == MOVES_PER_PAGE
    assert len(re.findall(r'href="/accounts/\d+/"', second)) == 3
    assert "Page 2 of 2" in second


def test_the_run_s_new_proposals_are_shown_not_another_run_s(manager_client, run, csm, team):
    other_run = make_run(started_at=run.started_at - timedelta(days=1))
    for name, raised_by in (("Raised Tonight", run), ("Raised Before", other_run)):
        ExpectedChurn.objects.create(
            account=AccountFactory(team=team, owner=csm, name=name),
            status=ExpectedChurnStatus.PROPOSED,
            rule_reason="phase_band",
            rule_reason_params={"phase": "defense", "band": "critical"},
            band_at_raise="critical",
            raised_at=raised_by.started_at,
            run=raised_by,
        )
    content = page_of(manager_client, run)
    assert "Raised Tonight" in content and "Raised Before" not in content
    assert "Defense phase with a critical risk band" in content


def test_the_alerts_the_run_opened_and_closed_are_counted_not_another_run_s(
    manager_client, run, csm, team
):
    account = AccountFactory(team=team, owner=csm)
    after = run.finished_at + timedelta(seconds=1)
    next_run = make_run(started_at=run.started_at + timedelta(hours=1))
    Alert.objects.create(account=account, cause=Cause.HIGH_RISK, opened_at=after, opened_by_run=run)
    Alert.objects.create(
        account=AccountFactory(team=team, owner=csm),
        cause=Cause.HIGH_RISK,
        opened_at=run.started_at - timedelta(days=3),
        status=AlertStatus.CLOSED,
        closed_at=after,
        closed_by_run=run,
    )
    # Closed by a manager's decision right after the run: not the run's doing.
    Alert.objects.create(
        account=AccountFactory(team=team, owner=csm),
        cause=Cause.EXPECTED_CHURN,
        opened_at=run.started_at - timedelta(days=1),
        status=AlertStatus.CLOSED,
        closed_at=after,
    )
    # Opened by the next run: not this one's.
    Alert.objects.create(
        account=account,
        cause=Cause.RENEWAL_AT_RISK,
        opened_at=next_run.finished_at,
        opened_by_run=next_run,
    )
    response = manager_client.get(reverse("workspace:run-detail", args=[run.pk]))
    rows = {row.cause: (row.opened, row.closed) for row in response.context["page"].alerts}
    assert rows == {Cause.HIGH_RISK: (1, 1)}
    next_url = reverse("workspace:run-detail", args=[next_run.pk])
    next_rows = manager_client.get(next_url).context["page"]
    assert {row.cause: row.opened for row in next_rows.alerts} == {Cause.RENEWAL_AT_RISK: 1}


def test_the_summary_tells_the_model_the_duration_and_the_counts(manager_client, run):
    content = page_of(manager_client, run)
    assert f"v{run.risk_model.version}" in content
    assert "2 min 5 s" in content
    assert "10/10" in content


def test_a_csm_is_refused_and_an_unknown_run_is_a_404(csm, manager_client, run):
    url = reverse("workspace:run-detail", args=[run.pk])
    assert client_for(csm).get(url).status_code == 403
    missing = reverse("workspace:run-detail", args=[run.pk + 100])
    assert manager_client.get(missing).status_code == 404


def test_the_runs_list_links_each_finished_run_to_its_page(manager_client, run):
    running = make_run(started_at=timezone.now(), finished=False)
    content = manager_client.get(reverse("runs:list")).content.decode()
    assert reverse("workspace:run-detail", args=[run.pk]) in content
    assert reverse("workspace:run-detail", args=[running.pk]) not in content


def add_moves(run, team, owner, rows: int) -> None:
    """`rows` accounts that changed band in the run (half up, half down), each proposed."""
    accounts = Account.objects.bulk_create(AccountFactory.build_batch(rows, team=team, owner=owner))
    Score.objects.bulk_create(
        Score(
            account=account,
            risk_model=run.risk_model,
            score=70,
            band="high" if i % 2 else "low",
            previous_band="medium",
            contributions_json="[]",
            computed_at=run.started_at,
            run=run,
        )
        for i, account in enumerate(accounts)
    )
    ExpectedChurn.objects.bulk_create(
        ExpectedChurn(
            account=account,
            status=ExpectedChurnStatus.PROPOSED,
            rule_reason="phase_band",
            rule_reason_params={"phase": "defense", "band": "high"},
            band_at_raise="high",
            raised_at=run.started_at,
            run=run,
        )
        for account in accounts
    )


def queries_of_the_run_page(client, run) -> int:
    url = reverse("workspace:run-detail", args=[run.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
        assert client.get(url, {"moved": "down", "page": "2"}).status_code == 200
    return len(queries)


def test_the_run_page_s_queries_are_the_same_at_50_and_500_moves(manager_client, run, csm, team):
    add_moves(run, team, csm, 50)
    manager_client.get(reverse("workspace:run-detail", args=[run.pk]))  # session warmed up
    at_50 = queries_of_the_run_page(manager_client, run)
    add_moves(run, team, csm, 450)
    at_500 = queries_of_the_run_page(manager_client, run)
    assert at_50 == at_500
    assert at_500 <= 24


def test_the_run_page_reads_in_french(manager_client, run):
    url = reverse("workspace:run-detail", args=[run.pk])
    content = manager_client.get(url, headers={"Accept-Language": "fr"}).content.decode()
    assert "Comptes dont la bande a changé" in content
    assert "2\u00a0min 5\u00a0s" in content
    assert "Accounts whose band moved" not in content
