"""Learned model suggestions: a draft model fitted on the history before a date, and its backtest
on the cases from that date on (held out in time) beside the active model's.

A suggestion is only ever a draft: an admin reviews it and publishes it through governance.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import SignalReading
from risk import engine
from risk.backtest.learn import TrainingCase, fit_model
from risk.fact_loader import signal_key
from risk.models import (
    OPEN_SUGGESTION,
    SUGGESTION_ABANDONED_AFTER,
    ModelStatus,
    RiskModel,
    SuggestionRequest,
    SuggestionStatus,
)
from risk.queries import NoPublishedModel, model_config, published_model
from risk.reasons import (
    INTERRUPTED,
    NO_PUBLISHED_MODEL,
    NO_TEST_CASES,
    TOO_FEW_CASES,
    TOO_FEW_CHURNED,
    UNEXPECTED_ERROR,
    suggestion_failure_text,
)
from risk.services.as_of import facts_as_of
from risk.services.backtest import DEFAULT_HORIZON_DAYS, Case, backtest_cases, run_backtest
from teams.models import User

logger = logging.getLogger(__name__)

# Fewer cases than this, or fewer churned, cannot support a table per factor.
MIN_TRAIN_CASES = 200
MIN_TRAIN_CHURNED = 20


class NotEnoughHistory(Exception):
    """Too few cases before the date (or too few churned) to learn from, or none after it to
    test on. Carries a failure code and its parameters (`risk.reasons.SUGGESTION_FAILURES`)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return suggestion_failure_text(self.code, self.params)


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
    request: SuggestionRequest | None = None,
) -> Suggestion:
    """Learn a draft from the cases whose outcome was known before `train_before`; backtest it
    and the active model on the cases dated from `train_before` on.

    The draft is written last, with its learning report, in one transaction that also marks the
    `request` done: a failure on the way leaves neither a draft nor a request marked done."""
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
    config = learned.config.to_dict()
    # Backtested unsaved (a draft is always re-scored from its configuration).
    candidate = RiskModel(version=0, status=ModelStatus.DRAFT, config=config)
    suggestion = Suggestion(
        draft=candidate,
        train_cases=len(train),
        train_churned=churned,
        test_cases=len(test),
        cv_auc=learned.cv_auc,
        strength=learned.strength,
        test=run_backtest(model=candidate, cases=test, horizon_days=horizon_days).to_dict(),
        active=run_backtest(model=active, cases=test, horizon_days=horizon_days).to_dict(),
        inputs=learned.inputs,
    )
    report = suggestion.to_dict()
    del report["draft_version"]
    draft = _create_learned_draft(
        config=config,
        user=user,
        learning_report={
            **report,
            "train_before": train_before.isoformat(),
            "horizon_days": horizon_days,
        },
        request=request,
    )
    return replace(suggestion, draft=draft)


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
    on = train_before.isoformat()
    if len(train) < MIN_TRAIN_CASES:
        raise NotEnoughHistory(TOO_FEW_CASES, date=on, cases=len(train), needed=MIN_TRAIN_CASES)
    if churned < MIN_TRAIN_CHURNED:
        raise NotEnoughHistory(TOO_FEW_CHURNED, date=on, churned=churned, needed=MIN_TRAIN_CHURNED)
    if not test:
        raise NotEnoughHistory(NO_TEST_CASES, date=on)
    return train, test


@transaction.atomic
def _create_learned_draft(
    *,
    config: dict[str, object],
    user: User | None,
    learning_report: dict[str, object],
    request: SuggestionRequest | None,
) -> RiskModel:
    last = RiskModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    draft = RiskModel.objects.create(
        version=last + 1,
        status=ModelStatus.DRAFT,
        config=config,
        created_by=user,
        learning_report=learning_report,
    )
    if request is not None:
        SuggestionRequest.objects.filter(pk=request.pk).update(
            status=SuggestionStatus.DONE, draft=draft, finished_at=timezone.now()
        )
    return draft


# Requests from the model list page -----------------------------------------------------------


def request_suggestion(
    *, train_before: date, user: User | None, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> SuggestionRequest:
    """Record an admin's request and, once it commits, send the learning task.

    The history is checked first (one query): a date without enough of it is recorded as
    failed at once, with its reason. A request for a date already being learned returns that
    request: a double click learns once."""
    fail_abandoned_requests()
    failure: tuple[str, dict[str, object]] | None = None
    try:
        split_cases(train_before=train_before, horizon_days=horizon_days)
    except NotEnoughHistory as error:
        failure = (error.code, error.params)
    if failure is not None:
        now = timezone.now()
        return SuggestionRequest.objects.create(
            requested_by=user,
            train_before=train_before,
            horizon_days=horizon_days,
            status=SuggestionStatus.FAILED,
            finished_at=now,
            failure_code=failure[0],
            failure_params=failure[1],
        )
    try:
        with transaction.atomic():
            request = SuggestionRequest.objects.create(
                requested_by=user, train_before=train_before, horizon_days=horizon_days
            )
    except IntegrityError:  # the same date is being learned (suggestion_one_open_per_date)
        return SuggestionRequest.objects.get(
            train_before=train_before, horizon_days=horizon_days, status__in=OPEN_SUGGESTION
        )
    transaction.on_commit(lambda: _send(request.pk))
    return request


def _send(request_id: int) -> None:
    from risk.tasks import suggest_model_task

    try:
        suggest_model_task.delay(request_id)
    except Exception:  # the broker went away: say so rather than leave it queued
        logger.exception("Could not send model suggestion request %s", request_id)
        _fail(request_id, code=UNEXPECTED_ERROR)


def record_legacy_request(*, train_before: str, user_id: int | None) -> SuggestionRequest:
    """The request of a task message sent before requests were recorded (a deploy in between)."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    day = date.fromisoformat(train_before)
    try:
        with transaction.atomic():
            return SuggestionRequest.objects.create(
                requested_by=user, train_before=day, horizon_days=DEFAULT_HORIZON_DAYS
            )
    except IntegrityError:
        return SuggestionRequest.objects.get(
            train_before=day, horizon_days=DEFAULT_HORIZON_DAYS, status__in=OPEN_SUGGESTION
        )


def fail_abandoned_requests(*, now: datetime | None = None) -> int:
    """Mark failed the requests still queued or learning long after they should have ended."""
    now = now or timezone.now()
    cutoff = now - SUGGESTION_ABANDONED_AFTER
    stale = SuggestionRequest.objects.filter(
        Q(status=SuggestionStatus.QUEUED, requested_at__lt=cutoff)
        | Q(status=SuggestionStatus.RUNNING, started_at__lt=cutoff)
    )
    return stale.update(
        status=SuggestionStatus.FAILED,
        finished_at=now,
        failure_code=INTERRUPTED,
        failure_params={},
    )


def run_suggestion_request(*, request_id: int) -> SuggestionRequest | None:
    """Learn what a request asked for, once. A redelivered message, or a request already
    learning, done or failed, changes nothing (None). Any failure is recorded on the request:
    the history's reason as its code, anything unexpected as a generic code (and logged)."""
    request = _claim(request_id)
    if request is None:
        return None
    try:
        suggest_model(
            train_before=request.train_before,
            horizon_days=request.horizon_days,
            user=request.requested_by,
            request=request,
        )
    except NotEnoughHistory as error:
        _fail(request_id, code=error.code, params=error.params)
    except NoPublishedModel:
        _fail(request_id, code=NO_PUBLISHED_MODEL)
    except Exception:  # a bug or a time limit: never leave the request "learning"
        logger.exception("Model suggestion request %s failed", request_id)
        _fail(request_id, code=UNEXPECTED_ERROR)
    request.refresh_from_db()
    return request


def _claim(request_id: int) -> SuggestionRequest | None:
    with transaction.atomic():
        request = (
            SuggestionRequest.objects.select_for_update(of=("self",))
            .select_related("requested_by")
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.status != SuggestionStatus.QUEUED:
            logger.info(
                "Model suggestion request %s not learned again: %s",
                request_id,
                request.status if request else "unknown",
            )
            return None
        request.status = SuggestionStatus.RUNNING
        request.started_at = timezone.now()
        request.save(update_fields=["status", "started_at"])
    return request


def _fail(request_id: int, *, code: str, params: dict[str, object] | None = None) -> None:
    SuggestionRequest.objects.filter(pk=request_id, status__in=OPEN_SUGGESTION).update(
        status=SuggestionStatus.FAILED,
        finished_at=timezone.now(),
        failure_code=code,
        failure_params=params or {},
    )
