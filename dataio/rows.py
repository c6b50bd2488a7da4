"""One row of an export, checked cell by cell into the facts it sets. Plain Python, no Django.

A row either becomes a `ParsedRow` (every cell it fills is valid) or carries the list of what is
wrong with it, column by column. Nothing here reads or writes the database: owners are looked up
in a table the caller builds once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from accounts.countries import normalise_name
from dataio import parsing
from dataio.columns import IGNORE, SIGNAL, USAGE_INTENSITY_SIGNAL
from dataio.parsing import Problem, is_blank

# The model's field lengths (checked by a test against accounts.Account).
NAME_MAX = 200
EXTERNAL_ID_MAX = 64
INDUSTRY_MAX = 64
SEGMENT_MAX = 32


@dataclass(frozen=True)
class Owner:
    id: int
    team_id: int | None


@dataclass
class OwnerDirectory:
    """Users findable by e-mail, username or full name (case and accents ignored)."""

    by_key: dict[str, Owner | None] = field(default_factory=dict)

    def add(self, owner: Owner, *keys: str) -> None:
        for key in {normalise_name(k) for k in keys if k and k.strip()}:
            # A full name two people share finds nobody: None marks it ambiguous.
            if key in self.by_key and self.by_key[key] != owner:
                self.by_key[key] = None
            else:
                self.by_key[key] = owner

    def find(self, value: str) -> Owner:
        key = normalise_name(value)
        if key not in self.by_key:
            raise Problem("owner_unknown", {"value": value})
        found = self.by_key[key]
        if found is None:
            raise Problem("owner_ambiguous", {"value": value})
        return found


@dataclass(frozen=True)
class CellError:
    column: str
    code: str
    params: dict[str, Any]


@dataclass
class ParsedRow:
    number: int  # 1 = the first row after the header
    external_id: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    owner: Owner | None = None
    as_of: date | None = None
    signals: list[tuple[str, Decimal | None, str]] = field(default_factory=list)
    # Adoption on the row's date: (active users, licensed seats), when both are given and
    # seats > 0.
    usage: tuple[int, int] | None = None
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, date | None]:
        return (self.external_id, self.as_of)


@dataclass(frozen=True)
class RowContext:
    headers: list[str]
    targets: list[str]
    owners: OwnerDirectory
    decimal_comma: bool = False
    as_of: date | None = None

    def signal_names(self) -> list[str]:
        """A signal name per column (empty for the others); repeated names get a suffix."""
        names, seen = [], set()
        for header, target in zip(self.headers, self.targets, strict=True):
            if target != SIGNAL:
                names.append("")
                continue
            base = name = parsing.slugify_signal(header)
            counter = 2
            while name in seen:
                name = f"{base[:46]}-{counter}"
                counter += 1
            seen.add(name)
            names.append(name)
        return names


def _field_parsers(decimal_comma: bool) -> dict[str, Callable[[Any], Any]]:
    def money(value: Any) -> Decimal:
        return parsing.parse_money(value, decimal_comma=decimal_comma)

    return {
        "external_id": lambda v: parsing.parse_text(v, max_length=EXTERNAL_ID_MAX),
        "name": lambda v: parsing.parse_text(v, max_length=NAME_MAX),
        "country": parsing.parse_country,
        "mrr": money,
        "arr": lambda v: parsing.monthly_from_annual(money(v)),
        "monthly_burn": money,
        "currency": parsing.parse_currency,
        "contract_start": parsing.parse_date,
        "renewal_date": parsing.parse_date,
        "break_clause_date": parsing.parse_date,
        "planned_go_live": parsing.parse_date,
        "as_of": parsing.parse_date,
        "contract_term_months": parsing.parse_months,
        "signing_discount_pct": lambda v: parsing.parse_percent(v, decimal_comma=decimal_comma),
        "cash_runway_months": lambda v: parsing.parse_runway(v, decimal_comma=decimal_comma),
        "late_payments": parsing.parse_count,
        "licensed_seats": lambda v: parsing.parse_users(v, decimal_comma=decimal_comma),
        "active_users": lambda v: parsing.parse_users(v, decimal_comma=decimal_comma),
        "usage_intensity": lambda v: parsing.parse_intensity(v, decimal_comma=decimal_comma),
        "phase": lambda v: parsing.parse_choice(v, parsing.PHASES, code="phase_unknown"),
        "funding_stage": lambda v: parsing.parse_choice(
            v, parsing.FUNDING_STAGES, code="funding_stage_unknown"
        ),
    }


# Distinct values remembered per column: a column of countries, phases or dates repeats a few
# hundred values over a whole file; amounts rarely repeat, and the memo is reset when full.
MEMO_SIZE = 4096
_MISSING = object()


def _memoised(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The parser, remembering its answer (a value or a Problem) for each cell value seen."""
    memo: dict[Any, Any] = {}

    def parse(cell: Any) -> Any:
        found = memo.get(cell, _MISSING)
        if found is _MISSING:
            try:
                found = parser(cell)
            except Problem as problem:
                found = problem
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[cell] = found
        if isinstance(found, Problem):
            raise found
        return found

    return parse


# Where a parsed value is stored: ARR becomes the account's MRR.
_STORED_AS = {"arr": "mrr"}


class RowParser:
    """Parses the rows of one file; built once, called per row (the hot loop of an import)."""

    def __init__(self, context: RowContext) -> None:
        self.context = context
        parsers = _field_parsers(context.decimal_comma)
        self.columns: list[tuple[int, str, str, Callable[[Any], Any] | None]] = []
        self.signals: list[tuple[int, str]] = []
        for index, (header, target, signal) in enumerate(
            zip(context.headers, context.targets, context.signal_names(), strict=True)
        ):
            if target == SIGNAL:
                self.signals.append((index, signal))
            elif target != IGNORE:
                parser = parsers.get(target)
                self.columns.append((index, header, target, parser and _memoised(parser)))
        self.find_owner = _memoised(lambda cell: context.owners.find(parsing.text(cell)))
        self.free_memo: dict[tuple[str, Any], tuple[str, bool]] = {}
        self.signal_parser = _memoised(
            lambda cell: parsing.parse_signal(cell, decimal_comma=context.decimal_comma)
        )
        self.id_header = next((h for _, h, t, _ in self.columns if t == "external_id"), "")
        self.id_index = next((i for i, _, t, _ in self.columns if t == "external_id"), None)
        self.as_of_index = next((i for i, _, t, _ in self.columns if t == "as_of"), None)
        self._as_of_parser = _memoised(parsing.parse_date)
        self.headers_of = {target: header for _, header, target, _ in self.columns}

    def key(self, cells: list[Any]) -> tuple[str, Any] | None:
        """The (external id, as-of date) a row names, read cheaply for spotting repeats; None
        without an id."""
        if self.id_index is None or is_blank(cells[self.id_index]):
            return None
        as_of: Any = self.context.as_of
        if self.as_of_index is not None and not is_blank(cells[self.as_of_index]):
            try:
                as_of = self._as_of_parser(cells[self.as_of_index])
            except Problem:
                as_of = cells[self.as_of_index]
        return (parsing.text(cells[self.id_index]), as_of)

    def parse(self, number: int, cells: list[Any]) -> ParsedRow:
        row = ParsedRow(number=number, as_of=self.context.as_of)
        values = row.values
        for index, header, target, parser in self.columns:
            cell = cells[index]
            if is_blank(cell):
                continue
            try:
                if parser is not None:
                    values[_STORED_AS.get(target, target)] = parser(cell)
                elif target == "industry":
                    values["industry"] = self._free(
                        row, header, cell, parsing.INDUSTRIES, "industry"
                    )
                elif target == "segment":
                    values["segment"] = self._free(row, header, cell, parsing.SEGMENTS, "segment")
                elif target == "owner":
                    row.owner = self.find_owner(cell)
            except Problem as problem:
                row.errors.append(CellError(header, problem.code, problem.params))
        row.external_id = values.pop("external_id", "")
        if not row.external_id:
            row.errors.append(CellError(self.id_header or "", "external_id_missing", {}))
        if "as_of" in values:
            row.as_of = values.pop("as_of")
        self._usage(row)
        for index, name in self.signals:
            cell = cells[index]
            if not is_blank(cell):
                reading: Decimal | None
                category: str
                reading, category = self.signal_parser(cell)
                row.signals.append((name, reading, category))
        return row

    def _usage(self, row: ParsedRow) -> None:
        """Seats and active users become the row's usage reading; intensity a numeric signal."""
        values = row.values
        intensity = values.pop("usage_intensity", None)
        if intensity is not None:
            row.signals.append((USAGE_INTENSITY_SIGNAL, intensity, ""))
        seats = values.pop("licensed_seats", None)
        active = values.pop("active_users", None)
        if seats is None and active is None:
            return
        if seats is None:
            code, column = "usage_seats_missing", self.headers_of["active_users"]
        elif active is None:
            code, column = "usage_active_missing", self.headers_of["licensed_seats"]
        elif seats == 0:
            code, column = "usage_no_seats", self.headers_of["licensed_seats"]
        elif active > seats:
            # As the usage form: more active users than seats is not a reading to score.
            code, column = "usage_over_seats", self.headers_of["active_users"]
        else:
            row.usage = (active, seats)
            return
        row.warnings.append(CellError(column, code, {}))

    def _free(
        self, row: ParsedRow, header: str, cell: Any, table: dict[str, str], kind: str
    ) -> str:
        key = (kind, cell)
        found = self.free_memo.get(key)
        if found is None:
            limit = INDUSTRY_MAX if kind == "industry" else SEGMENT_MAX
            found = parsing.parse_free_choice(cell, table, max_length=limit)
            if len(self.free_memo) < MEMO_SIZE:
                self.free_memo[key] = found
        value, known = found
        if not known:
            row.warnings.append(CellError(header, f"{kind}_unknown", {"value": value}))
        return value
