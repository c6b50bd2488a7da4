import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from analytics import formulas, queries
from analytics.management.commands._options import add_scope_arguments, parse_scope


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class Command(BaseCommand):
    help = "Print the month's revenue and retention figures (MRR, ARR, NRR, GRR, churn, risk)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        month, filters = parse_scope(options, today)
        report = metrics_report(month=month, filters=filters, today=today)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        for key, value in report.items():
            self.stdout.write(f"{key}: {value}")


def metrics_report(*, month, filters, today) -> dict[str, object]:
    """The figures of `metrics --json`: money in the company currency a month, rates 0-1."""
    series = queries.revenue_series(user=None, filters=filters, last_month=month)
    current = series[-1]
    trailing = formulas.trailing_twelve_months(series)
    quarter = queries.forecast(user=None, filters=filters, today=today)[0]
    return {
        "month": month.strftime("%Y-%m"),
        "team": filters.team,
        "mrr": _number(current.end_mrr),
        "arr": _number(current.arr),
        "nrr": _number(current.nrr),
        "grr": _number(current.grr),
        "nrr_ttm": _number(trailing.nrr if trailing else None),
        "grr_ttm": _number(trailing.grr if trailing else None),
        "logo_churn_rate": _number(current.logo_churn_rate),
        "revenue_churn_rate": _number(current.revenue_churn_rate),
        "movements": {
            "new": _number(current.movements.new),
            "expansion": _number(current.movements.expansion),
            "contraction": _number(current.movements.contraction),
            "churn": _number(current.movements.churn),
            "reactivation": _number(current.movements.reactivation),
        },
        "mrr_at_risk": _number(queries.mrr_at_risk(user=None, filters=filters)),
        "forecast": {
            "quarter": quarter.label,
            "committed": _number(quarter.committed),
            "at_risk": _number(quarter.at_risk),
            "expected_churn": _number(quarter.expected_churn),
        },
    }
