"""Model governance: before a draft is published, it is backtested beside the active version on
the very same cases, and the accounts whose band would change are listed. Publishing a draft
that predicts worse (a lower AUC on those cases) needs a reason, kept with the publication."""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import TypedDict

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Account, Status
from risk.models import ModelPublication, RescoreRun, RiskModel, Score
from risk.risk_models.services import publish_model
from risk.services.as_of import assess_as_of
from risk.services.backtest import DEFAULT_HORIZON_DAYS, Backtest, backtest_cases, run_backtest
from teams.models import User

# Accounts listed by name on the comparison; the counts per move cover them all.
LISTED_BAND_CHANGES = 50
# A comparison takes seconds on a large history: kept while nothing it depends on changes.
CACHE_SECONDS = 15 * 60


class ReasonRequired(Exception):
    """The draft predicts worse than the active version: publishing it needs a reason."""


@dataclass(frozen=True)
class BandChange:
    account_id: int
    name: str
    old_band: str
    new_band: str


@dataclass(frozen=True)
class Comparison:
    draft: Backtest
    active: Backtest | None
    band_moves: list[tuple[str, str, int]]  # (from, to, accounts), most frequent first
    band_changes: list[BandChange]  # the first LISTED_BAND_CHANGES, biggest MRR first
    changed_accounts: int

    @property
    def predicts_worse(self) -> bool:
        if self.active is None:
            return False
        draft_auc, active_auc = self.draft.figures.auc, self.active.figures.auc
        return draft_auc is not None and active_auc is not None and draft_auc < active_auc


def compare_with_active(
    *, draft: RiskModel, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> Comparison:
    """The draft and the active version backtested on the same cases, and today's band moves."""
    key = _cache_key(draft, horizon_days)
    found: Comparison | None = cache.get(key)
    if found is not None:
        return found
    active = RiskModel.objects.filter(status="published").first()
    cases = backtest_cases(horizon_days=horizon_days)
    comparison = Comparison(
        draft=run_backtest(model=draft, cases=cases, horizon_days=horizon_days),
        active=run_backtest(model=active, cases=cases, horizon_days=horizon_days)
        if active
        else None,
        **_band_changes(draft),
    )
    cache.set(key, comparison, CACHE_SECONDS)
    return comparison


def _cache_key(draft: RiskModel, horizon_days: int) -> str:
    active = RiskModel.objects.filter(status="published").values_list("pk", flat=True).first()
    config = hashlib.sha256(json.dumps(draft.config, sort_keys=True).encode()).hexdigest()[:16]
    latest_score = Score.objects.aggregate(m=Max("id"))["m"]
    latest_run = RescoreRun.objects.aggregate(m=Max("id"))["m"]
    return f"risk:compare:{draft.pk}:{config}:{active}:{horizon_days}:{latest_score}:{latest_run}"


class _BandChanges(TypedDict):
    band_moves: list[tuple[str, str, int]]
    band_changes: list[BandChange]
    changed_accounts: int


def _band_changes(draft: RiskModel) -> _BandChanges:
    today = timezone.localdate()
    current = {
        pk: (name, band, mrr)
        for pk, name, band, mrr in Account.objects.filter(status=Status.ACTIVE)
        .exclude(risk_band="")
        .values_list("pk", "name", "risk_band", "mrr")
    }
    changes = []
    for pk, assessment in assess_as_of(as_of=today, account_ids=list(current), model=draft):
        name, band, mrr = current[pk]
        if assessment.band != band:
            changes.append((mrr, BandChange(pk, name, band, assessment.band)))
    changes.sort(key=lambda item: (-item[0], item[1].account_id))
    moves = Counter((c.old_band, c.new_band) for _, c in changes)
    return {
        "band_moves": [(old, new, n) for (old, new), n in moves.most_common()],
        "band_changes": [c for _, c in changes[:LISTED_BAND_CHANGES]],
        "changed_accounts": len(changes),
    }


def publish_reviewed(
    *, model: RiskModel, user: User | None, reason: str = "", comparison: Comparison
) -> RescoreRun:
    """Publish a draft after its review; refuses a draft that predicts worse without a reason."""
    reason = reason.strip()
    if comparison.predicts_worse and not reason:
        raise ReasonRequired
    with transaction.atomic():
        replaced = RiskModel.objects.filter(status="published").first()
        run = publish_model(model=model, user=user)
        ModelPublication.objects.create(
            risk_model=model,
            replaced=replaced,
            published_by=user,
            published_at=model.published_at or timezone.now(),
            cases=comparison.draft.figures.n,
            auc=comparison.draft.figures.auc,
            replaced_auc=comparison.active.figures.auc if comparison.active else None,
            predicts_worse=comparison.predicts_worse,
            reason=reason,
        )
    return run
