from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dataio.commands import ImportCommandMixin
from dataio.services.accounts import ImportOptions, import_accounts


class Command(ImportCommandMixin, BaseCommand):
    help = (
        "Import accounts from a CSV or XLSX export (HubSpot, Salesforce or plain). Exit status: "
        "0 every row valid, 1 some rows rejected, 2 the file cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check; write nothing.")
        parser.add_argument("--mapping", help="Name of a saved column mapping.")
        parser.add_argument("--as-of", help="Record the rows as a snapshot of this date.")
        parser.add_argument("--team", help="Team of new accounts whose owner has none.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        targets = self.mapping_targets(path, options["mapping"], kind="accounts")
        import_options = ImportOptions(
            dry_run=options["dry_run"],
            as_of=self.as_of(options["as_of"]),
            default_team_id=self.team_id(options["team"]),
            targets=targets,
        )
        self.run_import(
            lambda: import_accounts(path=path, options=import_options), json_output=options["json"]
        )
