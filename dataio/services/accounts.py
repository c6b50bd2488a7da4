"""Importing accounts from a CRM export: every row checked, the valid ones written at once.

Two passes over the file keep memory bounded whatever its size:
1. the id (and as-of) cells only: the rows that share a key, all rejected;
2. every row is parsed and checked cell by cell (dataio/rows.py); the valid ones, in chunks, are
   compared with the accounts they name (created / updated / unchanged, or rejected for a reason
   only the database knows), written with bulk statements (COPY on PostgreSQL) and scored through
   the bulk scoring service.
Pass 2 is one transaction: the report is complete before anything commits, each row is all in or
all out, and a failure on any row leaves the database as it was before the import. A dry run does
the same work without writing.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import ledger
from accounts.bulk import bulk_insert
from accounts.models import (
    SNAPSHOT_FIELDS,
    Account,
    AccountSnapshot,
    FactChange,
    SignalReading,
    Status,
    UsageSnapshot,
)
from accounts.services import clean_snapshot_facts
from dataio.columns import recognise
from dataio.readers import open_table
from dataio.report import ImportReport
from dataio.rows import CellError, Owner, OwnerDirectory, ParsedRow, RowContext, RowParser
from risk.services.as_of import score_as_of
from risk.services.scores import score_accounts
from teams.access import ALL_TEAMS, visible_team_ids
from teams.models import User

# Rows compared and written per chunk: one existing-accounts query and one COPY per chunk; big
# enough to amortise round trips, small enough that a chunk's lists stay a few MB.
CHUNK_ROWS = 5000

Progress = Callable[[int, int], None]

# Facts an import may set on an account, besides its owner.
FACT_FIELDS = (
    "name",
    "industry",
    "country",
    "segment",
    "mrr",
    "currency",
    "contract_start",
    "renewal_date",
    "contract_term_months",
    "break_clause_date",
    "planned_go_live",
    "signing_discount_pct",
    "phase",
    "phase_entered_on",
    "funding_stage",
    "cash_runway_months",
    "monthly_burn",
    "late_payments",
    "cash_facts_as_of",
)
_CASH_FIELDS = {"funding_stage", "cash_runway_months", "monthly_burn", "late_payments"}
_NEW_ACCOUNT_FIELDS = (
    *FACT_FIELDS,
    "external_id",
    "owner_id",
    "team_id",
    "status",
    "churn_reason",
    "is_expected_churn",
    "risk_band",
    "attention",
    "created_at",
    "updated_at",
)
_NEW_ACCOUNT_DEFAULTS: dict[str, Any] = {
    "industry": "",
    "country": "",
    "segment": "",
    "currency": "EUR",
    "signing_discount_pct": 0,
    "phase": "",
    "funding_stage": "",
    "status": Status.ACTIVE,
    "churn_reason": "",
    "is_expected_churn": False,
    "risk_band": "",
    "attention": 0.0,
}


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    as_of: date | None = None
    default_team_id: int | None = None
    # Whose scope applies; None on the command line (an operator imports for every team).
    user: User | None = None
    targets: list[str] | None = None


def import_accounts(
    *, path: Path, options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    """Check and (unless a dry run) import the file. Raises readers.Unreadable for a file that
    is not a table."""
    table = open_table(path)
    targets = options.targets or recognise(table.headers)
    context = RowContext(
        headers=table.headers,
        targets=targets,
        owners=owner_directory(),
        decimal_comma=table.format.decimal_comma,
        as_of=options.as_of,
    )
    parser = RowParser(context)
    report = ImportReport(dry_run=options.dry_run)
    total, duplicates = _repeated_keys(table.rows(), parser, report)
    if progress:
        progress(0, total)
    writer = _ChunkWriter(options=options, report=report, today=timezone.localdate())
    rows = _valid_rows(table.rows(), parser, report, duplicates)
    if options.dry_run:
        _run(writer, rows, total, progress)
    else:
        with transaction.atomic():
            _run(writer, rows, total, progress)
    return report


def owner_directory() -> OwnerDirectory:
    directory = OwnerDirectory()
    users = User.objects.filter(is_active=True).values_list(
        "pk", "team_id", "email", "username", "first_name", "last_name"
    )
    for pk, team_id, email, username, first, last in users:
        directory.add(Owner(pk, team_id), email, username, f"{first} {last}")
    return directory


def _repeated_keys(
    rows: Iterator[list[Any]], parser: RowParser, report: ImportReport
) -> tuple[int, set[tuple[str, Any]]]:
    """Pass 1, over the id (and as-of) cells only: the number of data rows, and the keys that
    more than one row carries (every one of those rows is rejected)."""
    first_row: dict[tuple[str, Any], int] = {}
    repeats: dict[tuple[str, Any], list[int]] = {}
    number = 0
    for number, cells in enumerate(rows, start=1):
        key = parser.key(cells)
        if key is None:
            continue
        seen = first_row.setdefault(key, number)
        if seen != number:
            repeats.setdefault(key, [seen]).append(number)
    for numbers in repeats.values():
        for n in numbers:
            other = numbers[0] if n != numbers[0] else numbers[1]
            report.reject(n, [CellError(parser.id_header, "duplicate_id", {"other": other})])
    return number, set(repeats)


def _valid_rows(
    rows: Iterator[list[Any]],
    parser: RowParser,
    report: ImportReport,
    repeated: set[tuple[str, Any]],
) -> Iterator[ParsedRow]:
    """Pass 2: every row checked cell by cell; the valid ones, in file order."""
    for number, cells in enumerate(rows, start=1):
        row = parser.parse(number, cells)
        if row.errors:
            report.reject(number, row.errors)
        elif row.key not in repeated:
            yield row


def _run(
    writer: "_ChunkWriter", rows: Iterator[ParsedRow], total: int, progress: Progress | None
) -> None:
    """Chunks of rows, each naming an account once (a history file names it once per date:
    its snapshots are applied in file order, one chunk after the other)."""
    chunk: list[ParsedRow] = []
    ids: set[str] = set()
    for row in rows:
        if len(chunk) >= CHUNK_ROWS or row.external_id in ids:
            writer.apply(chunk)
            if progress:
                progress(chunk[-1].number, total)
            chunk, ids = [], set()
        chunk.append(row)
        ids.add(row.external_id)
    if chunk:
        writer.apply(chunk)
    writer.finish()
    if progress:
        progress(total, total)


class _ChunkWriter:
    def __init__(self, *, options: ImportOptions, report: ImportReport, today: date) -> None:
        self.options = options
        self.report = report
        self.today = today
        self.now = timezone.now()
        self.scope = ALL_TEAMS if options.user is None else visible_team_ids(options.user)
        self.to_score: list[int] = []
        self.dry_created: set[str] = set()
        self.to_score_as_of: dict[date, set[int]] = {}
        # Accounts this import created or changed: their facts are as of its snapshots.
        self.written_ids: set[int] = set()

    def _in_scope(self, team_id: int | None) -> bool:
        return self.scope is ALL_TEAMS or team_id in self.scope

    def apply(self, rows: list[ParsedRow]) -> None:
        existing = {
            values["external_id"]: values
            for values in Account.objects.filter(
                external_id__in=[row.external_id for row in rows]
            ).values("id", "external_id", "team_id", "owner_id", "updated_at", *FACT_FIELDS)
        }
        existing_ids = [v["id"] for v in existing.values()]
        signal_dates = {row.as_of or self.today for row in rows}
        readings = self._readings(existing_ids, signal_dates)
        held, snapshots = self._snapshots(existing_ids, {row.as_of for row in rows if row.as_of})
        usage = self._usage(existing_ids, {row.as_of or self.today for row in rows if row.usage})
        new_accounts: list[tuple[ParsedRow, dict[str, Any]]] = []
        updates: list[tuple[dict[str, Any], dict[str, Any], ParsedRow]] = []
        signals: list[tuple[ParsedRow, str]] = []  # (row, external id)
        new_snapshots: list[tuple[ParsedRow, str]] = []
        new_usage: list[tuple[ParsedRow, str]] = []
        # Rows with an as-of date that changed something: scored as of that date.
        dated: list[tuple[ParsedRow, str]] = []
        for row in rows:
            current = existing.get(row.external_id)
            if current is None and row.external_id in self.dry_created:
                # A dry run does not create: a later snapshot of a new account updates it.
                self.report.updated += 1
                continue
            if current is None:
                values = self._new_values(row)
                if values is None:
                    continue
                new_accounts.append((row, values))
                if row.as_of is not None:
                    new_snapshots.append((row, row.external_id))
                    dated.append((row, row.external_id))
                if row.usage is not None:
                    new_usage.append((row, row.external_id))
                if self.options.dry_run:
                    self.dry_created.add(row.external_id)
                signals.append((row, row.external_id))
                self.report.created += 1
                self.report.warn(row.number, row.warnings)
                continue
            if not self._in_scope(current["team_id"]):
                self.report.reject(row.number, [CellError("", "out_of_scope", {})])
                continue
            held_on = self._held_on(current, held.get(current["id"]))
            changes = self._changes(row, current, held_on)
            signal_changed = self._signals_differ(row, current["id"], readings)
            snapshot_changed = row.as_of is not None and snapshots.get(
                (current["id"], row.as_of)
            ) != _snapshot_facts(row)
            usage_changed = (
                row.usage is not None
                and usage.get((current["id"], row.as_of or self.today)) != row.usage
            )
            if changes or signal_changed or snapshot_changed or usage_changed:
                self.report.updated += 1
                if changes:
                    updates.append((current, changes, row))
                if signal_changed:
                    signals.append((row, row.external_id))
                if snapshot_changed:
                    new_snapshots.append((row, row.external_id))
                if usage_changed:
                    new_usage.append((row, row.external_id))
                if row.as_of is not None:
                    dated.append((row, row.external_id))
                # Today's score moves with today's facts, and with dated readings at least as
                # recent as what the account holds; a past snapshot only scores into history.
                if changes or row.as_of is None or row.as_of >= held_on:
                    self.to_score.append(current["id"])
            else:
                self.report.unchanged += 1
            self.report.warn(row.number, row.warnings)
        if self.options.dry_run:
            return
        ids = self._create(new_accounts)
        self._update(updates)
        all_ids = ids | {k: v["id"] for k, v in existing.items()}
        self.written_ids.update(ids.values())
        self.written_ids.update(current["id"] for current, _changes, _row in updates)
        self._write_signals(signals, all_ids, set(ids.values()))
        self._write_snapshots(new_snapshots, all_ids)
        self._write_usage(new_usage, all_ids, set(ids.values()))
        for row, external_id in dated:
            assert row.as_of is not None
            self.to_score_as_of.setdefault(row.as_of, set()).add(all_ids[external_id])
        self.to_score.extend(ids.values())
        if len(self.to_score) >= CHUNK_ROWS:
            self._score()

    def finish(self) -> None:
        if not self.options.dry_run:
            self._score()
            for as_of, account_ids in sorted(self.to_score_as_of.items()):
                self.report.scored_as_of += score_as_of(as_of=as_of, account_ids=account_ids)

    def _new_values(self, row: ParsedRow) -> dict[str, Any] | None:
        errors = []
        if "name" not in row.values:
            errors.append(CellError("", "name_missing", {}))
        if "mrr" not in row.values:
            errors.append(CellError("", "mrr_missing", {}))
        team_id = None
        if row.owner and row.owner.team_id and self._in_scope(row.owner.team_id):
            team_id = row.owner.team_id
        elif self.options.default_team_id and self._in_scope(self.options.default_team_id):
            team_id = self.options.default_team_id
        if team_id is None:
            errors.append(CellError("", "team_missing", {}))
        if errors:
            self.report.reject(row.number, errors)
            return None
        day = row.as_of or self.today
        values = {**_NEW_ACCOUNT_DEFAULTS, **row.values}
        values.setdefault("phase_entered_on", day)
        if _CASH_FIELDS & row.values.keys():
            values["cash_facts_as_of"] = day
        values.update(
            external_id=row.external_id,
            owner_id=row.owner.id if row.owner else None,
            team_id=team_id,
            created_at=self.now,
            updated_at=self.now,
        )
        return values

    def _changes(self, row: ParsedRow, current: dict[str, Any], held_on: date) -> dict[str, Any]:
        if row.as_of is not None and row.as_of < held_on:
            # A past snapshot records history; only a snapshot at least as recent as what the
            # account holds (its latest snapshot, else its last change) rewrites its facts.
            return {}
        changes = {name: value for name, value in row.values.items() if current.get(name) != value}
        if row.owner and row.owner.id != current["owner_id"]:
            changes["owner_id"] = row.owner.id
        if "phase" in changes:
            changes["phase_entered_on"] = row.as_of or self.today
        if _CASH_FIELDS & changes.keys():
            changes["cash_facts_as_of"] = row.as_of or self.today
        return changes

    def _held_on(self, current: dict[str, Any], latest_snapshot: date | None) -> date:
        """The date the account's facts are as of: its latest snapshot, or its last change when
        that is more recent (an edit, or an import of today's facts). This import's own writes
        carry its snapshots' dates, not today's."""
        if current["id"] in self.written_ids:
            return latest_snapshot or date.min
        changed_on = timezone.localdate(current["updated_at"])
        return max(changed_on, latest_snapshot) if latest_snapshot else changed_on

    def _snapshots(
        self, account_ids: list[int], dates: set[date]
    ) -> tuple[dict[int, date], dict[tuple[int, date], dict[str, Any]]]:
        """(latest snapshot date per account, facts of the snapshots at these dates)."""
        if not account_ids or not dates:
            return {}, {}
        rows = AccountSnapshot.objects.filter(account_id__in=account_ids)
        latest = dict(
            rows.values("account_id")
            .annotate(latest=Max("as_of"))
            .values_list("account_id", "latest")
        )
        facts = {
            (pk, on): value
            for pk, on, value in rows.filter(as_of__in=dates).values_list(
                "account_id", "as_of", "facts"
            )
        }
        return latest, facts

    def _write_snapshots(self, rows: list[tuple[ParsedRow, str]], ids: dict[str, int]) -> None:
        snapshots = []
        for row, external_id in rows:
            assert row.as_of is not None
            snapshots.append(
                AccountSnapshot(
                    account_id=ids[external_id], as_of=row.as_of, facts=_snapshot_facts(row)
                )
            )
        if snapshots:
            AccountSnapshot.objects.bulk_create(
                snapshots,
                batch_size=CHUNK_ROWS,
                update_conflicts=True,
                unique_fields=["account", "as_of"],
                update_fields=["facts"],
            )

    def _usage(
        self, account_ids: list[int], dates: set[date]
    ) -> dict[tuple[int, date], tuple[int, int]]:
        """(active users, licensed seats) of these accounts' usage rows on these dates."""
        if not account_ids or not dates:
            return {}
        rows = UsageSnapshot.objects.filter(account_id__in=account_ids, on__in=dates).values_list(
            "account_id", "on", "active_users", "licensed_seats"
        )
        return {(pk, on): (active, seats) for pk, on, active, seats in rows}

    def _write_usage(
        self, rows: list[tuple[ParsedRow, str]], ids: dict[str, int], new_ids: set[int]
    ) -> None:
        """One usage row per account and day: COPY for new accounts, upserted for others."""
        fresh: list[tuple[Any, ...]] = []
        upserts = []
        for row, external_id in rows:
            assert row.usage is not None
            account_id = ids[external_id]
            on = row.as_of or self.today
            active, seats = row.usage
            if account_id in new_ids:
                fresh.append((account_id, on, active, seats))
            else:
                upserts.append(
                    UsageSnapshot(
                        account_id=account_id, on=on, active_users=active, licensed_seats=seats
                    )
                )
        if fresh:
            bulk_insert(
                UsageSnapshot, ("account_id", "on", "active_users", "licensed_seats"), fresh
            )
        if upserts:
            UsageSnapshot.objects.bulk_create(
                upserts,
                batch_size=CHUNK_ROWS,
                update_conflicts=True,
                unique_fields=["account", "on"],
                update_fields=["active_users", "licensed_seats"],
            )

    def _readings(
        self, account_ids: list[int], dates: set[date]
    ) -> dict[tuple[int, str, date], tuple[Any, str]]:
        if not account_ids:
            return {}
        rows = SignalReading.objects.filter(
            account_id__in=account_ids, as_of__in=dates
        ).values_list("account_id", "name", "as_of", "value", "category")
        return {(pk, name, on): (value, category) for pk, name, on, value, category in rows}

    def _signals_differ(
        self, row: ParsedRow, account_id: int, readings: dict[tuple[int, str, date], Any]
    ) -> bool:
        on = row.as_of or self.today
        for name, value, category in row.signals:
            if readings.get((account_id, name, on)) != (value, category):
                return True
        return False

    def _create(self, new_accounts: list[tuple[ParsedRow, dict[str, Any]]]) -> dict[str, int]:
        if not new_accounts:
            return {}
        bulk_insert(
            Account,
            _NEW_ACCOUNT_FIELDS,
            ([values.get(name) for name in _NEW_ACCOUNT_FIELDS] for _, values in new_accounts),
        )
        ids = dict(
            Account.objects.filter(
                external_id__in=[row.external_id for row, _ in new_accounts]
            ).values_list("external_id", "id")
        )
        # Their MRR enters the ledger as a "new" movement, like any account's first MRR.
        ledger.open_ledgers(
            account_ids=list(ids.values()),
            on=self.options.as_of or self.today,
            user=self.options.user,
        )
        return ids

    def _update(self, updates: list[tuple[dict[str, Any], dict[str, Any], ParsedRow]]) -> None:
        if not updates:
            return
        user = self.options.user
        for current, changes, row in updates:
            if "mrr" in changes:
                # Every MRR change is a dated movement in the ledger, which writes the MRR.
                ledger.apply_mrr_change(
                    account=Account(pk=current["id"]),
                    new_mrr=changes.pop("mrr"),
                    on=row.as_of or self.today,
                    source="import",
                    source_id=str(row.number),
                    user=user,
                )
        updates = [update for update in updates if update[1]]
        if not updates:
            return
        FactChange.objects.bulk_create(
            [
                FactChange(
                    account_id=current["id"],
                    changed_at=self.now,
                    changed_by=user,
                    field=name.removesuffix("_id"),
                    old_value=_display(current.get(name)),
                    new_value=_display(value),
                )
                for current, changes, _row in updates
                for name, value in changes.items()
            ],
            batch_size=CHUNK_ROWS,
        )
        fields = sorted({name for _, changes, _row in updates for name in changes})
        accounts = []
        for current, changes, _row in updates:
            account = Account(pk=current["id"], updated_at=self.now)
            for name in fields:
                setattr(account, name, changes.get(name, current.get(name)))
            accounts.append(account)
        Account.objects.bulk_update(accounts, [*fields, "updated_at"], batch_size=500)

    def _write_signals(
        self, signals: list[tuple[ParsedRow, str]], ids: dict[str, int], new_ids: set[int]
    ) -> None:
        """New accounts' readings cannot exist yet: COPY them. Others are upserted."""
        fresh: list[tuple[Any, ...]] = []
        readings = []
        for row, external_id in signals:
            account_id = ids[external_id]
            on = row.as_of or self.today
            for name, value, category in row.signals:
                if account_id in new_ids:
                    fresh.append((account_id, name, value, category, on))
                else:
                    readings.append(
                        SignalReading(
                            account_id=account_id,
                            name=name,
                            value=value,
                            category=category,
                            as_of=on,
                        )
                    )
        if fresh:
            bulk_insert(SignalReading, ("account_id", "name", "value", "category", "as_of"), fresh)
        if readings:
            SignalReading.objects.bulk_create(
                readings,
                batch_size=CHUNK_ROWS,
                update_conflicts=True,
                unique_fields=["account", "name", "as_of"],
                update_fields=["value", "category"],
            )

    def _score(self) -> None:
        if self.to_score:
            result = score_accounts(accounts=self.to_score)
            self.report.scored += result.done
            self.to_score = []


def _snapshot_facts(row: ParsedRow) -> dict[str, Any]:
    """The row's scoring facts in a snapshot's JSON form."""
    return clean_snapshot_facts(
        {name: value for name, value in row.values.items() if name in SNAPSHOT_FIELDS}
    )


def _display(value: Any) -> str:
    return "" if value is None else str(value)[:200]
