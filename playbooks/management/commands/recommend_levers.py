"""Print the levers recommended for one account, best first (the account page's list)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Account
from playbooks.levers import STRATEGIES
from playbooks.presenters import lever_reason_text
from playbooks.queries import LeverRecommendation, recommend_levers


def _row(item: LeverRecommendation, currency: str) -> dict[str, object]:
    rec = item.recommendation
    return {
        "lever": item.lever.name,
        "parameters": {name: f"{value:f}" for name, value in rec.params.items()},
        "cash_impact": str(rec.impact.cash),
        "mrr_impact": str(rec.impact.mrr),
        "currency": currency,
        "rank": rec.rank,
        "reason": lever_reason_text(rec.reason),
    }


class Command(BaseCommand):
    help = "Recommend negotiation levers for an account, ranked under the crisis strategy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("external_id", help="The account's external (CRM) id.")
        parser.add_argument(
            "--strategy", choices=STRATEGIES, help="Default: the strategy in force today."
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON list.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            account = Account.objects.get(external_id=options["external_id"])
        except Account.DoesNotExist:
            raise CommandError(f"No account with external id {options['external_id']!r}.") from None
        ranked = recommend_levers(
            account=account, today=timezone.localdate(), strategy=options["strategy"]
        )
        rows = [_row(item, account.currency) for item in ranked]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("No lever of the catalogue fits this account now.")
        for row in rows:
            self.stdout.write(
                f"{row['rank']}. {row['lever']}: cash {row['cash_impact']}, "
                f"MRR {row['mrr_impact']} {row['currency']}/month. {row['reason']}"
            )
