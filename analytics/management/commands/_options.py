"""Options shared by the analytics commands: --month YYYY-MM and --team ID."""

from datetime import date

from django.core.management.base import CommandError, CommandParser

from analytics.queries import Filters
from teams.models import Team


def add_scope_arguments(parser: CommandParser) -> None:
    parser.add_argument("--month", help="The month reported, YYYY-MM (default: this month).")
    parser.add_argument("--team", type=int, help="Only this team's accounts (its id).")


def parse_scope(options: dict, today: date) -> tuple[date, Filters]:
    month = today.replace(day=1)
    if options.get("month"):
        try:
            year, number = (int(part) for part in str(options["month"]).split("-"))
            month = date(year, number, 1)
        except ValueError:
            raise CommandError("--month must be YYYY-MM, e.g. 2026-03") from None
    team = options.get("team")
    if team is not None and not Team.objects.filter(pk=team).exists():
        raise CommandError(f"No team with id {team}")
    return month, Filters(team=team)
