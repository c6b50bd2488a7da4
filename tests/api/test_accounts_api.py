"""Accounts through the API: scoped to the token user's teams, validated like the web form."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, FactChange
from risk.models import Score
from tests.api.conftest import api_client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _new_account(**overrides):
    today = timezone.localdate()
    body = {
        "external_id": "CRM-42",
        "name": "Hotel Lumière",
        "industry": "hospitality",
        "country": "fr",
        "segment": "smb",
        "mrr": "1200.50",
        "contract_start": (today - timedelta(days=200)).isoformat(),
        "renewal_date": (today + timedelta(days=40)).isoformat(),
        "phase": "defense",
    }
    return {**body, **overrides}


def test_a_csm_token_sees_only_its_team(csm, account, other_team):
    theirs = AccountFactory(team=other_team, external_id="THEIRS-1")
    api = api_client_for(csm)
    listed = api.get("/accounts").json()
    assert [item["external_id"] for item in listed["items"]] == [account.external_id]
    assert listed["count"] == 1
    assert api.get(f"/accounts/{theirs.external_id}").status_code == 404
    assert api.patch(f"/accounts/{theirs.external_id}", {"name": "x"}).status_code == 404


def test_an_admin_token_sees_every_team(admin_user, account, other_team):
    AccountFactory(team=other_team)
    assert api_client_for(admin_user).get("/accounts").json()["count"] == 2


def test_the_list_filters_and_pages_like_the_triage_list(csm, team):
    for n in range(5):
        AccountFactory(team=team, owner=csm, phase="defense" if n < 3 else "growth")
    api = api_client_for(csm)
    page = api.get("/accounts", phase="defense", limit=2).json()
    assert page["count"] == 3
    assert len(page["items"]) == 2
    assert page["next_offset"] == 2
    last = api.get("/accounts", phase="defense", limit=2, offset=2).json()
    assert len(last["items"]) == 1
    assert last["next_offset"] is None


def test_the_list_costs_the_same_queries_for_one_account_or_many(csm, team):
    AccountFactory(team=team, owner=csm)
    api = api_client_for(csm)
    api.get("/accounts")  # warm the token's last-used write out of the count

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/accounts").status_code == 200
        return len(queries)

    few = count_queries()
    for _ in range(10):
        AccountFactory(team=team, owner=csm)
    assert count_queries() == few


def test_an_account_reads_with_score_band_and_explanation(csm, account):
    api = api_client_for(csm)
    api.patch(f"/accounts/{account.external_id}", {"phase": "defense"})
    body = api.get(f"/accounts/{account.external_id}").json()
    assert body["risk_band"] in {"low", "medium", "high", "critical"}
    assert isinstance(body["risk_score"], int)
    factors = {c["factor"] for c in body["explanation"]}
    assert {"industry", "phase"} <= factors
    assert all(c["reason"] for c in body["explanation"])


def test_an_account_is_created_validated_and_scored(csm):
    response = api_client_for(csm).post("/accounts", _new_account())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["country"] == "FR"
    assert body["team"] == csm.team.name
    assert body["risk_score"] is not None
    assert Account.objects.get(external_id="CRM-42").mrr == body_mrr(body)


def body_mrr(body):
    from decimal import Decimal

    return Decimal(body["mrr"])


def test_validation_errors_name_the_field(csm):
    api = api_client_for(csm)
    start = timezone.localdate().isoformat()
    response = api.post(
        "/accounts", _new_account(country="ZZ", contract_start=start, renewal_date=start)
    )
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(fields) == {"country", "renewal_date"}
    assert "after the contract start" in fields["renewal_date"]
    assert Account.objects.count() == 0

    schema_error = api.post("/accounts", _new_account(mrr="-5"))
    assert schema_error.status_code == 422
    assert [e["field"] for e in schema_error.json()["errors"]] == ["mrr"]


def test_a_duplicate_external_id_is_refused_on_that_field(csm, account):
    response = api_client_for(csm).post("/accounts", _new_account(external_id=account.external_id))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "external_id"


def test_a_csm_cannot_create_an_account_in_another_team(csm, other_team):
    response = api_client_for(csm).post("/accounts", _new_account(team=other_team.name))
    assert response.status_code == 403
    assert not Account.objects.exists()


def test_an_update_is_audited_and_rescored_like_the_web_form(csm, account):
    api = api_client_for(csm)
    before = Score.objects.filter(account=account).count()
    response = api.patch(f"/accounts/{account.external_id}", {"phase": "defense", "country": "de"})
    assert response.status_code == 200, response.json()
    account.refresh_from_db()
    assert (account.phase, account.country) == ("defense", "DE")
    changed = set(FactChange.objects.filter(account=account).values_list("field", flat=True))
    assert changed == {"phase", "country"}
    assert Score.objects.filter(account=account).count() > before
    assert response.json()["risk_score"] == account.risk_score


def test_an_update_with_an_unknown_owner_names_the_field(csm, account, outsider):
    response = api_client_for(csm).patch(
        f"/accounts/{account.external_id}", {"owner": outsider.username}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner"


def test_an_update_that_breaks_a_rule_changes_nothing(csm, account):
    response = api_client_for(csm).patch(
        f"/accounts/{account.external_id}",
        {"name": "Renamed", "renewal_date": account.contract_start.isoformat()},
    )
    assert response.status_code == 422
    account.refresh_from_db()
    assert account.name == "Nordwind Voyages"
