"""Storing scores: current score on the account, history only on change, versions kept."""

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from risk.models import RescoreRun, RunStatus, Score
from risk.queries import published_model
from risk.risk_models.services import create_draft, publish_model, update_draft
from risk.services.runs import start_rescore_run
from risk.services.scores import rescore_account, score_accounts
from tests.factories import AccountFactory, StakeholderFactory, UsageSnapshotFactory

pytestmark = pytest.mark.django_db


def test_scoring_stores_score_band_time_and_model_version(account):
    rescore_account(account=account)
    account.refresh_from_db()
    assert 0 <= account.risk_score <= 100
    assert account.risk_band in {"low", "medium", "high", "critical"}
    assert account.risk_model == published_model()
    assert account.scored_at is not None
    history = Score.objects.get(account=account)
    assert (history.score, history.band) == (account.risk_score, account.risk_band)
    first = history.contributions[0]
    assert first.code and isinstance(first.params, dict)
    assert first.points == max(c.points for c in history.contributions)


def test_unchanged_score_adds_no_history_row(account):
    rescore_account(account=account)
    rescore_account(account=account)
    assert Score.objects.filter(account=account).count() == 1


def test_changed_fact_adds_a_history_row_with_the_new_reason(account):
    rescore_account(account=account)
    before = Account.objects.get(pk=account.pk).risk_score
    account.cash_runway_months = Decimal("2.0")
    account.save(update_fields=["cash_runway_months"])
    rescore_account(account=account)
    latest = Score.objects.filter(account=account).first()
    assert latest.score > before
    assert Score.objects.filter(account=account).count() == 2
    assert any("2 months" in c.reason for c in latest.contributions)


def test_saving_facts_through_the_page_rescores_at_once(csm_client, account):
    rescore_account(account=account)
    before = Account.objects.get(pk=account.pk).risk_score
    from tests.accounts.test_account_page import edit_data

    csm_client.post(
        reverse("accounts:edit", args=[account.pk]), edit_data(account, cash_runway_months="1")
    )
    assert Account.objects.get(pk=account.pk).risk_score > before


def test_churned_accounts_are_not_rescored(account):
    account.status = "churned"
    account.churned_on = timezone.localdate()
    account.save()
    assert score_accounts(accounts=[account.pk]).done == 0


def test_travel_start_up_late_in_deployment_is_critical_end_to_end(csm, team):
    today = timezone.localdate()
    risky = AccountFactory(
        team=team,
        owner=csm,
        industry="travel",
        country="ES",
        segment="smb",
        funding_stage="seed",
        cash_runway_months=Decimal("3"),
        monthly_burn=Decimal("150000"),
        late_payments=2,
        phase="deployment",
        phase_entered_on=today - timedelta(days=200),
        planned_go_live=today - timedelta(days=120),
        break_clause_date=today + timedelta(days=60),
        renewal_date=today + timedelta(days=75),
        signing_discount_pct=Decimal("25"),
    )
    rescore_account(account=risky)
    assert Account.objects.get(pk=risky.pk).risk_band == "critical"


def test_key_stakeholder_leaving_raises_the_score(csm_client, account):
    rescore_account(account=account)
    before = Account.objects.get(pk=account.pk).risk_score
    ada = StakeholderFactory(account=account, is_key=True)
    csm_client.post(reverse("accounts:stakeholder-left", args=[account.pk, ada.pk]))
    assert Account.objects.get(pk=account.pk).risk_score > before


def test_falling_usage_recorded_on_the_page_raises_the_score(csm_client, account):
    today = timezone.localdate()
    UsageSnapshotFactory(
        account=account, on=today - timedelta(days=90), active_users=9, licensed_seats=10
    )
    rescore_account(account=account)
    before = Account.objects.get(pk=account.pk).risk_score
    response = csm_client.post(
        reverse("accounts:usage-create", args=[account.pk]),
        {"on": today.isoformat(), "active_users": 2, "licensed_seats": 10},
    )
    assert response.status_code == 302
    assert Account.objects.get(pk=account.pk).risk_score > before


def test_usage_with_more_users_than_seats_is_refused(csm_client, account):
    response = csm_client.post(
        reverse("accounts:usage-create", args=[account.pk]),
        {"on": timezone.localdate().isoformat(), "active_users": 20, "licensed_seats": 10},
    )
    assert response.status_code == 400
    assert "More active users than licensed seats." in response.content.decode()
    assert not account.usage.exists()


def test_editing_a_draft_changes_no_score_and_publishing_does(
    account, admin_user, django_capture_on_commit_callbacks
):
    rescore_account(account=account)
    v1 = published_model()
    before = Account.objects.get(pk=account.pk).risk_score
    draft = create_draft(source=v1, user=admin_user)
    config = dict(draft.config)
    config["industry_points"] = {**config["industry_points"], "travel": 40}
    update_draft(model=draft, config=config)
    assert Account.objects.get(pk=account.pk).risk_score == before

    with django_capture_on_commit_callbacks(execute=True):
        run = publish_model(model=draft, user=admin_user)
    run.refresh_from_db()
    account.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert account.risk_model == draft
    assert account.risk_score > before
    old, new = Score.objects.filter(account=account).order_by("computed_at", "id")
    assert (old.risk_model, new.risk_model) == (v1, draft)


def test_a_published_model_cannot_be_edited(admin_user):
    from risk.risk_models.services import ModelStateError

    with pytest.raises(ModelStateError):
        update_draft(model=published_model(), config=published_model().config)


def test_invalid_draft_config_is_refused_and_not_saved(admin_user):
    from risk.engine import ModelConfigError

    draft = create_draft(source=published_model(), user=admin_user)
    bad = {**draft.config, "bands": {"medium": 60, "high": 50, "critical": 75}}
    with pytest.raises(ModelConfigError):
        update_draft(model=draft, config=bad)
    draft.refresh_from_db()
    assert draft.config["bands"]["medium"] == 35


def test_rescore_command_scores_every_active_account(csm, team):
    AccountFactory.create_batch(7, team=team, owner=csm)
    out = StringIO()
    call_command("rescore", stdout=out)
    assert "7/7 scored" in out.getvalue()
    assert not Account.objects.filter(status="active", risk_score__isnull=True).exists()
    assert RescoreRun.objects.get().status == RunStatus.SUCCEEDED


def test_rescore_run_is_idempotent_when_repeated(csm, team):
    AccountFactory.create_batch(5, team=team, owner=csm)
    start_rescore_run(trigger="command", synchronous=True)
    first = list(Account.objects.order_by("pk").values_list("risk_score", "risk_band"))
    start_rescore_run(trigger="command", synchronous=True)
    assert list(Account.objects.order_by("pk").values_list("risk_score", "risk_band")) == first
    assert Score.objects.count() == 5


def test_explain_score_json(account):
    out = StringIO()
    call_command("explain_score", account.external_id, "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload.keys() >= {"score", "band", "model_version", "factors"}
    assert payload["model_version"] == 1
    assert {"factor", "points", "code", "params", "reason"} <= payload["factors"][0].keys()
    industry = next(f for f in payload["factors"] if f["factor"] == "industry")
    assert industry["points"] > 0 and "Travel" in industry["reason"]


def test_explain_score_unknown_account_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No account with external id"):
        call_command("explain_score", "NOPE", "--json")
