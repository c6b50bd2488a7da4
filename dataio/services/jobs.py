"""An import in the browser: upload, check (dry run), then import the valid rows or nothing.

The uploaded file is kept in the database (the worker may run on another machine) until the
import ends or is dropped, then emptied. Progress goes to the cache, not the database: the
import's writes are one transaction, invisible to the page until they commit.
"""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from dataio.columns import ACCOUNT_FIELDS, OUTCOME_FIELDS, recognise
from dataio.mappings import targets_for
from dataio.models import ImportJob, ImportKind, ImportStatus
from dataio.readers import Table, Unreadable, open_table, sample_rows
from dataio.report import ImportReport
from dataio.services.accounts import ImportOptions, import_accounts
from teams.models import Team, User

logger = logging.getLogger(__name__)

PROGRESS_TTL_SECONDS = 3600


@contextmanager
def job_file(data: bytes, filename: str) -> Iterator[Path]:
    """The file's bytes on disk for the readers, removed afterwards."""
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        yield Path(handle.name)


def fields_for(kind: str) -> tuple[str, ...]:
    return OUTCOME_FIELDS if kind == ImportKind.OUTCOMES else ACCOUNT_FIELDS


@transaction.atomic
def create_import_job(
    *,
    user: User,
    kind: str,
    filename: str,
    data: bytes,
    default_team: Team | None,
    as_of: date | None,
    mapping_name: str = "",
) -> ImportJob:
    """Store the upload with the columns recognised (or a saved mapping's). Raises Unreadable
    when the file is not a table."""
    with job_file(data, filename) as path:
        headers = open_table(path).headers
    targets = None
    if mapping_name:
        targets = targets_for(name=mapping_name, kind=kind, headers=headers)
    return ImportJob.objects.create(
        kind=kind,
        created_by=user,
        default_team=default_team,
        filename=filename[:200],
        size=len(data),
        data=data,
        as_of=as_of,
        headers=headers,
        targets=targets or recognise(headers, fields=fields_for(kind)),
    )


def preview(job: ImportJob, rows: int = 5) -> list[list[Any]]:
    with job_file(bytes(job.data), job.filename) as path:
        table: Table = open_table(path)
        return sample_rows(table, rows)


@transaction.atomic
def set_targets(*, job: ImportJob, targets: list[str]) -> None:
    job.targets = targets
    job.status = ImportStatus.UPLOADED
    job.report = {}
    job.save(update_fields=["targets", "status", "report"])


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def check_import_job(*, job_id: int) -> None:
    """The dry run: every row checked against the file and the database, nothing written."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportStatus.UPLOADED, ImportStatus.CHECKED]
    ).update(status=ImportStatus.CHECKING)
    if claimed:
        _run(ImportJob.objects.get(pk=job_id), dry_run=True)


def run_import_job(*, job_id: int) -> None:
    """Import the valid rows of a checked file. Claimed once: a second call does nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKED).update(
        status=ImportStatus.IMPORTING
    )
    if claimed:
        _run(ImportJob.objects.get(pk=job_id), dry_run=False)


@transaction.atomic
def cancel_import_job(*, job: ImportJob) -> bool:
    """ "Import nothing": the file is dropped, the job kept as a trail."""
    updated = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportStatus.UPLOADED, ImportStatus.CHECKED]
    ).update(status=ImportStatus.CANCELLED, data=b"", finished_at=timezone.now())
    return bool(updated)


def _run(job: ImportJob, *, dry_run: bool) -> None:
    def progress(done: int, total: int) -> None:
        cache.set(progress_key(job.pk), (done, total), PROGRESS_TTL_SECONDS)

    options = ImportOptions(
        dry_run=dry_run,
        as_of=job.as_of,
        default_team_id=job.default_team_id,
        user=job.created_by,
        targets=list(job.targets),
    )
    try:
        with job_file(bytes(job.data), job.filename) as path:
            report = _import(job, path, options, progress)
    except Unreadable as error:
        _finish(job, status=ImportStatus.FAILED, error_code=error.code, clear=True)
        return
    except Exception:
        logger.exception("Import %s failed", job.pk)
        _finish(job, status=ImportStatus.FAILED, error_code="error", clear=False)
        raise
    job.report = report.as_dict()
    job.rows_total = report.valid + report.rejected
    job.rows_done = job.rows_total
    if dry_run:
        _finish(job, status=ImportStatus.CHECKED)
    else:
        _finish(job, status=ImportStatus.DONE, clear=True)


def _import(job: ImportJob, path: Path, options: ImportOptions, progress: Any) -> ImportReport:
    if job.kind == ImportKind.OUTCOMES:
        from dataio.services.outcomes import import_outcomes

        return import_outcomes(path=path, options=options, progress=progress)
    return import_accounts(path=path, options=options, progress=progress)


def _finish(job: ImportJob, *, status: str, error_code: str = "", clear: bool = False) -> None:
    job.status = status
    job.error_code = error_code
    fields = ["status", "error_code", "report", "rows_total", "rows_done"]
    if clear:
        job.data = b""
        job.finished_at = timezone.now()
        fields += ["data", "finished_at"]
    job.save(update_fields=fields)
    cache.delete(progress_key(job.pk))
