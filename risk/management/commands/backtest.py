import json
from datetime import date
from typing import cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from risk.models import RiskModel
from risk.services.backtest import DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS, run_backtest


class Command(BaseCommand):
    help = (
        "How well a model's scores predicted churn: every scored (account, date) in the history "
        "whose outcome window has passed is a case, labelled by whether the account churned "
        "within the horizon. Prints ROC AUC with its 95 % interval (DeLong), top-decile lift, "
        "Brier score and the churn rate per band with Wilson intervals."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--horizon-days", type=int, default=DEFAULT_HORIZON_DAYS)
        parser.add_argument(
            "--model", type=int, metavar="VERSION", help="Default: the published version."
        )
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat)
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args: object, **options: object) -> None:
        horizon = options["horizon_days"]
        if not 1 <= horizon <= MAX_HORIZON_DAYS:  # type: ignore[operator]
            raise CommandError(f"--horizon-days must be between 1 and {MAX_HORIZON_DAYS}.")
        date_from, date_to = options["date_from"], options["date_to"]
        if date_from and date_to and date_from > date_to:  # type: ignore[operator]
            raise CommandError("--from must not be after --to.")
        model = None
        if options["model"] is not None:
            model = RiskModel.objects.filter(version=cast(int, options["model"])).first()
            if model is None:
                raise CommandError(f"No risk model version {options['model']}.")
        result = run_backtest(
            model=model,
            horizon_days=horizon,  # type: ignore[arg-type]
            date_from=date_from,  # type: ignore[arg-type]
            date_to=date_to,  # type: ignore[arg-type]
        )
        data = result.to_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        self._print(data)

    def _print(self, data: dict) -> None:
        def pct(value: float | None) -> str:
            return "n/a" if value is None else f"{100 * value:.1f} %"

        self.stdout.write(
            f"Model v{data['model_version']}, horizon {data['horizon_days']} days: "
            f"{data['n']} cases, {data['accounts']} accounts, {data['churned']} churned "
            f"(base rate {pct(data['base_churn_rate'])})."
        )
        if data["auc"] is None:
            self.stdout.write("Not enough cases of both outcomes for AUC and lift.")
        else:
            low, high = data["auc_ci"]
            self.stdout.write(
                f"ROC AUC {data['auc']:.3f} (95 % CI {low:.3f}-{high:.3f}), "
                f"top-decile lift {data['top_decile_lift']:.2f}, Brier {data['brier']:.4f}."
            )
        for row in data["bands"]:
            low, high = row["interval"]
            self.stdout.write(
                f"  {row['band']:<9} {row['cases']:>7} cases {row['churned']:>6} churned "
                f"{pct(row['rate']):>8}  [{pct(low)} - {pct(high)}]"
            )
