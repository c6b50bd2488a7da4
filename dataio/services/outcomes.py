"""Importing outcomes: which accounts churned (date, reason) and which renewed (date, new MRR).

Every row is checked first; then, in one transaction, each outcome goes through the MRR ledger
(`record_churn`, `record_renewal`), which is idempotent: importing the file twice records each
outcome once. A dry run reports what would change and writes nothing.
"""

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from accounts.countries import normalise_name
from accounts.ledger import LedgerError, record_churn, record_renewal
from accounts.models import Account, ChurnReason, Status
from dataio import parsing
from dataio.columns import OUTCOME_FIELDS, recognise
from dataio.parsing import Problem, is_blank
from dataio.readers import open_table
from dataio.report import ImportReport
from dataio.rows import CellError
from dataio.services.accounts import ImportOptions, Progress
from teams.access import ALL_TEAMS, visible_team_ids

CHURN, RENEWAL = "churn", "renewal"
_OUTCOMES = parsing._choice_table(
    {
        CHURN: ("churned", "lost", "cancelled", "canceled", "closed lost", "perdu", "resilie"),
        RENEWAL: ("renewed", "renew", "won", "renouvele", "renouvellement"),
    }
)
_REASONS = parsing._choice_table(
    {
        ChurnReason.BUDGET: ("budget cut", "budget", "price", "too expensive", "prix"),
        ChurnReason.BANKRUPTCY: ("bankruptcy or closure", "bankruptcy", "closure", "faillite"),
        ChurnReason.COMPETITOR: ("moved to a competitor", "competitor", "concurrent"),
        ChurnReason.NO_ADOPTION: ("never adopted", "no adoption", "low usage"),
        ChurnReason.NO_VALUE: ("outcome not reached", "no value", "no roi"),
        ChurnReason.STAKEHOLDER_LEFT: ("champion left", "stakeholder left", "champion"),
        ChurnReason.ACQUIRED: ("acquired or merged", "acquired", "merger", "rachat"),
        ChurnReason.OTHER: ("other", "autre"),
    }
)


class _Outcome:
    __slots__ = ("number", "external_id", "kind", "on", "reason", "new_mrr", "errors", "warnings")

    def __init__(self, number: int) -> None:
        self.number = number
        self.external_id = ""
        self.kind = ""
        self.on: date | None = None
        self.reason = ""
        self.new_mrr: Any = None
        self.errors: list[CellError] = []
        self.warnings: list[CellError] = []


def _parse(
    number: int, cells: list[Any], headers: list[str], targets: list[str], decimal_comma: bool
) -> _Outcome:
    row = _Outcome(number)
    values: dict[str, tuple[str, Any]] = {
        target: (header, cell)
        for header, target, cell in zip(headers, targets, cells, strict=True)
        if target in OUTCOME_FIELDS and not is_blank(cell)
    }

    def cell(name: str, parse: Any) -> Any:
        if name not in values:
            return None
        header, raw = values[name]
        try:
            return parse(raw)
        except Problem as problem:
            row.errors.append(CellError(header, problem.code, problem.params))
            return None

    row.external_id = cell("external_id", lambda v: parsing.parse_text(v, max_length=64)) or ""
    if not row.external_id:
        row.errors.append(CellError("", "external_id_missing", {}))
    churned_on = cell("churned_on", parsing.parse_date)
    renewed_on = cell("renewed_on", parsing.parse_date)
    row.new_mrr = cell("new_mrr", lambda v: parsing.parse_money(v, decimal_comma=decimal_comma))
    row.kind = cell(
        "outcome", lambda v: parsing.parse_choice(v, _OUTCOMES, code="outcome_unknown")
    ) or ("" if "outcome" in values else (CHURN if churned_on else RENEWAL if renewed_on else ""))
    if row.kind == CHURN:
        row.on = churned_on
        if churned_on is None and "churned_on" not in values:
            row.errors.append(CellError("", "churn_date_missing", {}))
        if "churn_reason" in values:
            header, raw = values["churn_reason"]
            row.reason = _REASONS.get(normalise_name(parsing.text(raw)), "")
            if not row.reason:
                row.reason = ChurnReason.OTHER
                row.warnings.append(
                    CellError(header, "churn_reason_unknown", {"value": parsing.text(raw)})
                )
    elif row.kind == RENEWAL:
        row.on = renewed_on
        if renewed_on is None and "renewed_on" not in values:
            row.errors.append(CellError("", "renewal_date_missing", {}))
    elif not row.errors:
        row.errors.append(CellError("", "outcome_unknown", {"value": ""}))
    return row


def import_outcomes(
    *, path: Path, options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    table = open_table(path)
    targets = options.targets or recognise(table.headers, fields=OUTCOME_FIELDS)
    report = ImportReport(dry_run=options.dry_run)
    # Outcome files are small (a company's churns and renewals): held in memory.
    rows = [
        _parse(n, cells, table.headers, targets, table.format.decimal_comma)
        for n, cells in enumerate(table.rows(), start=1)
    ]
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.external_id, row.kind)
        if row.external_id and row.kind and key in seen:
            for n in (seen[key], row.number):
                other = row.number if n == seen[key] else seen[key]
                report.reject(n, [CellError("", "duplicate_id", {"other": other})])
        seen.setdefault(key, row.number)
    for row in rows:
        if row.errors:
            report.reject(row.number, row.errors)
    valid = [row for row in rows if row.number not in report.rows]
    if progress:
        progress(0, len(rows))
    if options.dry_run:
        _apply(valid, options, report, write=False)
    else:
        with transaction.atomic():
            _apply(valid, options, report, write=True)
    if progress:
        progress(len(rows), len(rows))
    return report


def _apply(
    rows: list[_Outcome], options: ImportOptions, report: ImportReport, *, write: bool
) -> None:
    scope = ALL_TEAMS if options.user is None else visible_team_ids(options.user)
    for chunk in _chunks(rows, 500):
        accounts = {
            a.external_id: a
            for a in Account.objects.filter(external_id__in=[r.external_id for r in chunk])
        }
        for row in chunk:
            account = accounts.get(row.external_id)
            if account is None:
                report.reject(
                    row.number, [CellError("", "account_unknown", {"value": row.external_id})]
                )
                continue
            if scope is not ALL_TEAMS and account.team_id not in scope:
                report.reject(row.number, [CellError("", "out_of_scope", {})])
                continue
            assert row.on is not None
            changed = _record(row, account, options, write=write)
            if changed is None:
                report.reject(row.number, [CellError("", "renewal_of_churned", {})])
                continue
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
            report.warn(row.number, row.warnings)


def _record(row: _Outcome, account: Account, options: ImportOptions, *, write: bool) -> bool | None:
    """Whether the outcome changes the account (None: it cannot be recorded)."""
    assert row.on is not None
    if row.kind == CHURN:
        if not write:
            return account.status != Status.CHURNED
        return record_churn(account=account, on=row.on, reason=row.reason, user=options.user)
    if account.status == Status.CHURNED:
        return None
    if not write:
        return account.renewed_on is None or row.on > account.renewed_on
    try:
        return record_renewal(account=account, on=row.on, new_mrr=row.new_mrr, user=options.user)
    except LedgerError:
        return None


def _chunks(rows: list[_Outcome], size: int) -> Iterator[list[_Outcome]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
