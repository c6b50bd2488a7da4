"""Suggestions on the demo's history: a draft learned from the first year beats the default model
on the second, and is never published on its own."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from risk.models import ModelStatus, RiskModel
from risk.queries import published_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_history():
    call_command(
        "seed_demo",
        "--i-know-this-is-not-production",
        "--accounts",
        "400",
        "--seed",
        "11",
        stdout=StringIO(),
    )


def test_a_suggestion_learned_on_the_first_year_beats_the_default_on_the_second(demo_history):
    active = published_model()
    train_before = timezone.localdate() - timedelta(days=364)
    out = StringIO()
    call_command("suggest_model", "--train-before", train_before.isoformat(), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"train_cases", "test_cases", "test_auc", "test_top_decile_lift"} <= set(data)
    assert {"active_test_auc", "draft_version"} <= set(data)
    assert data["train_cases"] > 0 and data["test_cases"] > 0
    assert data["test_auc"] > data["active_test_auc"]
    draft = RiskModel.objects.get(version=data["draft_version"])
    assert draft.status == ModelStatus.DRAFT
    assert published_model() == active


def test_a_suggestion_needs_enough_history():
    with pytest.raises(CommandError, match="at least 200 needed"):
        call_command("suggest_model", "--train-before", timezone.localdate().isoformat())
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(CommandError, match="past date"):
        call_command("suggest_model", "--train-before", tomorrow.isoformat())


def test_an_admin_starts_a_suggestion_and_finds_it_as_a_draft_to_review(
    demo_history, admin_user, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.conftest import client_for

    client = client_for(admin_user)
    train_before = timezone.localdate() - timedelta(days=364)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("risk:model-suggest"), {"train_before": train_before.isoformat()}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # the learning task is sent once the request's work commits
    draft = RiskModel.objects.get(status=ModelStatus.DRAFT)
    report = draft.learning_report
    assert report["train_before"] == train_before.isoformat()
    assert report["test_auc"] > report["active_test_auc"]
    page = client.get(reverse("risk:model-list")).content.decode()
    assert reverse("risk:model-review", args=[draft.pk]) in page


def test_signals_recorded_as_categories_are_learned_as_categories(account):
    from decimal import Decimal

    from accounts.models import SignalReading
    from risk.services.suggestions import category_signal_names, numeric_signal_names

    today = timezone.localdate()
    SignalReading.objects.create(account=account, name="plan", category="starter", as_of=today)
    SignalReading.objects.create(account=account, name="csat", value=Decimal(4), as_of=today)
    # A signal recorded both ways is read as a number, never twice.
    SignalReading.objects.create(account=account, name="tier", category="gold", as_of=today)
    yesterday = today - timedelta(days=1)
    SignalReading.objects.create(account=account, name="tier", value=Decimal(2), as_of=yesterday)
    assert category_signal_names() == ["plan"]
    assert numeric_signal_names() == ["csat", "tier"]
