"""What the import commands share: options, the report on stdout, the exit status."""

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dataio.mappings import targets_for
from dataio.messages import UNREADABLE, worded
from dataio.parsing import Problem, parse_date
from dataio.readers import Unreadable, open_table
from dataio.report import ImportReport
from teams.models import Team

EXIT_REJECTED = 1
EXIT_UNREADABLE = 2


class ImportCommandMixin(BaseCommand):
    def mapping_targets(self, path: Path, name: str | None, *, kind: str) -> list[str] | None:
        if not name:
            return None
        try:
            headers = open_table(path).headers
        except Unreadable:
            return None  # run_import reports it
        targets = targets_for(name=name, kind=kind, headers=headers)
        if targets is None:
            raise CommandError(f"No saved mapping named {name!r}.")
        return targets

    def as_of(self, value: str | None) -> date | None:
        if not value:
            return None
        try:
            return parse_date(value)
        except Problem:
            raise CommandError(f"--as-of: {value!r} is not a date.") from None

    def team_id(self, value: str | None) -> int | None:
        if value:
            team = Team.objects.filter(name=value).first()
            if team is None and value.isdigit():
                team = Team.objects.filter(pk=int(value)).first()
            if team is None:
                raise CommandError(f"--team: no team {value!r}.")
            return team.pk
        # With a single team there is nothing to choose.
        teams = list(Team.objects.values_list("pk", flat=True)[:2])
        return teams[0] if len(teams) == 1 else None

    def run_import(self, run: Callable[[], ImportReport], *, json_output: bool) -> None:
        with translation.override("en"):
            try:
                report = run()
            except Unreadable as error:
                message = str(UNREADABLE.get(error.code, error.code))
                if json_output:
                    self.stdout.write(json.dumps({"error": error.code, "message": message}))
                else:
                    self.stderr.write(message)
                raise SystemExit(EXIT_UNREADABLE) from None
            data = worded(report.as_dict())
            if json_output:
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                self._print(data)
        if report.rejected:
            raise SystemExit(EXIT_REJECTED)

    def _print(self, data: dict[str, Any]) -> None:
        mode = "Dry run: " if data["dry_run"] else ""
        self.stdout.write(
            f"{mode}{data['created']} created, {data['updated']} updated, "
            f"{data['unchanged']} unchanged, {data['rejected']} rejected."
        )
        for row in data["rows"]:
            for error in row["errors"]:
                column = f" [{error['column']}]" if error["column"] else ""
                self.stdout.write(f"  row {row['row']}{column}: {error['message']}")
        for row in data["warnings"]:
            for warning in row["warnings"]:
                self.stdout.write(f"  row {row['row']} (warning): {warning['message']}")
