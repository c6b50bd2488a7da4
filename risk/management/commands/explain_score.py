import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Account
from risk.explain import explain_account
from risk.reasons import explain


class Command(BaseCommand):
    help = "Explain an account's risk score: score, band, model version and factor contributions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("external_id", help="The account's external id (from your CRM).")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: object, **options: object) -> None:
        try:
            account = Account.objects.get(external_id=options["external_id"])
        except Account.DoesNotExist:
            raise CommandError(f"No account with external id {options['external_id']!r}.") from None
        explanation = explain_account(account, as_of=timezone.localdate())
        a = explanation.assessment
        payload = {
            "external_id": account.external_id,
            "score": a.score,
            "band": a.band,
            "model_version": explanation.risk_model.version,
            "as_of": explanation.as_of.isoformat(),
            "factors": [
                {
                    "factor": c.factor,
                    "points": c.points,
                    "code": c.code,
                    "params": c.params,
                    "reason": explain(c),
                    "has_data": c.has_data,
                }
                for c in a.contributions
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write(
            f"{account.name} ({account.external_id}): {a.score} {a.band} "
            f"(model v{payload['model_version']}, as of {payload['as_of']})"
        )
        for c in a.contributions:
            self.stdout.write(f"  {c.points:+4d}  {explain(c)}")
