import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from analytics.management.commands._options import add_scope_arguments, parse_scope
from analytics.report import board_report_context, render_board_pdf


class Command(BaseCommand):
    help = "Write the month's board report as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser)
        parser.add_argument("--pdf", required=True, help="The PDF file to write.")
        parser.add_argument("--language", default="en", help="en or fr (default en).")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        month, filters = parse_scope(options, today)
        target = Path(str(options["pdf"]))
        if not target.parent.exists():
            raise CommandError(f"No folder {target.parent}")
        started = time.perf_counter()
        with translation.override(str(options["language"])):
            context = board_report_context(user=None, filters=filters, month=month, today=today)
            pdf = render_board_pdf(context)
        target.write_bytes(pdf)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Wrote {target} ({len(pdf):,} bytes) in {elapsed:.2f} s.")
