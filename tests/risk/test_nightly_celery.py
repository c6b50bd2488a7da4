"""The nightly rescoring on a real Celery worker, Redis and PostgreSQL, with faults."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import Account
from risk.models import ChunkStatus, RescoreChunk, RescoreRun, RunStatus, Score
from risk.services.runs import enqueue_pending_chunks, score_chunk, start_rescore_run
from risk.tasks import score_chunk_task
from tests.celery_worker import real_celery, wait_until
from tests.factories import AccountFactory

pytestmark = [
    pytest.mark.celery_worker,
    # serialized_rollback restores the default risk model that a data migration created.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def portfolio(csm, team):
    today = timezone.localdate()
    accounts = AccountFactory.create_batch(240, team=team, owner=csm)
    # Spread the facts so scores differ and history rows mean something.
    for i, account in enumerate(accounts):
        Account.objects.filter(pk=account.pk).update(
            cash_runway_months=1 + i % 30,
            late_payments=i % 5,
            industry=("travel", "logistics", "software", "events")[i % 4],
            renewal_date=today + timedelta(days=10 + i),
        )
    return accounts


def end_state():
    scores = list(Account.objects.order_by("pk").values_list("pk", "risk_score", "risk_band"))
    return scores, Score.objects.count()


def wait_for_run(run: RescoreRun, timeout: float = 90) -> RescoreRun:
    assert wait_until(
        lambda: RescoreRun.objects.get(pk=run.pk).status != RunStatus.RUNNING, timeout=timeout
    )
    return RescoreRun.objects.get(pk=run.pk)


def test_nightly_job_on_a_real_worker_scores_every_account_once(portfolio):
    with real_celery(concurrency=2):
        run = start_rescore_run(trigger="nightly", chunk_size=50)
        run = wait_for_run(run)
    assert run.status == RunStatus.SUCCEEDED
    assert (run.accounts_total, run.accounts_done, run.accounts_failed) == (240, 240, 0)
    assert run.accounts_changed == 240  # first scores
    assert run.finished_at is not None
    assert not RescoreChunk.objects.filter(run=run, status=ChunkStatus.PENDING).exists()
    per_account = Score.objects.filter(run=run).values("account").annotate(n=Count("id"))
    assert {row["n"] for row in per_account} == {1}
    assert per_account.count() == 240
    assert not Account.objects.filter(risk_score__isnull=True).exists()


def test_a_chunk_delivered_twice_changes_nothing(portfolio):
    with real_celery(concurrency=2):
        run = wait_for_run(start_rescore_run(trigger="nightly", chunk_size=50))
        before = end_state()
        chunk = RescoreChunk.objects.filter(run=run).first()
        score_chunk_task.delay(chunk.pk)
        score_chunk_task.delay(chunk.pk)
        assert wait_until(lambda: RescoreChunk.objects.get(pk=chunk.pk).attempts >= 1)
        # Give the duplicates time to be consumed, then check nothing moved.
        import time

        time.sleep(1.5)
    assert end_state() == before
    assert RescoreRun.objects.get(pk=run.pk).accounts_done == 240
    assert score_chunk(chunk_id=chunk.pk) is False  # in-process too: already done, skipped


def test_killed_worker_then_resume_equals_an_uninterrupted_run(portfolio):
    with real_celery(concurrency=1) as pool:
        run = start_rescore_run(trigger="nightly", chunk_size=5)  # 48 small chunks
        done = lambda: RescoreChunk.objects.filter(run=run, status=ChunkStatus.DONE).count()  # noqa: E731
        assert wait_until(lambda: done() >= 3, timeout=60)
        pool.workers[0].kill()
        interrupted_at = done()
        assert RescoreRun.objects.get(pk=run.pk).status == RunStatus.RUNNING
        assert interrupted_at < 48, "the run finished before the kill; make chunks smaller"
        pool.start()
        enqueue_pending_chunks(run_id=run.pk)  # what `rescore --resume` and the nightly task do
        run = wait_for_run(run)
    assert run.status == RunStatus.SUCCEEDED
    assert run.accounts_done == 240
    resumed = end_state()

    # The reference: the same portfolio scored in one uninterrupted run.
    Score.objects.all().delete()
    Account.objects.update(risk_score=None, risk_band="", scored_at=None, risk_model=None)
    start_rescore_run(trigger="command", synchronous=True, as_of=run.as_of)
    assert end_state() == resumed


def test_a_database_connection_lost_between_runs_is_replaced_and_the_run_completes(portfolio):
    """Workers keep their database connection from task to task (CELERY_DB_REUSE_MAX). One that
    the server dropped must fail its task once, be closed, and the retry must get a fresh one."""
    with real_celery(concurrency=1) as pool:
        first = wait_for_run(start_rescore_run(trigger="nightly", chunk_size=120))
        assert first.status == RunStatus.SUCCEEDED
        with connection.cursor() as cursor:  # what a database restart does to the worker
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "the worker held no connection to drop"
        Account.objects.update(late_payments=9)  # so the second run changes every score
        second = wait_for_run(start_rescore_run(trigger="nightly", chunk_size=120), timeout=120)
        log = "".join(pool.workers[0].lines)
    assert second.status == RunStatus.SUCCEEDED
    assert (second.accounts_done, second.accounts_changed) == (240, 240)
    assert "OperationalError" in log and "Retry in" in log  # the fault did happen, once
    assert log.count("Retry in") == 1
