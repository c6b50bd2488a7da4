"""Signals of any name through the API, one or a batch, all or nothing, idempotent by key."""

import pytest
from django.utils import timezone

from accounts.models import SignalReading
from tests.api.conftest import api_client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _batch(account, key="batch-2026-11-29"):
    return {
        "idempotency_key": key,
        "readings": [
            {"account": account.external_id, "name": "seats_used", "value": 42},
            {"account": account.external_id, "name": "plan", "category": "Enterprise"},
            {"account": account.external_id, "name": "payment_incidents", "value": "2"},
        ],
    }


def test_the_same_batch_key_twice_stores_one_set_of_readings(csm, account):
    api = api_client_for(csm)
    first = api.post("/signals", _batch(account))
    assert first.status_code == 200, first.json()
    assert first.json() == {"stored": 3, "accounts_rescored": 1, "replayed": False}
    # A reading changed between the two sends must not be overwritten by the replay.
    SignalReading.objects.filter(name="seats_used").update(value=7)
    second = api.post("/signals", _batch(account))
    assert second.json() == {"stored": 3, "accounts_rescored": 1, "replayed": True}
    assert SignalReading.objects.count() == 3
    assert SignalReading.objects.get(name="seats_used").value == 7


def test_a_key_reused_with_another_body_is_refused(csm, account):
    api = api_client_for(csm)
    api.post("/signals", _batch(account))
    other = _batch(account)
    other["readings"][0]["value"] = 43
    response = api.post("/signals", other)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "idempotency_key"


def test_keys_belong_to_their_token(csm, account):
    api_client_for(csm).post("/signals", _batch(account))
    again = api_client_for(csm).post("/signals", _batch(account))
    assert again.json()["replayed"] is False


def test_a_numeric_and_a_category_reading_are_stored_as_such(csm, account):
    api_client_for(csm).post("/signals", _batch(account))
    plan = SignalReading.objects.get(name="plan")
    assert (plan.value, plan.category) == (None, "Enterprise")
    assert SignalReading.objects.get(name="seats_used").value == 42
    assert plan.as_of == timezone.localdate()


def test_one_bad_reading_rejects_the_batch_and_names_it(csm, account, other_team):
    theirs = AccountFactory(team=other_team)
    body = _batch(account)
    body["readings"].append({"account": theirs.external_id, "name": "csat", "value": 4})
    body["readings"].append({"account": account.external_id, "name": "csat"})
    body["readings"].append({"account": account.external_id, "name": "bad name!", "value": 1})
    response = api_client_for(csm).post("/signals", body)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["readings.5.name"]  # the schema speaks first
    del body["readings"][5]
    response = api_client_for(csm).post("/signals", body)
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["readings.3.account", "readings.4.value"]
    assert not SignalReading.objects.exists()


def test_a_batch_of_more_than_1000_is_refused(csm, account):
    readings = [{"account": account.external_id, "name": f"s{n}", "value": n} for n in range(1001)]
    response = api_client_for(csm).post("/signals", {"readings": readings})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "readings"


def test_a_batch_of_1000_is_stored_and_each_account_rescored_once(csm, team):
    accounts = [AccountFactory(team=team, owner=csm) for _ in range(4)]
    readings = [
        {"account": accounts[n % 4].external_id, "name": f"kpi_{n // 4}", "value": n}
        for n in range(1000)
    ]
    response = api_client_for(csm).post("/signals", {"readings": readings})
    assert response.json() == {"stored": 1000, "accounts_rescored": 4, "replayed": False}
    assert SignalReading.objects.count() == 1000


def test_one_reading_for_one_account(csm, account):
    response = api_client_for(csm).post(
        f"/accounts/{account.external_id}/signals", {"name": "csat", "value": "3.5"}
    )
    assert response.status_code == 200, response.json()
    assert str(SignalReading.objects.get(account=account, name="csat").value) == "3.5000"


def test_a_reading_in_the_future_is_refused(csm, account):
    response = api_client_for(csm).post(
        f"/accounts/{account.external_id}/signals",
        {"name": "csat", "value": 3, "as_of": "2999-01-01"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"


def test_malformed_json_is_a_400_that_says_so(csm, account):
    api = api_client_for(csm)
    response = api.client.post(
        "/api/v1/signals", "{oops", content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"
