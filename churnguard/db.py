"""PostgreSQL's COPY, with the same error classes as the rest of Django's database layer."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def copy_from_stdin(sql: str) -> Iterator[Any]:
    """The psycopg Copy object for `COPY ... FROM STDIN`, to call write_row() on.

    Errors come out as django.db errors (IntegrityError, OperationalError...), as from any
    query: psycopg's own would slip past the handlers and the Celery retries that expect those.
    """
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        yield copy
