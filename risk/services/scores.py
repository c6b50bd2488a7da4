"""Writing scores: bulk reads, the pure engine, bulk writes.

A chunk of accounts is scored in one transaction: the current score on each account is
overwritten with a set-based UPDATE, and a history row is added only where the score or the band
changed. Re-running a chunk is harmless: the second pass finds nothing changed. A run's chunk
commits with its "done" mark (risk.services.runs), and the (run, account) unique constraint is the
last guard: a duplicate history row would fail the chunk loudly, never be written twice.
"""

import gc
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring as _json_string  # ensure_ascii=False

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Status
from churnguard.db import copy_from_stdin
from churnguard.portfolio import portfolio_changed
from risk import engine
from risk.attention import attention
from risk.fact_loader import AccountRow, account_rows, load_facts
from risk.models import RescoreRun, RiskModel, Score
from risk.queries import model_config, published_model
from risk.signals import bands_changed

logger = logging.getLogger(__name__)


_COPY_HISTORY = (
    "COPY risk_score (account_id, risk_model_id, score, band, previous_band, contributions_json,"
    " computed_at, as_of, backdated, run_id) FROM STDIN"
)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    done: int
    changed: int
    failed: int


def contributions_json(assessment: engine.Assessment) -> str:
    """The compact history form, [[factor, points, code, params], ...] (with the raw points and
    the weight appended when the factor is weighted); a factor without data (0 points) is left
    out. Written by hand with json's own string escaper: the same text json.dumps gives (tested)
    for a fraction of its cost, which counts a million times a night. Contributions are shared
    between accounts, so each one's JSON is remembered (see `_fragment`)."""
    return (
        f"[{','.join([_fragment(c) for c in assessment.contributions if c.has_data or c.points])}]"
    )


# JSON of contributions and of their parts by identity. Each entry holds its object, so an id is
# never reused while its entry lives; emptied when full, like the engine's memos.
_FRAGMENTS: dict[int, tuple[object, str]] = {}
_FRAGMENTS_LIMIT = 200_000


def _fragment(c: engine.Contribution) -> str:
    found = _FRAGMENTS.get(id(c))
    if found is not None:
        return found[1]
    tail = "" if c.weight == 1.0 else f",{c.raw_points},{c.weight!r}"
    params = _object_json(c.params)
    text = f"[{_json_string(c.factor)},{c.points},{_json_string(c.code)},{params}{tail}]"
    if len(_FRAGMENTS) >= _FRAGMENTS_LIMIT:
        _FRAGMENTS.clear()
    _FRAGMENTS[id(c)] = (c, text)
    return text


def _object_json(params: Mapping[str, object]) -> str:
    return (
        "{" + ",".join([f"{_json_string(k)}:{_param_json(k, v)}" for k, v in params.items()]) + "}"
    )


def _param_json(name: str, value: object) -> str:
    if name == "parts":  # pieces come from the engine's parts cache: remembered like factors
        return "[" + ",".join([_part_json(part) for part in value]) + "]"  # type: ignore[attr-defined]
    return _value_json(value)


def _part_json(part: engine.Part) -> str:
    found = _FRAGMENTS.get(id(part))
    if found is not None:
        return found[1]
    code, params, points = part
    text = f"[{_json_string(code)},{_object_json(params)},{points}]"
    if len(_FRAGMENTS) >= _FRAGMENTS_LIMIT:
        _FRAGMENTS.clear()
    _FRAGMENTS[id(part)] = (part, text)
    return text


def _value_json(value: object) -> str:
    """Reason parameters: text, whole numbers, Decimals and dates (as exact text), parts."""
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f'"{value}"'
    if isinstance(value, date):
        return f'"{value.isoformat()}"'
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "[" + ",".join([_value_json(item) for item in value]) + "]"
    if isinstance(value, Mapping):
        return _object_json(value)
    raise TypeError(f"{type(value).__name__} is not a reason parameter")


def score_accounts(
    *,
    accounts: "Q | Sequence[int]",
    risk_model: RiskModel | None = None,
    as_of: date | None = None,
    run: RescoreRun | None = None,
    figures_if_bands_move: bool = False,
) -> ChunkResult:
    """Score the active accounts selected by `accounts` (ids, or a Q filter) and store the result.

    Idempotent per run: see the module docstring. Accounts whose facts make the engine fail are
    counted in `failed` and logged; the rest of the chunk is still written.

    `figures_if_bands_move`: the analytics figures are retired only if a band moved (a score
    alone is no figure); for a rescore after a fact whose writer retires them itself when the
    fact is one they read.
    """
    risk_model = risk_model or published_model()
    as_of = as_of or timezone.localdate()
    config = model_config(risk_model)
    selection = accounts if isinstance(accounts, Q) else Q(pk__in=list(accounts))
    with _cyclic_gc_paused():
        rows = account_rows(
            Account.objects.filter(
                selection, status=Status.ACTIVE, archived_at__isnull=True
            ).order_by("pk")
        )
        facts = load_facts(rows, as_of=as_of, model=config)
        results: list[tuple[AccountRow, engine.Assessment]] = []
        failed = 0
        for row in rows:
            try:
                results.append((row, engine.assess(facts[row.id], config, as_of=as_of)))
            except Exception:  # one bad account must not sink the whole chunk
                failed += 1
                logger.exception("Could not score account %s", row.id)
        now = timezone.now()
        with transaction.atomic():
            _write_current(results, risk_model=risk_model, scored_at=now, as_of=as_of)
            moved = any(row.risk_band != a.band for row, a in results)
            portfolio_changed(figures=moved or not figures_if_bands_move)
            changed = _write_history(
                results, risk_model=risk_model, computed_at=now, as_of=as_of, run=run
            )
            _announce_band_changes(results, as_of=as_of)
    return ChunkResult(done=len(results), changed=changed, failed=failed)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Scoring a chunk allocates a few hundred thousand small objects, none of them in a cycle:
    reference counting frees them all, yet each allocation burst woke the cyclic collector to walk
    the whole heap, about a fifth of the chunk's CPU. It runs again once the chunk is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _announce_band_changes(
    results: list[tuple[AccountRow, engine.Assessment]], *, as_of: date
) -> None:
    changes = [
        {
            "account_id": row.id,
            "old_band": row.risk_band,
            "new_band": a.band,
            "score": a.score,
            "as_of": as_of.isoformat(),
        }
        for row, a in results
        if row.risk_band and row.risk_band != a.band
    ]
    if changes:
        transaction.on_commit(lambda: bands_changed.send_robust(sender=Account, changes=changes))


def rescore_account(*, account: Account, as_of: date | None = None) -> None:
    """Score one account now (after its facts changed); refresh the instance's score fields.
    The analytics figures are retired only if its band moved: the fact's writer retires them
    for a fact they read (`accounts.services`)."""
    score_accounts(accounts=[account.pk], as_of=as_of, figures_if_bands_move=True)
    fresh = Account.objects.filter(pk=account.pk).values(
        "risk_score", "risk_band", "scored_at", "risk_model_id", "attention"
    )[0]
    for name, value in fresh.items():
        setattr(account, name, value)


def _write_current(
    results: list[tuple[AccountRow, engine.Assessment]],
    *,
    risk_model: RiskModel,
    scored_at: datetime,
    as_of: date,
) -> None:
    if not results:
        return
    ids, scores, bands, weights = [], [], [], []
    for row, assessment in results:
        ids.append(row.id)
        scores.append(assessment.score)
        bands.append(assessment.band)
        weights.append(
            attention(
                score=assessment.score,
                mrr=row.mrr,
                renewal_on=row.renewal_date,
                is_active=True,
                as_of=as_of,
            )
        )
    if connection.vendor == "postgresql":
        # COPY the new values into a session temp table, then one set-based UPDATE FROM it:
        # the closest a Python pipeline gets to the database's own limit (docs/performance.md).
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS new_scores "
                "(id bigint, score smallint, band text, attention float8) ON COMMIT DELETE ROWS"
            )
            # Emptied here too: two chunks scored in one transaction must not see each other.
            cursor.execute("TRUNCATE new_scores")
            with copy_from_stdin("COPY new_scores FROM STDIN") as copy:
                for values in zip(ids, scores, bands, weights, strict=True):
                    copy.write_row(values)
            cursor.execute(
                """
                UPDATE accounts_account AS a
                SET risk_score = v.score, risk_band = v.band, attention = v.attention,
                    scored_at = %s, risk_model_id = %s
                FROM new_scores AS v
                WHERE a.id = v.id AND a.id BETWEEN %s AND %s
                """,
                # The id range lets the planner reach the chunk's rows through the primary key;
                # the temp table has no statistics, and a hash join would scan every account.
                [scored_at, risk_model.pk, min(ids), max(ids)],
            )
        return
    objs = [
        Account(
            pk=pk,
            risk_score=s,
            risk_band=b,
            attention=w,
            scored_at=scored_at,
            risk_model_id=risk_model.pk,
        )
        for pk, s, b, w in zip(ids, scores, bands, weights, strict=True)
    ]
    Account.objects.bulk_update(
        objs, ["risk_score", "risk_band", "attention", "scored_at", "risk_model"], batch_size=500
    )


def _write_history(
    results: list[tuple[AccountRow, engine.Assessment]],
    *,
    risk_model: RiskModel,
    computed_at: datetime,
    as_of: date,
    run: RescoreRun | None,
) -> int:
    changed = [
        (row.id, row.risk_band, a)
        for row, a in results
        if row.risk_score != a.score or row.risk_band != a.band
    ]
    if not changed:
        return 0
    if connection.vendor == "postgresql":
        # COPY straight into the table: a third cheaper than through a temp table. The values
        # shared by every row are dumped once (a datetime per row cost as much as the rest).
        model_id, at, run_id = risk_model.pk, computed_at.isoformat(), run.pk if run else None
        day = as_of.isoformat()
        with copy_from_stdin(_COPY_HISTORY) as copy:
            write_row = copy.write_row
            for pk, previous, a in changed:
                explanation = contributions_json(a)
                band = previous or ""
                write_row(
                    (pk, model_id, a.score, a.band, band, explanation, at, day, False, run_id)
                )
    else:
        Score.objects.bulk_create(
            [
                Score(
                    account_id=pk,
                    risk_model=risk_model,
                    score=a.score,
                    band=a.band,
                    previous_band=previous or "",
                    contributions_json=contributions_json(a),
                    computed_at=computed_at,
                    as_of=as_of,
                    run=run,
                )
                for pk, previous, a in changed
            ],
            batch_size=500,
        )
    return len(changed)
