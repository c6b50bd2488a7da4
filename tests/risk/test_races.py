"""Double clicks and two admins at once, on PostgreSQL with one connection per thread."""

import pytest
from django.db import connection

from risk.models import ModelStatus, RescoreRun, RiskModel, RunTrigger
from risk.queries import published_model
from risk.risk_models.services import ModelStateError, create_draft, publish_model
from risk.services import runs
from risk.services.runs import RunAlreadyRunning, start_rescore_run
from tests.factories import AccountFactory
from tests.playbooks.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises writers, so no race",
    ),
]


@pytest.fixture
def runs_stay_running(monkeypatch, team):
    # Keep the winner's run "running" (no worker picks its chunks, and with accounts to score
    # it is not finished at once), so the loser meets it.
    monkeypatch.setattr(runs, "_enqueue_or_fail", lambda run_id: None)
    AccountFactory.create_batch(3, team=team)


def test_rescore_now_twice_at_once_starts_one_run(manager, runs_stay_running):
    results = race(
        lambda: start_rescore_run(trigger=RunTrigger.MANUAL, user=manager),
        lambda: start_rescore_run(trigger=RunTrigger.MANUAL, user=manager),
    )
    assert sum(isinstance(r, RescoreRun) for r in results) == 1, results
    assert sum(isinstance(r, RunAlreadyRunning) for r in results) == 1, results
    assert RescoreRun.objects.count() == 1


def test_publishing_one_draft_twice_at_once_publishes_it_once(admin_user, runs_stay_running):
    draft = create_draft(source=published_model(), user=admin_user)
    results = race(
        lambda: publish_model(model=RiskModel.objects.get(pk=draft.pk), user=admin_user),
        lambda: publish_model(model=RiskModel.objects.get(pk=draft.pk), user=admin_user),
    )
    assert sum(isinstance(r, RescoreRun) for r in results) == 1, results
    assert sum(isinstance(r, ModelStateError) for r in results) == 1, results
    assert RiskModel.objects.filter(status=ModelStatus.PUBLISHED).get().pk == draft.pk
    assert RescoreRun.objects.count() == 1


def test_publishing_two_drafts_at_once_publishes_one_and_tells_the_other(
    admin_user, runs_stay_running
):
    first = create_draft(source=published_model(), user=admin_user)
    second = create_draft(source=published_model(), user=admin_user)
    results = race(
        lambda: publish_model(model=RiskModel.objects.get(pk=first.pk), user=admin_user),
        lambda: publish_model(model=RiskModel.objects.get(pk=second.pk), user=admin_user),
    )
    assert sum(isinstance(r, RescoreRun) for r in results) == 1, results
    assert sum(isinstance(r, RunAlreadyRunning) for r in results) == 1, results
    published = RiskModel.objects.filter(status=ModelStatus.PUBLISHED)
    assert published.count() == 1
    assert published.get().pk in (first.pk, second.pk)
    assert RescoreRun.objects.count() == 1
