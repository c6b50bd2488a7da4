"""Guards for commands that write demo data: never on production by accident."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet


def add_production_guard(parser: CommandParser) -> None:
    parser.add_argument(
        "--i-know-this-is-not-production",
        action="store_true",
        help="Run even with DEBUG off (a staging or benchmark database, never production).",
    )


def refuse_in_production(options: dict[str, Any], *, command: str) -> None:
    """The demo creates users with a published password: refuse unless DEBUG is on or the
    operator says, in so many words, that this database is not production."""
    if settings.DEBUG or options.get("i_know_this_is_not_production"):
        return
    raise CommandError(
        f"{command} creates demo users with a known password and refuses to run with DEBUG off. "
        "If this database is not production, pass --i-know-this-is-not-production."
    )


def delete_with_history(queryset: QuerySet[Any], *, depth: int = 0) -> None:
    """Demo reset only: delete rows and every row pointing at them, PROTECT included.

    History is protected from deletion everywhere else; a demo portfolio being replaced by a
    fresh one is the one case where it goes too. Walks the reverse relations, so it needs no
    knowledge of the apps built on accounts.
    """
    if depth > 5:
        raise CommandError("Demo reset: relations nest deeper than expected; nothing deleted.")
    for relation in queryset.model._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        related = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": queryset.values("pk")}
        )
        delete_with_history(related, depth=depth + 1)
    queryset.delete()
