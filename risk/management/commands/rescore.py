import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from risk.models import RescoreRun, RunTrigger
from risk.services import runs


class Command(BaseCommand):
    help = "Rescore every active account now (synchronously), or resume an interrupted run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--resume", type=int, metavar="RUN_ID", help="Finish the pending chunks of a run."
        )
        parser.add_argument(
            "--celery", action="store_true", help="Send the chunks to Celery workers instead."
        )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        if options["resume"]:
            run = RescoreRun.objects.filter(pk=options["resume"]).first()
            if run is None:
                raise CommandError(f"No rescore run {options['resume']}.")
            pending = list(run.chunks.filter(status="pending").values_list("pk", flat=True))
            for chunk_id in pending:
                runs.score_chunk(chunk_id=chunk_id)
        else:
            try:
                run = runs.start_rescore_run(
                    trigger=RunTrigger.COMMAND, synchronous=not options["celery"]
                )
            except runs.RunAlreadyRunning as error:
                raise CommandError(f"{error} Resume it with --resume {error.run.pk}.") from None
        run.refresh_from_db()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Run {run.pk} ({run.get_status_display()}): {run.accounts_done}/{run.accounts_total} "
            f"scored, {run.accounts_changed} changed, {run.accounts_failed} failed, "
            f"in {elapsed:.1f} s."
        )
