"""Messy files the import tests write themselves."""

import csv
import io
from pathlib import Path

import pytest
import xlsxwriter


def write_csv(
    path: Path, rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Accounts")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
    return path


@pytest.fixture
def files(tmp_path):
    class Files:
        def csv(self, name: str, rows: list[list[object]], **kwargs: object) -> Path:
            return write_csv(tmp_path / name, rows, **kwargs)  # type: ignore[arg-type]

        def xlsx(self, name: str, rows: list[list[object]]) -> Path:
            return write_xlsx(tmp_path / name, rows)

        def raw(self, name: str, data: bytes) -> Path:
            path = tmp_path / name
            path.write_bytes(data)
            return path

    return Files()
