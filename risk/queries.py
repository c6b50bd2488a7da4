"""Reads of risk models and scores."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import Account
from accounts.queries import visible_accounts
from risk import engine
from risk.churn_rule import BAND_ORDER
from risk.models import (
    OPEN_EXPECTED_CHURN,
    BandOverride,
    ExpectedChurn,
    ExpectedChurnStatus,
    ModelStatus,
    RescoreRun,
    RiskModel,
    Score,
    SuggestionRequest,
)
from teams.access import is_admin
from teams.models import User


class NoPublishedModel(Exception):
    """No risk model is published yet (the data migration ships one)."""


def published_model() -> RiskModel:
    model = RiskModel.objects.filter(status=ModelStatus.PUBLISHED).first()
    if model is None:
        raise NoPublishedModel("No risk model is published.")
    return model


@lru_cache(maxsize=8)
def _compiled(pk: int, version: int, status: str, config_key: str) -> engine.ModelConfig:
    return engine.ModelConfig.from_dict(RiskModel.objects.get(pk=pk).config)


def backtestable_models(user: User) -> QuerySet[RiskModel]:
    """The versions a user may backtest: every one for an admin (drafts included, as on the model
    pages); the published and retired ones, which scored the accounts, for a manager."""
    models = RiskModel.objects.order_by("-version")
    if is_admin(user):
        return models
    return models.exclude(status=ModelStatus.DRAFT)


# Suggestion requests listed on the model list page, latest first.
RECENT_SUGGESTION_REQUESTS = 10


def recent_suggestion_requests(limit: int = RECENT_SUGGESTION_REQUESTS) -> list[SuggestionRequest]:
    return list(
        SuggestionRequest.objects.select_related("requested_by", "draft").order_by(
            "-requested_at", "-id"
        )[:limit]
    )


def model_config(model: RiskModel) -> engine.ModelConfig:
    """The engine's compiled model. Published versions never change, so they are cached;
    a draft is rebuilt from its current configuration every time."""
    if model.status != ModelStatus.DRAFT:
        return _compiled(model.pk, model.version, model.status, "")
    return engine.ModelConfig.from_dict(model.config)


def score_history(account: Account, *, limit: int = 60) -> list[Score]:
    """The scores the account held, latest first (scores as of past dates are backtest cases,
    never a score the account held)."""
    scores = account.scores.filter(backdated=False).select_related("risk_model")
    return list(scores.order_by("-computed_at", "-id")[:limit])


def active_overrides(today: date) -> QuerySet[BandOverride]:
    """Overrides that count on `today`: not lifted and not yet expired."""
    return BandOverride.objects.filter(lifted_at__isnull=True, expires_on__gte=today)


def active_override(account: Account) -> BandOverride | None:
    return (
        active_overrides(timezone.localdate())
        .filter(account=account)
        .select_related("created_by")
        .first()
    )


def active_override_band(today: date) -> Subquery:
    """For an account queryset's annotate(): the band of its override on `today`, or None."""
    latest = active_overrides(today).filter(account=OuterRef("pk")).order_by("-created_at")
    return Subquery(latest.values("band")[:1])


def get_run(pk: int) -> RescoreRun:
    """A rescoring run (runs are the whole portfolio's: each page scopes what it lists); 404
    otherwise."""
    try:
        return RescoreRun.objects.select_related("risk_model", "requested_by").get(pk=pk)
    except RescoreRun.DoesNotExist:
        raise Http404("No such run") from None


def visible_expected_churns(user: User) -> QuerySet[ExpectedChurn]:
    return ExpectedChurn.objects.filter(account__in=visible_accounts(user))


def get_expected_churn_for_user(user: User, pk: int) -> ExpectedChurn:
    """An expected-churn proposal on an account the user may see; 404 otherwise."""
    try:
        return (
            visible_expected_churns(user)
            .select_related("account", "decided_by", "lift_requested_by")
            .get(pk=pk)
        )
    except ExpectedChurn.DoesNotExist:
        raise Http404("No such expected churn") from None


def get_band_override_for_user(user: User, pk: int, *, account: Account) -> BandOverride:
    """An override of `account` (already looked up for the user) that the user may see; 404
    otherwise."""
    try:
        return BandOverride.objects.filter(account=account, account__in=visible_accounts(user)).get(
            pk=pk
        )
    except BandOverride.DoesNotExist:
        raise Http404("No such override") from None


def open_expected_churn(account: Account) -> ExpectedChurn | None:
    return (
        account.expected_churns.filter(status__in=OPEN_EXPECTED_CHURN)
        .select_related("decided_by", "lift_requested_by")
        .first()
    )


# The decision queues (expected churn here, approvals in playbooks) share their filters and sorts.
# Each sort keeps a fixed direction, the one a manager wants first: largest MRR, worst band,
# oldest row, A to Z; the primary key breaks ties so pages never overlap.
QUEUE_SORTS = ("mrr", "band", "age", "name")


@dataclass(frozen=True, slots=True)
class QueueFilters:
    team: int | None = None
    owner: int | None = None
    band: str = ""
    sort: str = "mrr"


def band_rank(field: str = "account__risk_band") -> Case:
    """For order_by(): the band's severity (critical highest), not its alphabetical order."""
    whens = [When(**{field: band}, then=Value(rank)) for band, rank in BAND_ORDER.items()]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def filter_queue(rows: QuerySet[Any], filters: QueueFilters, *, age_field: str) -> QuerySet[Any]:
    """A queue's rows (each with an `account`) narrowed and ordered by `filters`."""
    if filters.team is not None:
        rows = rows.filter(account__team_id=filters.team)
    if filters.owner is not None:
        rows = rows.filter(account__owner_id=filters.owner)
    if filters.band:
        rows = rows.filter(account__risk_band=filters.band)
    orders: dict[str, list[Any]] = {
        "mrr": [F("account__mrr").desc(), "pk"],
        "band": [band_rank().desc(), F("account__mrr").desc(), "pk"],
        "age": [age_field, "pk"],
        "name": ["account__name", "pk"],
    }
    return rows.order_by(*orders.get(filters.sort, orders["mrr"]))


def expected_churn_queue(
    user: User, filters: QueueFilters, *, status: str = ExpectedChurnStatus.PROPOSED
) -> QuerySet[ExpectedChurn]:
    """The expected-churn rows the queue lists, with what each row shows."""
    rows = visible_expected_churns(user).filter(status=status)
    rows = rows.select_related("account", "account__owner", "decided_by", "lift_requested_by")
    return filter_queue(rows, filters, age_field="raised_at")


def confirmed_expected_churn_totals(user: User) -> dict[str, Any]:
    """How many accounts are confirmed as expected churn, and their MRR, in one query."""
    confirmed = visible_expected_churns(user).filter(status=ExpectedChurnStatus.CONFIRMED)
    return confirmed.aggregate(count=Count("pk"), mrr=Sum("account__mrr"))
