"""Backtests over the score history: cases, labels, figures, another model re-scoring."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from risk.models import Score
from risk.queries import published_model
from risk.risk_models.services import create_draft, update_draft
from risk.services.as_of import score_as_of
from risk.services.backtest import backtest_cases, run_backtest
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - timedelta(days=400)


def _account(**fields):
    defaults = {"contract_start": LONG_AGO - timedelta(days=400), "renewal_date": TODAY}
    return AccountFactory(**{**defaults, **fields})


def _portfolio():
    """Four accounts scored a year ago: the two that renew soon churn within 90 days."""
    near = [_account(renewal_date=LONG_AGO + timedelta(days=20)) for _ in range(2)]
    far = [_account(renewal_date=LONG_AGO + timedelta(days=300)) for _ in range(2)]
    for account in near:
        account.status, account.churned_on = "churned", LONG_AGO + timedelta(days=30)
        account.save(update_fields=["status", "churned_on"])
    score_as_of(as_of=LONG_AGO)
    return near, far


def test_a_case_is_labelled_by_churn_within_the_horizon():
    near, far = _portfolio()
    cases = {c.account_id: c.churned for c in backtest_cases(horizon_days=90)}
    assert cases == {near[0].pk: True, near[1].pk: True, far[0].pk: False, far[1].pk: False}
    # With a horizon shorter than the time to churn, nobody churned "within" it.
    assert not any(c.churned for c in backtest_cases(horizon_days=20))


def test_a_score_whose_window_has_not_passed_is_no_case_yet():
    _account()
    score_as_of(as_of=TODAY - timedelta(days=30))
    assert backtest_cases(horizon_days=90) == []
    assert len(backtest_cases(horizon_days=20)) == 1


def test_figures_of_a_model_that_ranks_every_churned_case_first():
    _portfolio()
    result = run_backtest(horizon_days=90)
    assert (result.figures.n, result.figures.accounts, result.figures.churned) == (4, 4, 2)
    assert result.figures.auc == 1.0
    assert result.figures.base_churn_rate == 0.5
    assert result.model_version == published_model().version


def test_another_version_rescores_each_case_as_of_its_date_without_storing(admin_user):
    near, _ = _portfolio()
    draft = create_draft(source=published_model(), user=admin_user)
    # A draft that sees renewals the other way round: the soonest renewal scores lowest.
    update_draft(model=draft, config={**draft.config, "renewal_thresholds": []})
    stored = Score.objects.count()
    result = run_backtest(model=draft, horizon_days=90)
    assert Score.objects.count() == stored
    assert result.model_version == draft.version
    by_account = {c.account_id: c.score for c in result.cases}
    active = {c.account_id: c.score for c in run_backtest(horizon_days=90).cases}
    assert by_account[near[0].pk] < active[near[0].pk]


def test_backtest_command_prints_the_figures_as_json():
    _portfolio()
    out = StringIO()
    call_command("backtest", "--json", "--horizon-days", "90", stdout=out)
    data = json.loads(out.getvalue())
    assert {"auc", "auc_ci", "top_decile_lift", "base_churn_rate", "n", "accounts"} <= set(data)
    assert {"bands", "model_version", "brier"} <= set(data)
    assert data["n"] == 4
    assert {row["band"] for row in data["bands"]} == {"low", "medium", "high", "critical"}
    assert all({"cases", "churned", "rate", "interval"} <= set(row) for row in data["bands"])


def test_backtest_command_limits_the_dates_and_refuses_bad_input():
    _portfolio()
    out = StringIO()
    after = (LONG_AGO + timedelta(days=1)).isoformat()
    call_command("backtest", "--from", after, stdout=out)
    assert "0 cases" in out.getvalue()
    with pytest.raises(CommandError, match="between 1 and"):
        call_command("backtest", "--horizon-days", "0")
    with pytest.raises(CommandError, match="No risk model version"):
        call_command("backtest", "--model", "999")
    with pytest.raises(CommandError, match="after --to"):
        call_command("backtest", "--from", "2025-02-01", "--to", "2025-01-01")


def test_a_score_dated_after_the_churn_is_no_case():
    account = _account(status="churned", churned_on=date(2025, 1, 1))
    Score.objects.create(
        account=account,
        risk_model=published_model(),
        score=50,
        band="medium",
        contributions_json="[]",
        computed_at=timezone.now(),
        as_of=date(2025, 1, 1),
    )
    assert backtest_cases(horizon_days=90) == []
