import os
import time
from datetime import date
from multiprocessing import get_context

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from risk.models import ChunkStatus, RescoreRun, RiskModel, RunTrigger
from risk.services import runs
from risk.services.as_of import score_as_of


def _score_chunk_in_child(chunk_id: int) -> None:
    runs.score_chunk(chunk_id=chunk_id)


class Command(BaseCommand):
    help = (
        "Rescore every active account now, or resume an interrupted run. With --as-of DATE, "
        "score every account that was a customer on DATE from the facts known then, into the "
        "score history only (today's scores stay as they are)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--resume", type=int, metavar="RUN_ID", help="Finish the pending chunks of a run."
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help="Local processes scoring chunks side by side (default: one per CPU).",
        )
        parser.add_argument(
            "--celery", action="store_true", help="Send the chunks to Celery workers instead."
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Score as of this past date, into the history only.",
        )
        parser.add_argument(
            "--model",
            type=int,
            metavar="VERSION",
            help="With --as-of: the model version to score with (default: the published one).",
        )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        if options["as_of"]:
            self._score_as_of(options["as_of"], options["model"])  # type: ignore[arg-type]
            return
        if options["model"]:
            raise CommandError("--model goes with --as-of: today's scores use the published model.")
        if options["celery"]:
            run = self._start(synchronous=False)
        else:
            run = self._resume(int(str(options["resume"]))) if options["resume"] else self._start()
            pending = list(
                run.chunks.filter(status=ChunkStatus.PENDING).values_list("pk", flat=True)
            )
            self._score(pending, max(1, int(options["processes"])))  # type: ignore[call-overload]
        run.refresh_from_db()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Run {run.pk} ({run.get_status_display()}): {run.accounts_done}/{run.accounts_total} "
            f"scored, {run.accounts_changed} changed, {run.accounts_failed} failed, "
            f"in {elapsed:.1f} s."
        )

    def _score_as_of(self, as_of: date, version: int | None) -> None:
        started = time.perf_counter()
        if as_of > timezone.localdate():
            raise CommandError("--as-of must be today or a past date.")
        model = None
        if version is not None:
            model = RiskModel.objects.filter(version=version).first()
            if model is None:
                raise CommandError(f"No risk model version {version}.")
        written = score_as_of(as_of=as_of, model=model)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Scored as of {as_of.isoformat()}: {written} history rows written in {elapsed:.1f} s."
        )

    def _start(self, *, synchronous: bool = True) -> RescoreRun:
        try:
            if synchronous:
                return runs.create_run(trigger=RunTrigger.COMMAND)
            return runs.start_rescore_run(trigger=RunTrigger.COMMAND)
        except runs.RunAlreadyRunning as error:
            raise CommandError(f"{error} Resume it with --resume {error.run.pk}.") from None

    def _resume(self, run_id: int) -> RescoreRun:
        run = RescoreRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"No rescore run {run_id}.")
        return run

    def _score(self, chunk_ids: list[int], processes: int) -> None:
        """The same chunk service the Celery workers run, here in local processes."""
        # SQLite serialises writers (and a test's in-memory database is not shared); inside a
        # transaction, children could not see its uncommitted rows.
        connection = connections["default"]
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            processes = 1
        if processes == 1 or len(chunk_ids) <= 1:
            for chunk_id in chunk_ids:
                runs.score_chunk(chunk_id=chunk_id)
            return
        # Forked children must not share the parent's database connection.
        connections.close_all()
        with get_context("fork").Pool(processes) as pool:
            for _ in pool.imap_unordered(_score_chunk_in_child, chunk_ids):
                pass
