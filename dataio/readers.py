"""Opening a CSV or XLSX file as a header and a stream of rows. Plain Python, no Django.

CSV is streamed line by line whatever its size; XLSX rows come one at a time from calamine.
The encoding (UTF-8 with or without BOM, else cp1252/Latin-1) and the delimiter (`,` `;` tab)
are detected from the first 64 KiB. A file that is not a table raises `Unreadable`.
"""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE_BYTES = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
# Bytes cp1252 leaves undefined: a file holding them is read as Latin-1.
_CP1252_HOLES = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


class Unreadable(Exception):
    """The file is not a table we can read; `code` says why (empty, binary, ...)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class TableFormat:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ","

    @property
    def decimal_comma(self) -> bool:
        # Files written with `;` come from locales that write decimal commas.
        return self.kind == "csv" and self.delimiter == ";"


@dataclass
class Table:
    path: Path
    format: TableFormat
    headers: list[str]

    def rows(self) -> Iterator[list[Any]]:
        """The data rows (after the header), each as long as the header; blank rows skipped."""
        width = len(self.headers)
        source = _xlsx_rows(self.path) if self.format.kind == "xlsx" else self._csv_rows()
        next(source, None)  # the header
        for row in source:
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
                continue
            if len(row) < width:
                row = [*row, *([None] * (width - len(row)))]
            yield row[:width]

    def _csv_rows(self) -> Iterator[list[Any]]:
        with self.path.open(encoding=self.format.encoding, newline="") as handle:
            try:
                yield from csv.reader(handle, delimiter=self.format.delimiter)
            except (UnicodeDecodeError, csv.Error) as error:
                raise Unreadable("undecodable") from error


def open_table(path: Path) -> Table:
    """Detect the format, read the header; raise Unreadable when this is not a table."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise Unreadable("empty")
    if sample.startswith(_ZIP_MAGIC):
        table_format = TableFormat("xlsx")
    else:
        if b"\x00" in sample:
            raise Unreadable("binary")
        encoding = _encoding(sample)
        table_format = TableFormat("csv", encoding, _delimiter(sample.decode(encoding, "ignore")))
    table = Table(path, table_format, [])
    source = _xlsx_rows(path) if table_format.kind == "xlsx" else table._csv_rows()
    header = next(source, None)
    headers = [_header_text(cell) for cell in header or []]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) < 2 or not any(headers):
        raise Unreadable("not_a_table")
    table.headers = headers
    # Prose with a comma in it has a "header" of two cells, but its lines are not rows.
    widths = [
        sum(1 for cell in row if cell not in (None, ""))
        for _, row in zip(range(20), source, strict=False)
    ]
    if not any(width >= 2 for width in widths):
        raise Unreadable("no_rows" if not widths else "not_a_table")
    return table


def _header_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def _encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A sample cut inside a multi-byte character is still UTF-8.
        cut = len(sample) == SAMPLE_BYTES and error.start >= len(sample) - 3
        if not cut:
            return "latin-1" if _CP1252_HOLES & set(sample) else "cp1252"
    return "utf-8"


def _delimiter(sample: str) -> str:
    lines = sample.splitlines()[:20]
    if len(lines) > 1 and not sample.endswith("\n"):
        lines = lines[:-1]  # the sample may cut the last line
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except (CalamineError, OSError, ValueError, IndexError) as error:
        raise Unreadable("not_a_table") from error
    except Exception as error:  # calamine raises its own errors for a corrupt zip
        raise Unreadable("not_a_table") from error
    for row in rows:
        yield [None if cell == "" else cell for cell in row]


def sample_rows(table: Table, count: int) -> list[list[Any]]:
    out = []
    for row in table.rows():
        out.append(row)
        if len(out) >= count:
            break
    return out
