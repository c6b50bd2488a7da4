"""Scores as of a past date: the facts known then, into the score history only.

An account is scored as of a date when it was a customer then (its contract had started and it
had not yet churned). Its facts are the latest snapshot at or before the date, field by field
over the account row for the facts a snapshot leaves out; usage, KPIs, signals and stakeholder
departures are dated rows, read up to the date. The result is a history row marked `backdated`,
one per (account, date, model version): scoring the same date with the same version again
writes nothing. The account's current score is never touched.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import batched
from typing import Any, cast

from django.db.models import Field, Q, QuerySet
from django.utils import timezone

from accounts.bulk import bulk_insert
from accounts.models import Account, AccountSnapshot
from risk import engine
from risk.fact_loader import AccountRow, account_rows, load_facts
from risk.models import RiskModel, Score
from risk.queries import model_config, published_model
from risk.services.scores import _cyclic_gc_paused, contributions_json

_HISTORY_FIELDS = (
    "account_id",
    "risk_model_id",
    "score",
    "band",
    "previous_band",
    "contributions_json",
    "computed_at",
    "as_of",
    "backdated",
)

# Accounts per read-score-write round: a few seconds of work and a bounded memory footprint.
CHUNK_SIZE = 2000

# Snapshot facts named as AccountRow names them (the same model field names).
_ROW_FIELDS = frozenset(AccountRow._fields)


def customers_on(as_of: date) -> QuerySet[Account]:
    """The accounts that were customers on that date."""
    return Account.objects.filter(contract_start__lte=as_of).filter(
        Q(churned_on__isnull=True) | Q(churned_on__gt=as_of)
    )


def assess_as_of(
    *, as_of: date, account_ids: Sequence[int], model: RiskModel
) -> Iterator[tuple[int, engine.Assessment]]:
    """(account id, assessment) of each listed account that was a customer then, in id order,
    computed without storing anything (a draft's backtest uses this directly)."""
    config = model_config(model)
    for chunk in batched(sorted(account_ids), CHUNK_SIZE):
        with _cyclic_gc_paused():
            facts = facts_as_of(as_of=as_of, account_ids=chunk, config=config)
            for pk, known in facts.items():
                yield pk, engine.assess(known, config, as_of=as_of)


def facts_as_of(
    *, as_of: date, account_ids: Sequence[int], config: engine.ModelConfig
) -> dict[int, engine.AccountFacts]:
    """The facts known on `as_of` of the listed accounts that were customers then, in id order
    (signals: those the config's custom factors read)."""
    rows = _rows_as_of(customers_on(as_of).filter(pk__in=list(account_ids)).order_by("pk"), as_of)
    return load_facts(rows, as_of=as_of, model=config)


def score_as_of(
    *, as_of: date, account_ids: Iterable[int] | None = None, model: RiskModel | None = None
) -> int:
    """Score accounts as of `as_of` into the history. Returns the history rows written
    (0 when every account already had a score of that date from that model version)."""
    risk_model = model or published_model()
    accounts = customers_on(as_of)
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    ids = list(accounts.order_by("pk").values_list("pk", flat=True))
    written = 0
    for chunk in batched(ids, CHUNK_SIZE):
        done = set(
            Score.objects.filter(
                account_id__in=chunk, as_of=as_of, risk_model=risk_model, backdated=True
            ).values_list("account_id", flat=True)
        )
        todo = [pk for pk in chunk if pk not in done]
        if not todo:
            continue
        now = timezone.now()
        history = [
            (
                pk,
                risk_model.pk,
                assessment.score,
                assessment.band,
                "",
                contributions_json(assessment),
                now,
                as_of,
                True,
            )
            for pk, assessment in assess_as_of(as_of=as_of, account_ids=todo, model=risk_model)
        ]
        # Rows already there were skipped above; a concurrent run of the same date and version
        # meets the unique constraint and fails its chunk rather than write a row twice.
        bulk_insert(Score, _HISTORY_FIELDS, history)
        written += len(history)
    return written


def _rows_as_of(accounts: QuerySet[Account], as_of: date) -> list[AccountRow]:
    rows = account_rows(accounts)
    if not rows:
        return rows
    snapshots = _latest_snapshots([row.id for row in rows], as_of)
    if not snapshots:
        return rows
    return [_with_snapshot(row, snapshots[row.id]) if row.id in snapshots else row for row in rows]


def _latest_snapshots(ids: list[int], as_of: date) -> dict[int, dict[str, Any]]:
    latest: dict[int, dict[str, Any]] = {}
    readings = (
        AccountSnapshot.objects.filter(account_id__in=ids, as_of__lte=as_of)
        .order_by("account_id", "-as_of")
        .values_list("account_id", "facts")
    )
    for pk, facts in readings:
        latest.setdefault(pk, facts)
    return latest


def _with_snapshot(row: AccountRow, facts: dict[str, Any]) -> AccountRow:
    changes: dict[str, Any] = {}
    for name, value in facts.items():
        if name in _ROW_FIELDS:
            # The row's fields are the account's own columns, never a relation's reverse side.
            field = cast("Field[Any, Any]", Account._meta.get_field(name))
            changes[name] = None if value is None else field.to_python(value)
    return row._replace(**changes)
