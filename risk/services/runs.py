"""Rescoring the whole portfolio as a run of independent chunks.

A run lists the active accounts' ids once and cuts them into chunks of CHUNK_SIZE. Each chunk is
a Celery task (or a plain call when synchronous). A chunk's writes, its "done" mark and the run's
counters commit together, so duplicates and retries change nothing. The chunk that brings the
pending count to zero claims the run's completion with a conditional UPDATE, exactly once.
"""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account, Status
from churnguard.portfolio import figures_changed
from risk.models import ChunkStatus, RescoreChunk, RescoreRun, RunStatus
from risk.queries import published_model
from risk.services.scores import score_accounts
from risk.signals import run_finished
from teams.models import User

logger = logging.getLogger(__name__)

# A chunk of 5,000 accounts is ~1 s of work: big enough that Celery's ~5 ms per task is noise
# (docs/performance.md), small enough that a retried chunk costs little and progress moves
# visibly.
CHUNK_SIZE = 5000


class RunAlreadyRunning(Exception):
    def __init__(self, run: RescoreRun) -> None:
        super().__init__(f"Rescore run {run.pk} is still running.")
        self.run = run


def running_run() -> RescoreRun | None:
    return RescoreRun.objects.filter(status=RunStatus.RUNNING).order_by("-started_at").first()


@transaction.atomic
def create_run(
    *,
    trigger: str,
    user: User | None = None,
    as_of: date | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> RescoreRun:
    """A run with its chunks, not yet started. Refuses while another run is running."""
    current = RescoreRun.objects.select_for_update().filter(status=RunStatus.RUNNING).first()
    if current is not None:
        raise RunAlreadyRunning(current)
    ids = list(
        Account.objects.filter(status=Status.ACTIVE, archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    try:
        # The partial unique constraint rescore_run_one_running lets one insert win; the other
        # waits for it to commit, then fails here and is told which run is running.
        with transaction.atomic():
            run = RescoreRun.objects.create(
                trigger=trigger,
                risk_model=published_model(),
                requested_by=user,
                as_of=as_of or timezone.localdate(),
                started_at=timezone.now(),
                accounts_total=len(ids),
            )
    except IntegrityError:
        # The winner may already have finished by now: name the latest run either way.
        current = running_run() or RescoreRun.objects.order_by("-started_at", "-pk").first()
        if current is None:
            raise
        raise RunAlreadyRunning(current) from None
    RescoreChunk.objects.bulk_create(
        RescoreChunk(
            run=run,
            index=i,
            first_id=ids[start],
            last_id=ids[min(start + chunk_size, len(ids)) - 1],
        )
        for i, start in enumerate(range(0, len(ids), chunk_size))
    )
    if not ids:
        _complete_if_finished(run.pk)
    return run


def start_rescore_run(
    *,
    trigger: str,
    user: User | None = None,
    synchronous: bool = False,
    as_of: date | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> RescoreRun:
    """Create a run and process its chunks: inline, or as Celery tasks after the commit."""
    run = create_run(trigger=trigger, user=user, as_of=as_of, chunk_size=chunk_size)
    if synchronous:
        for chunk_id in run.chunks.values_list("pk", flat=True):
            score_chunk(chunk_id=chunk_id)
    else:
        transaction.on_commit(lambda: _enqueue_or_fail(run.pk))
    return run


def _enqueue_or_fail(run_id: int) -> None:
    try:
        enqueue_pending_chunks(run_id=run_id)
    except Exception as error:  # the broker went away between the check and the send
        mark_failed(run_id=run_id, reason=f"could not send the chunks: {error}")


def enqueue_pending_chunks(*, run_id: int) -> int:
    """Send a task for every chunk not yet done (a new run, or one resumed after a crash)."""
    from risk.tasks import score_chunk_task

    pending = list(
        RescoreChunk.objects.filter(run_id=run_id, status=ChunkStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    for chunk_id in pending:
        score_chunk_task.delay(chunk_id)
    return len(pending)


def score_chunk(*, chunk_id: int) -> bool:
    """Score one chunk once. Returns False when it was already done (a duplicate delivery)."""
    with transaction.atomic():
        # The row lock makes a concurrent duplicate wait, then see "done" and skip.
        chunk = (
            RescoreChunk.objects.select_for_update(of=("self",))
            .select_related("run__risk_model")
            .filter(pk=chunk_id)
            .first()
        )
        if chunk is None:  # a message outlived its run (the run was deleted): nothing to do
            logger.warning("Rescore chunk %s no longer exists; message ignored", chunk_id)
            return False
        if chunk.status == ChunkStatus.DONE:
            return False
        run = chunk.run
        result = score_accounts(
            accounts=Q(pk__gte=chunk.first_id, pk__lte=chunk.last_id),
            risk_model=run.risk_model,
            as_of=run.as_of,
            run=run,
        )
        chunk.status = ChunkStatus.DONE
        chunk.accounts_done = result.done
        chunk.accounts_changed = result.changed
        chunk.accounts_failed = result.failed
        chunk.attempts = F("attempts") + 1
        chunk.finished_at = timezone.now()
        chunk.save(
            update_fields=[
                "status",
                "accounts_done",
                "accounts_changed",
                "accounts_failed",
                "attempts",
                "finished_at",
            ]
        )
        RescoreRun.objects.filter(pk=run.pk).update(
            accounts_done=F("accounts_done") + result.done,
            accounts_changed=F("accounts_changed") + result.changed,
            accounts_failed=F("accounts_failed") + result.failed,
        )
    _complete_if_finished(run.pk)
    return True


def _complete_if_finished(run_id: int) -> None:
    with transaction.atomic():
        claimed = (
            RescoreRun.objects.filter(pk=run_id, status=RunStatus.RUNNING)
            .exclude(chunks__status=ChunkStatus.PENDING)
            .update(status=RunStatus.SUCCEEDED, finished_at=timezone.now())
        )
        if claimed:
            figures_changed()  # the dashboard's "what moved overnight" reads the last run
            transaction.on_commit(lambda: _after_run(run_id))


def _after_run(run_id: int) -> None:
    """Follow-up work of a finished run (expected-churn proposals, digests)."""
    from risk.tasks import finish_run_task

    finish_run_task.delay(run_id)


def finish_run(*, run_id: int) -> None:
    """Raise the run's expected-churn proposals, then tell the higher apps (alerts' digests)."""
    from risk.services.expected_churn import raise_proposals

    run = RescoreRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("Rescore run %s no longer exists; follow-up skipped", run_id)
        return
    raise_proposals(today=run.as_of, run=run)
    # This already runs after the run committed (a task sent on commit), so the event goes out
    # directly; a receiver's error reaches the task, which retries (every step is idempotent).
    run_finished.send(sender=RescoreRun, run=run)


def mark_failed(*, run_id: int, reason: str) -> None:
    RescoreRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, finished_at=timezone.now()
    )
    logger.error("Rescore run %s failed: %s", run_id, reason)
