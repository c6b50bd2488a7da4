"""Bulk inserts for large imports and demo data: COPY on PostgreSQL, bulk_create elsewhere."""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from churnguard.db import copy_from_stdin

# bulk_create batches: big enough to amortise round trips, small enough for SQLite's
# 999-variable limit on old builds to never bite (rows have at most ~30 columns).
BATCH_SIZE = 2000


def bulk_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert rows (values in `fields` order) without per-row saves or signals."""
    if connection.vendor == "postgresql":
        _copy(model, fields, rows)
        return
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= BATCH_SIZE:
            model._default_manager.bulk_create(batch)
            batch.clear()
    if batch:
        model._default_manager.bulk_create(batch)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def _copy(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(_column(model, f)) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    json_fields = [
        i for i, f in enumerate(fields) if isinstance(meta.get_field(f), models.JSONField)
    ]
    with copy_from_stdin(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            if json_fields:
                row = list(row)
                for i in json_fields:
                    row[i] = _json(row[i])
            copy.write_row(row)


def _json(value: Any) -> str:
    return json.dumps(value, default=str)
