from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dataio.commands import ImportCommandMixin
from dataio.services.accounts import ImportOptions
from dataio.services.outcomes import import_outcomes


class Command(ImportCommandMixin, BaseCommand):
    help = (
        "Import churns (external id, churn date, reason) and renewals (external id, renewal date, "
        "new MRR) from a CSV or XLSX file. Exit status: 0 every row valid, 1 some rows rejected, "
        "2 the file cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check; write nothing.")
        parser.add_argument("--mapping", help="Name of a saved column mapping.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        targets = self.mapping_targets(path, options["mapping"], kind="outcomes")
        import_options = ImportOptions(dry_run=options["dry_run"], targets=targets)
        self.run_import(
            lambda: import_outcomes(path=path, options=import_options), json_output=options["json"]
        )
