import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from risk.services.backtest import DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS
from risk.services.suggestions import NotEnoughHistory, suggest_model


class Command(BaseCommand):
    help = (
        "Learn a draft risk model from the score history before a date (thresholds, points and "
        "directions per factor, L1-regularised logistic regression cross-validated by account) "
        "and backtest it beside the active model on the cases from that date on. The draft is "
        "never published automatically."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train-before", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD"
        )
        parser.add_argument("--horizon-days", type=int, default=DEFAULT_HORIZON_DAYS)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        horizon = int(options["horizon_days"])  # type: ignore[call-overload]
        if not 1 <= horizon <= MAX_HORIZON_DAYS:
            raise CommandError(f"--horizon-days must be between 1 and {MAX_HORIZON_DAYS}.")
        train_before: date = options["train_before"]  # type: ignore[assignment]
        if train_before > timezone.localdate():
            raise CommandError("--train-before must be today or a past date.")
        try:
            suggestion = suggest_model(train_before=train_before, horizon_days=horizon)
        except NotEnoughHistory as error:
            raise CommandError(str(error)) from None
        data = suggestion.to_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(
            f"Draft v{data['draft_version']} learned from {data['train_cases']} cases "
            f"(cross-validated AUC {data['cv_auc']}). On the {data['test_cases']} later cases: "
            f"AUC {data['test_auc']} and top-decile lift {data['test_top_decile_lift']}, against "
            f"{data['active_test_auc']} and {data['active_test_top_decile_lift']} for the active "
            f"v{data['active_version']}."
        )
