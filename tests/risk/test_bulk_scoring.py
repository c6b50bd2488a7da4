"""The bulk path of scoring: facts read in bulk, the compact history form, the paused collector."""

import gc
import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account, SignalReading
from risk import engine
from risk.engine.assessment import new_assessment, new_contribution
from risk.fact_loader import account_rows, load_facts
from risk.models import RescoreRun, RunTrigger, Score
from risk.queries import model_config, published_model
from risk.services import scores
from risk.services.scores import contributions_json, score_accounts
from tests.factories import (
    AccountFactory,
    OutcomeKpiFactory,
    StakeholderFactory,
    UsageSnapshotFactory,
)

pytestmark = pytest.mark.django_db


def test_bulk_facts_equal_the_facts_spelled_out_field_by_field(account):
    """load_facts builds AccountFacts positionally: every value must land in its own field."""
    today = timezone.localdate()
    Account.objects.filter(pk=account.pk).update(
        break_clause_date=today + timedelta(days=40),
        planned_go_live=today - timedelta(days=20),
        signing_discount_pct=Decimal("12.50"),
        funding_stage="series_a",
        cash_runway_months=Decimal("7.5"),
        monthly_burn=Decimal("81000.00"),
        late_payments=2,
        segment="smb",
    )
    account.refresh_from_db()
    StakeholderFactory(account=account, left_on=today - timedelta(days=9))
    old = UsageSnapshotFactory(account=account, on=today - timedelta(days=95), active_users=9)
    new = UsageSnapshotFactory(account=account, on=today - timedelta(days=2), active_users=4)
    kpi = OutcomeKpiFactory(account=account, as_of=today - timedelta(days=3))
    SignalReading.objects.create(
        account=account, name="csat", value=Decimal("6.5"), as_of=today - timedelta(days=1)
    )
    config = model_config(published_model())

    built = load_facts(
        account_rows(Account.objects.filter(pk=account.pk)), as_of=today, model=config
    )

    expected = engine.AccountFacts(
        industry=account.industry,
        country=account.country,
        segment="smb",
        mrr=account.mrr,
        phase=account.phase,
        phase_entered_on=account.phase_entered_on,
        planned_go_live_on=today - timedelta(days=20),
        break_clause_on=today + timedelta(days=40),
        renewal_on=account.renewal_date,
        signing_discount_pct=Decimal("12.50"),
        funding_stage="series_a",
        cash_runway_months=Decimal("7.5"),
        monthly_burn=Decimal("81000.00"),
        late_payments=2,
        cash_facts_as_of=account.cash_facts_as_of,
        key_stakeholder_left_on=today - timedelta(days=9),
        stakeholders_known=True,
        usage=tuple(
            engine.UsagePoint(point.on, point.active_users, point.licensed_seats)
            for point in (old, new)
        ),
        kpis=(engine.KpiReading(kpi.name, kpi.target, kpi.actual, True, kpi.as_of),),
        signals={"csat": engine.SignalReading(Decimal("6.5"), today - timedelta(days=1))},
    )
    facts = built[account.pk]
    # Usage may come in any order (the engine sorts it); signals come as a read-only mapping.
    in_order = replace(facts, usage=tuple(sorted(facts.usage, key=lambda p: p.on)))
    assert replace(in_order, signals=dict(facts.signals)) == expected


def test_compact_history_is_the_json_of_factor_points_code_and_params():
    tricky = 'Quote " backslash \\ tab \t newline \n accents é — 20 %'
    left_on = date(2026, 8, 1)
    assessment = new_assessment(
        71,
        "high",
        (
            new_contribution("industry", 16, "industry.scored", {"industry": "hospitality"}, True),
            new_contribution("signal:csat", -3, "signal.value", {"label": tricky}, True),
            new_contribution("usage_trend", 0, "usage.none", None, False),  # left out
            new_contribution("stakeholder", 8, "stakeholder.left", {"date": left_on}, True, 5, 1.5),
            new_contribution("cash_stability", 3, "cash.stage", {"value": Decimal("2.50")}, True),
        ),
    )
    written = contributions_json(assessment)
    assert written == json.dumps(
        [
            ["industry", 16, "industry.scored", {"industry": "hospitality"}],
            ["signal:csat", -3, "signal.value", {"label": tricky}],
            ["stakeholder", 8, "stakeholder.left", {"date": "2026-08-01"}, 5, 1.5],
            ["cash_stability", 3, "cash.stage", {"value": "2.50"}],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert json.loads(written)[1][3]["label"] == tricky


def test_history_rows_read_back_with_their_codes_and_reasons(account):
    score_accounts(accounts=[account.pk])
    row = Score.objects.get(account=account)
    assert row.score == Account.objects.get(pk=account.pk).risk_score
    assert all(c.code and isinstance(c.params, dict) and c.reason for c in row.contributions)


def test_the_collector_is_paused_while_scoring_and_running_again_after(account, monkeypatch):
    seen = []
    real_load_facts = scores.load_facts

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_load_facts(*args, **kwargs)

    monkeypatch.setattr(scores, "load_facts", spy)
    score_accounts(accounts=[account.pk])
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_runs_again_when_scoring_fails(account, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(scores, "load_facts", broken)
    with pytest.raises(RuntimeError):
        score_accounts(accounts=[account.pk])
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_keeps_it_paused(account):
    gc.disable()
    try:
        score_accounts(accounts=[account.pk])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_second_history_row_for_the_same_run_is_refused_not_written(csm, team):
    """Chunks commit with their done mark, so a rerun never writes; if one ever did, the unique
    constraint fails it loudly instead of adding a second row."""
    account = AccountFactory(owner=csm, team=team)
    run = RescoreRun.objects.create(
        trigger=RunTrigger.MANUAL,
        risk_model=published_model(),
        as_of=timezone.localdate(),
        started_at=timezone.now(),
    )
    score_accounts(accounts=[account.pk], run=run)
    Account.objects.filter(pk=account.pk).update(risk_score=None, risk_band="")
    with pytest.raises(IntegrityError), transaction.atomic():
        score_accounts(accounts=[account.pk], run=run)
    assert Score.objects.filter(run=run, account=account).count() == 1
