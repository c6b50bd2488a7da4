"""Scores as of a past date: the facts known then, into the history only."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Account, AccountSnapshot, SignalReading
from accounts.services import record_snapshot
from risk.models import Score
from risk.queries import published_model, score_history
from risk.risk_models.services import create_draft, update_draft
from risk.services.as_of import score_as_of
from risk.services.scores import rescore_account
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

PAST = date(2025, 3, 31)


def _customer_since_2024(**fields) -> Account:
    defaults = {
        "contract_start": date(2024, 1, 1),
        "renewal_date": date(2025, 12, 31),
        "cash_facts_as_of": date(2025, 3, 1),
    }
    return cast(Account, AccountFactory(**{**defaults, **fields}))


def test_a_score_as_of_a_past_date_lands_in_the_history_only():
    account = _customer_since_2024()
    rescore_account(account=account)
    current = Account.objects.values("risk_score", "scored_at").get(pk=account.pk)

    assert score_as_of(as_of=PAST) == 1

    stored = Score.objects.get(account=account, backdated=True)
    assert stored.as_of == PAST
    assert stored.risk_model == published_model()
    assert Account.objects.values("risk_score", "scored_at").get(pk=account.pk) == current
    # The account's own history shows the scores it held, not backtest cases.
    assert stored not in score_history(account)


def test_scoring_the_same_date_with_the_same_version_again_writes_nothing():
    _customer_since_2024()
    _customer_since_2024()
    assert score_as_of(as_of=PAST) == 2
    assert score_as_of(as_of=PAST) == 0
    assert Score.objects.filter(backdated=True).count() == 2


def test_another_model_version_gets_its_own_row_for_the_same_date(admin_user):
    account = _customer_since_2024()
    draft = create_draft(source=published_model(), user=admin_user)
    update_draft(model=draft, config={**draft.config, "base_score": 60})
    score_as_of(as_of=PAST)
    score_as_of(as_of=PAST, model=draft)
    scores = dict(
        Score.objects.filter(account=account, backdated=True).values_list("risk_model", "score")
    )
    assert scores[draft.pk] > scores[published_model().pk]


def test_only_accounts_that_were_customers_on_the_date_are_scored():
    kept = _customer_since_2024()
    churned_later = _customer_since_2024(status="churned", churned_on=date(2025, 6, 1))
    _customer_since_2024(status="churned", churned_on=date(2025, 1, 1))
    AccountFactory(contract_start=date(2025, 5, 1))
    score_as_of(as_of=PAST)
    scored = set(Score.objects.filter(backdated=True).values_list("account_id", flat=True))
    assert scored == {kept.pk, churned_later.pk}


def test_the_latest_snapshot_at_or_before_the_date_supplies_the_facts():
    account = _customer_since_2024(renewal_date=date(2026, 12, 31))
    # Far from renewal on the row; ten days from it in the snapshot of the time.
    record_snapshot(account=account, as_of=date(2025, 1, 1), facts={"renewal_date": "2025-04-10"})
    record_snapshot(account=account, as_of=date(2025, 6, 1), facts={"renewal_date": "2026-06-01"})
    score_as_of(as_of=PAST, account_ids=[account.pk])
    reasons = [c.reason for c in Score.objects.get(account=account).contributions]
    assert any("in 10 days" in reason for reason in reasons)


def test_readings_dated_after_the_date_are_not_known_yet(admin_user):
    account = _customer_since_2024()
    draft = create_draft(source=published_model(), user=admin_user)
    factor = {
        "signal": "open_tickets",
        "label": "Open tickets",
        "higher_is_riskier": True,
        "thresholds": [{"value": "5", "points": 30}],
    }
    update_draft(model=draft, config={**draft.config, "custom_factors": [factor]})
    SignalReading.objects.create(account=account, name="open_tickets", value=9, as_of=PAST)
    SignalReading.objects.create(
        account=account, name="open_tickets", value=1, as_of=PAST + timedelta(days=1)
    )
    score_as_of(as_of=PAST, model=draft)
    contributions = Score.objects.get(account=account).contributions
    tickets = next(c for c in contributions if c.factor == "signal:open_tickets")
    assert tickets.points == 30


def test_recording_the_same_snapshot_twice_changes_nothing():
    account = _customer_since_2024()
    facts = {"mrr": "1200.50", "segment": "smb", "phase_entered_on": date(2024, 2, 1)}
    assert record_snapshot(account=account, as_of=PAST, facts=facts) is True
    assert record_snapshot(account=account, as_of=PAST, facts=facts) is False
    assert record_snapshot(account=account, as_of=PAST, facts={**facts, "mrr": "99"}) is True
    snapshot = AccountSnapshot.objects.get(account=account)
    assert snapshot.facts == {"mrr": "99.00", "segment": "smb", "phase_entered_on": "2024-02-01"}


def test_a_snapshot_with_unknown_or_invalid_facts_is_refused_whole():
    account = _customer_since_2024()
    with pytest.raises(ValidationError) as refused:
        record_snapshot(
            account=account,
            as_of=PAST,
            # A segment is free text now; a phase still has its four values.
            facts={"phase": "galactic", "owner": 3, "mrr": Decimal("10")},
        )
    assert set(refused.value.message_dict) == {"phase", "owner"}
    assert not AccountSnapshot.objects.exists()


def test_nightly_scores_record_the_date_they_were_computed_as_of():
    account = _customer_since_2024()
    rescore_account(account=account)
    stored = Score.objects.get(account=account)
    assert (stored.as_of, stored.backdated) == (timezone.localdate(), False)


def test_rescore_command_scores_as_of_a_date_without_touching_todays_scores():
    account = _customer_since_2024()
    out = StringIO()
    call_command("rescore", "--as-of", PAST.isoformat(), stdout=out)
    assert "1 history rows written" in out.getvalue()
    account.refresh_from_db()
    assert account.risk_score is None
    assert Score.objects.get().as_of == PAST


def test_rescore_command_refuses_a_future_date_and_an_unknown_version():
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(CommandError, match="past date"):
        call_command("rescore", "--as-of", tomorrow.isoformat())
    with pytest.raises(CommandError, match="No risk model version 999"):
        call_command("rescore", "--as-of", PAST.isoformat(), "--model", "999")
