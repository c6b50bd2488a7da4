"""Outcomes and MRR through the API go through the MRR ledger, idempotently."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import MrrMovement
from tests.api.conftest import api_client_for

pytestmark = pytest.mark.django_db


def test_a_churn_is_recorded_once_through_the_ledger(csm, account):
    api = api_client_for(csm)
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    body = {"account": account.external_id, "kind": "churn", "on": day, "reason": "budget"}
    first = api.post("/outcomes", body)
    assert first.status_code == 200, first.json()
    assert first.json()["recorded"] is True
    assert first.json()["account"]["status"] == "churned"
    assert first.json()["account"]["churned_on"] == day
    again = api.post("/outcomes", body)
    assert again.json()["recorded"] is False
    assert MrrMovement.objects.filter(account=account, kind="churn").count() == 1


def test_a_renewal_at_a_new_price_moves_the_mrr_and_the_renewal_date(csm, account):
    api = api_client_for(csm)
    old_renewal = account.renewal_date
    body = {
        "account": account.external_id,
        "kind": "renewal",
        "on": timezone.localdate().isoformat(),
        "new_mrr": "2500.00",
    }
    response = api.post("/outcomes", body)
    assert response.status_code == 200, response.json()
    account.refresh_from_db()
    assert account.mrr == Decimal("2500.00")
    assert account.renewal_date > old_renewal
    assert MrrMovement.objects.filter(account=account, kind="expansion").count() == 1
    assert api.post("/outcomes", body).json()["recorded"] is False


def test_a_churned_account_cannot_renew(csm, account):
    api = api_client_for(csm)
    today = timezone.localdate().isoformat()
    api.post("/outcomes", {"account": account.external_id, "kind": "churn", "on": today})
    response = api.post(
        "/outcomes", {"account": account.external_id, "kind": "renewal", "on": today}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


def test_an_outcome_in_the_future_or_with_an_unknown_reason_names_the_field(csm, account):
    api = api_client_for(csm)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = api.post(
        "/outcomes", {"account": account.external_id, "kind": "churn", "on": future}
    )
    assert [e["field"] for e in response.json()["errors"]] == ["on"]
    response = api.post(
        "/outcomes",
        {"account": account.external_id, "kind": "churn", "on": "2026-01-01", "reason": "moon"},
    )
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]


def test_an_outcome_for_another_teams_account_is_404(csm, other_team):
    from tests.factories import AccountFactory

    theirs = AccountFactory(team=other_team)
    response = api_client_for(csm).post(
        "/outcomes", {"account": theirs.external_id, "kind": "churn", "on": "2026-01-01"}
    )
    assert response.status_code == 404


def test_an_mrr_change_by_patch_is_a_ledger_movement(csm, account):
    response = api_client_for(csm).patch(f"/accounts/{account.external_id}", {"mrr": "1500"})
    assert response.status_code == 200, response.json()
    assert response.json()["mrr"] == "1500.00"
    assert MrrMovement.objects.filter(account=account, kind="contraction").count() == 1


def test_a_new_account_opens_its_ledger(csm):
    today = timezone.localdate()
    body = {
        "external_id": "CRM-7",
        "name": "Nova",
        "industry": "software",
        "country": "FR",
        "segment": "smb",
        "mrr": "900",
        "contract_start": (today - timedelta(days=30)).isoformat(),
        "renewal_date": (today + timedelta(days=335)).isoformat(),
        "phase": "deployment",
    }
    assert api_client_for(csm).post("/accounts", body).status_code == 201
    [movement] = MrrMovement.objects.filter(account__external_id="CRM-7")
    assert (movement.kind, movement.amount) == ("new", Decimal("900.00"))
