"""Learned model suggestions: a draft model fitted on the history before a date, and its backtest
on the cases from that date on (held out in time) beside the active model's.

A suggestion is only ever a draft: an admin reviews it and publishes it through governance.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max

from accounts.models import SignalReading
from risk import engine
from risk.backtest.learn import TrainingCase, fit_model
from risk.fact_loader import signal_key
from risk.models import ModelStatus, RiskModel
from risk.queries import model_config, published_model
from risk.services.as_of import facts_as_of
from risk.services.backtest import DEFAULT_HORIZON_DAYS, Case, backtest_cases, run_backtest
from teams.models import User

# Fewer cases than this, or fewer churned, cannot support a table per factor.
MIN_TRAIN_CASES = 200
MIN_TRAIN_CHURNED = 20


class NotEnoughHistory(Exception):
    """Too few cases before the date (or too few churned) to learn from."""


@dataclass(frozen=True)
class Suggestion:
    draft: RiskModel
    train_cases: int
    train_churned: int
    test_cases: int
    cv_auc: float
    strength: float
    test: dict[str, object]
    active: dict[str, object]
    inputs: list[str]

    def to_dict(self) -> dict[str, object]:
        return {
            "draft_version": self.draft.version,
            "train_cases": self.train_cases,
            "train_churned": self.train_churned,
            "test_cases": self.test_cases,
            "cv_auc": round(self.cv_auc, 4),
            "regularisation_strength": self.strength,
            "test_auc": self.test.get("auc"),
            "test_auc_ci": self.test.get("auc_ci"),
            "test_top_decile_lift": self.test.get("top_decile_lift"),
            "active_version": self.active.get("model_version"),
            "active_test_auc": self.active.get("auc"),
            "active_test_top_decile_lift": self.active.get("top_decile_lift"),
            "inputs": self.inputs,
        }


def numeric_signal_names() -> list[str]:
    """Signals recorded as numbers, one name per signal (see `signal_key`)."""
    return _one_spelling(
        SignalReading.objects.filter(value__isnull=False)
        .values_list("name", flat=True)
        .distinct()
        .order_by()
    )


def _one_spelling(names: Iterable[str]) -> list[str]:
    # "usage-intensity" and "usage_intensity" are one signal: learn it once.
    by_key: dict[str, str] = {}
    for name in sorted(names):
        by_key.setdefault(signal_key(name), name)
    return sorted(by_key.values())


def category_signal_names() -> list[str]:
    """Signals recorded as categories (plan, acquisition channel...), numeric ones left out."""
    numeric = {signal_key(name) for name in numeric_signal_names()}
    names = (
        SignalReading.objects.exclude(category="")
        .values_list("name", flat=True)
        .distinct()
        .order_by()
    )
    return _one_spelling(name for name in names if signal_key(name) not in numeric)


def training_cases(cases: list[Case], *, config: engine.ModelConfig) -> list[TrainingCase]:
    by_date: dict[date, list[Case]] = defaultdict(list)
    for case in cases:
        by_date[case.as_of].append(case)
    found = []
    for on, day_cases in sorted(by_date.items()):
        facts = facts_as_of(as_of=on, account_ids=[c.account_id for c in day_cases], config=config)
        for case in day_cases:
            if case.account_id in facts:
                found.append(
                    TrainingCase(case.account_id, on, facts[case.account_id], case.churned)
                )
    return found


def suggest_model(
    *,
    train_before: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    user: User | None = None,
    today: date | None = None,
) -> Suggestion:
    """Learn a draft from the cases whose outcome was known before `train_before`; backtest it
    and the active model on the cases dated from `train_before` on."""
    active = published_model()
    train, test = split_cases(train_before=train_before, horizon_days=horizon_days, today=today)
    churned = sum(c.churned for c in train)
    template = model_config(active)
    intensity = template.usage_intensity_signal
    # The intensity signal has its place in the usage factor: not a custom factor as well.
    skip = signal_key(intensity) if intensity else None
    signals = [name for name in numeric_signal_names() if signal_key(name) != skip]
    categories = [name for name in category_signal_names() if signal_key(name) != skip]
    # The facts loader reads the signals a model's custom factors name: one per candidate.
    reader = engine.ModelConfig(
        max_fact_age_days=template.max_fact_age_days,
        usage_window_days=template.usage_window_days,
        mrr_window_days=template.mrr_window_days,
        usage_intensity_signal=intensity,
        custom_factors=(
            *(engine.CustomFactor(name, name, True, ()) for name in signals),
            *(engine.CustomFactor(name, name, True, (), ()) for name in categories),
        ),
    )
    learned = fit_model(
        training_cases(train, config=reader),
        template=template,
        signals=signals,
        category_signals=categories,
    )
    draft = _create_learned_draft(config=learned.config.to_dict(), user=user)
    suggestion = Suggestion(
        draft=draft,
        train_cases=len(train),
        train_churned=churned,
        test_cases=len(test),
        cv_auc=learned.cv_auc,
        strength=learned.strength,
        test=run_backtest(model=draft, cases=test, horizon_days=horizon_days).to_dict(),
        active=run_backtest(model=active, cases=test, horizon_days=horizon_days).to_dict(),
        inputs=learned.inputs,
    )
    report = suggestion.to_dict()
    del report["draft_version"]
    draft.learning_report = {
        **report,
        "train_before": train_before.isoformat(),
        "horizon_days": horizon_days,
    }
    draft.save(update_fields=["learning_report"])
    return suggestion


def split_cases(
    *, train_before: date, horizon_days: int = DEFAULT_HORIZON_DAYS, today: date | None = None
) -> tuple[list[Case], list[Case]]:
    """(training cases, whose outcome was known before the date; held-out cases, dated from it
    on). Raises NotEnoughHistory when the training side is too thin to learn from."""
    cases = backtest_cases(horizon_days=horizon_days, today=today)
    horizon = timedelta(days=horizon_days)
    train = [c for c in cases if c.as_of + horizon <= train_before]
    test = [c for c in cases if c.as_of >= train_before]
    churned = sum(c.churned for c in train)
    if len(train) < MIN_TRAIN_CASES or churned < MIN_TRAIN_CHURNED:
        raise NotEnoughHistory(
            f"{len(train)} cases ({churned} churned) before {train_before.isoformat()}: "
            f"at least {MIN_TRAIN_CASES} cases and {MIN_TRAIN_CHURNED} churned are needed."
        )
    if not test:
        raise NotEnoughHistory(f"No case from {train_before.isoformat()} on to test against.")
    return train, test


@transaction.atomic
def _create_learned_draft(*, config: dict[str, object], user: User | None) -> RiskModel:
    last = RiskModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    return RiskModel.objects.create(
        version=last + 1, status=ModelStatus.DRAFT, config=config, created_by=user
    )
