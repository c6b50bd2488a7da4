"""The facts loader reads category signals for category factors and the usage-intensity signal."""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account, AccountSnapshot, MrrMovement, SignalReading
from risk import engine
from risk.fact_loader import account_rows, load_facts
from risk.queries import model_config, published_model

pytestmark = pytest.mark.django_db

PLAN = engine.CustomFactor("plan", "Plan", True, (), (("starter", 9), ("team", 4)))


def test_category_and_intensity_readings_are_loaded_as_of_the_date(account):
    today = timezone.localdate()

    def reading(name: str, days_ago: int, **values: object) -> None:
        SignalReading.objects.create(
            account=account, name=name, as_of=today - timedelta(days=days_ago), **values
        )

    reading("plan", 40, category="starter")
    reading("plan", 10, category="team")
    reading("plan", 5, value=Decimal(3))  # a number says nothing to a category factor
    reading("usage_intensity", 20, value=Decimal("1.5"))
    reading("nps", 2, value=Decimal(40))  # no factor reads it
    published = model_config(published_model())
    config = dataclasses.replace(published, custom_factors=(PLAN,))
    rows = account_rows(Account.objects.filter(pk=account.pk))

    signals = load_facts(rows, as_of=today, model=config)[account.pk].signals
    assert dict(signals) == {
        "plan": engine.SignalReading(None, today - timedelta(days=10), "team"),
        "usage_intensity": engine.SignalReading(Decimal("1.5"), today - timedelta(days=20)),
    }
    # As of 30 days ago only the starter plan was known, and no intensity yet.
    then = today - timedelta(days=30)
    signals = load_facts(rows, as_of=then, model=config)[account.pk].signals
    assert dict(signals) == {
        "plan": engine.SignalReading(None, today - timedelta(days=40), "starter")
    }

    facts = load_facts(rows, as_of=today, model=config)[account.pk]
    contributions = {c.factor: c for c in engine.assess(facts, config, as_of=today).contributions}
    assert contributions["signal:plan"].points == 4
    assert contributions["usage_trend"].has_data


def test_signal_names_match_without_regard_to_case_dash_or_underscore(account):
    """An import names the column "Usage intensity" `usage-intensity`, "Open tickets"
    `open-tickets`: the model's `usage_intensity` and `open_tickets` read them."""
    today = timezone.localdate()
    SignalReading.objects.create(
        account=account, name="usage-intensity", as_of=today - timedelta(days=3), value=1
    )
    SignalReading.objects.create(
        account=account, name="Open-Tickets", as_of=today - timedelta(days=9), value=Decimal(25)
    )
    # Two spellings of one signal: the latest reading counts, whichever spelling it has.
    SignalReading.objects.create(
        account=account, name="open_tickets", as_of=today - timedelta(days=4), value=Decimal(2)
    )
    SignalReading.objects.create(
        account=account, name="Plan", as_of=today - timedelta(days=1), category="starter"
    )
    published = model_config(published_model())
    tickets = engine.CustomFactor(
        "open_tickets", "Open tickets", True, (engine.Threshold(Decimal(10), 5),)
    )
    config = dataclasses.replace(published, custom_factors=(PLAN, tickets))
    rows = account_rows(Account.objects.filter(pk=account.pk))

    facts = load_facts(rows, as_of=today, model=config)[account.pk]

    assert dict(facts.signals) == {
        "usage_intensity": engine.SignalReading(Decimal(1), today - timedelta(days=3)),
        "open_tickets": engine.SignalReading(Decimal(2), today - timedelta(days=4)),
        "plan": engine.SignalReading(None, today - timedelta(days=1), "starter"),
    }
    contributions = {c.factor: c for c in engine.assess(facts, config, as_of=today).contributions}
    assert contributions["signal:plan"].points == 9
    assert contributions["signal:open_tickets"].points == 0  # 2 tickets, under the threshold
    assert contributions["usage_trend"].code == "usage.intensity_only"


def test_the_earlier_mrr_is_the_latest_known_on_the_window_start(account):
    """MRR 180 days back (the default window): the latest movement or snapshot on or before that
    day, whichever is later; nothing known then gives None."""
    today = timezone.localdate()
    start = today - timedelta(days=180)
    config = model_config(published_model())
    rows = account_rows(Account.objects.filter(pk=account.pk))

    def earlier() -> Decimal | None:
        return load_facts(rows, as_of=today, model=config)[account.pk].mrr_earlier

    MrrMovement.objects.filter(account=account).delete()
    assert earlier() is None

    def movement(days_before_start: int, mrr_after: int) -> None:
        MrrMovement.objects.create(
            account=account,
            on=start - timedelta(days=days_before_start),
            kind="expansion",
            amount=Decimal(100),
            currency="EUR",
            mrr_after=Decimal(mrr_after),
            source="edit",
        )

    movement(300, 1000)
    movement(40, 1500)
    movement(-10, 9000)  # inside the window: the MRR since, not the MRR then
    assert earlier() == Decimal(1500)

    AccountSnapshot.objects.create(account=account, as_of=start - timedelta(days=20), facts={})
    assert earlier() == Decimal(1500)  # a snapshot without MRR says nothing of it
    AccountSnapshot.objects.create(
        account=account, as_of=start - timedelta(days=10), facts={"mrr": "1200.00"}
    )
    assert earlier() == Decimal("1200.00")  # imported history, more recent than the ledger

    facts = load_facts(rows, as_of=today, model=config)[account.pk]
    trend = {c.factor: c for c in engine.assess(facts, config, as_of=today).contributions}
    assert trend["mrr_trend"].has_data
