"""Celery tasks: thin wrappers that take ids and call services."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from risk.models import SUGGESTION_TIME_LIMIT_SECONDS, RunTrigger
from risk.services import runs

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    # Only transient database trouble (lost connection, deadlock, serialization) is retried;
    # a bug (ProgrammingError, IntegrityError...) fails at once and is logged.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
)
def score_chunk_task(chunk_id: int) -> None:
    runs.score_chunk(chunk_id=chunk_id)


@shared_task(soft_time_limit=120, time_limit=180)
def start_nightly_rescore_task() -> None:
    try:
        runs.start_rescore_run(trigger=RunTrigger.NIGHTLY)
    except runs.RunAlreadyRunning as running:
        # The previous run is still going (or died); resume it rather than starting another.
        logger.warning("Nightly rescoring: run %s still running, resuming it", running.run.pk)
        runs.enqueue_pending_chunks(run_id=running.run.pk)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def finish_run_task(run_id: int) -> None:
    """After a run: raise expected-churn proposals, refresh alerts, send digests.
    Each step is idempotent, so a retried or duplicated task changes nothing."""
    runs.finish_run(run_id=run_id)


@shared_task(
    soft_time_limit=SUGGESTION_TIME_LIMIT_SECONDS - 100, time_limit=SUGGESTION_TIME_LIMIT_SECONDS
)
def suggest_model_task(request_id: int | str, user_id: int | None = None) -> None:
    """Learn the suggested draft a request asked for (minutes on a large history); never
    published here. Its outcome, a failure included, is recorded on the request; a redelivered
    message learns nothing twice."""
    from risk.services import suggestions

    if isinstance(request_id, str):
        # A message sent before requests were recorded: (train_before, user_id).
        request = suggestions.record_legacy_request(train_before=request_id, user_id=user_id)
        request_id = request.pk
    suggestions.run_suggestion_request(request_id=request_id)
