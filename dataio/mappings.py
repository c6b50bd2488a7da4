"""Saved column mappings: reads and writes (small enough for one module)."""

from dataio.columns import (
    ACCOUNT_FIELDS,
    IGNORE,
    OUTCOME_FIELDS,
    SIGNAL,
    normalise_header,
    recognise,
)
from dataio.models import ColumnMapping
from teams.models import User


def targets_for(*, name: str, kind: str, headers: list[str]) -> list[str] | None:
    """The saved mapping applied to these headers; columns it does not name are recognised as
    usual. None when no mapping has that name."""
    mapping = ColumnMapping.objects.filter(name=name, kind=kind).first()
    if mapping is None:
        return None
    fields = OUTCOME_FIELDS if kind == "outcomes" else ACCOUNT_FIELDS
    guessed = recognise(headers, fields=fields)
    allowed = {*fields, SIGNAL, IGNORE}
    return [
        target if (target := mapping.columns.get(normalise_header(h))) in allowed else guess
        for h, guess in zip(headers, guessed, strict=True)
    ]


def save_mapping(
    *, name: str, kind: str, headers: list[str], targets: list[str], user: User | None
) -> ColumnMapping:
    columns = {normalise_header(h): t for h, t in zip(headers, targets, strict=True) if h}
    mapping, _ = ColumnMapping.objects.update_or_create(
        name=name, defaults={"kind": kind, "columns": columns, "created_by": user}
    )
    return mapping
