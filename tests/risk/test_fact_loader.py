"""The facts loader reads category signals for category factors and the usage-intensity signal."""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account, SignalReading
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
