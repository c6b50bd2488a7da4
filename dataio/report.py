"""What an import did, row by row: counts, rejected rows and warnings, as codes and parameters.

The report is stored as JSON on the import and worded in the reader's language when shown
(dataio/messages.py); the command line prints it in English.
"""

from dataclasses import dataclass, field
from typing import Any

from dataio.rows import CellError

# A file with thousands of bad rows is reported in full counts, but only this many rows in
# detail: enough to see the pattern and fix the file.
MAX_DETAILED_ROWS = 1000


@dataclass
class ImportReport:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    scored: int = 0
    scored_as_of: int = 0
    rows: dict[int, list[CellError]] = field(default_factory=dict)
    warnings: dict[int, list[CellError]] = field(default_factory=dict)

    def reject(self, number: int, errors: list[CellError]) -> None:
        if number not in self.rows:
            self.rejected += 1
        if len(self.rows) < MAX_DETAILED_ROWS or number in self.rows:
            self.rows.setdefault(number, []).extend(errors)

    def warn(self, number: int, warnings: list[CellError]) -> None:
        if warnings and len(self.warnings) < MAX_DETAILED_ROWS:
            self.warnings.setdefault(number, []).extend(warnings)

    @property
    def valid(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly, sorted by row number; what ImportJob.report stores."""

        def cells(errors: list[CellError]) -> list[dict[str, Any]]:
            return [{"column": e.column, "code": e.code, "params": e.params} for e in errors]

        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "scored": self.scored,
            "scored_as_of": self.scored_as_of,
            "rows": [{"row": n, "errors": cells(self.rows[n])} for n in sorted(self.rows)],
            "warnings": [
                {"row": n, "warnings": cells(self.warnings[n])} for n in sorted(self.warnings)
            ],
        }
