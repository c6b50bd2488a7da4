"""Personal API tokens: shown once, stored hashed, revocable, expiring, acting as their user."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.tokens import authenticate_token, create_token, hash_token
from tests.api.conftest import ApiClient
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash(csm):
    issued = create_token(user=csm, name="CRM sync")
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.plaintext.startswith(f"cg_{row.prefix}_")
    assert row.secret_hash == hash_token(issued.plaintext)
    assert issued.plaintext not in {row.secret_hash, row.prefix, row.name}


def test_a_token_with_a_wrong_secret_is_refused(csm):
    issued = create_token(user=csm, name="CRM sync")
    forged = issued.plaintext[:-4] + "abcd"
    assert authenticate_token(forged) is None
    assert authenticate_token(issued.plaintext) == issued.token


def test_a_revoked_token_gets_401(csm, account):
    issued = create_token(user=csm, name="CRM sync")
    api = ApiClient(issued.plaintext)
    assert api.get("/accounts").status_code == 200
    client_for(csm).post(f"/settings/api-tokens/{issued.token.pk}/revoke/")
    response = api.get("/accounts")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_an_expired_token_gets_401(csm, account):
    issued = create_token(user=csm, name="old", expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiClient(issued.plaintext).get("/accounts").status_code == 401


def test_no_token_and_a_session_alone_get_401(csm_client):
    # The API is not reachable with the browser's session cookie: no CSRF exposure.
    assert csm_client.get("/api/v1/accounts").status_code == 401
    assert Client().get("/api/v1/accounts").status_code == 401


def test_a_deactivated_users_token_stops_working(csm):
    issued = create_token(user=csm, name="CRM sync")
    csm.is_active = False
    csm.save(update_fields=["is_active"])
    assert ApiClient(issued.plaintext).get("/accounts").status_code == 401


def test_use_is_recorded_as_last_used(csm, account):
    issued = create_token(user=csm, name="CRM sync")
    ApiClient(issued.plaintext).get("/accounts")
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_the_token_page_shows_a_new_token_once(csm_client):
    response = csm_client.post(
        "/settings/api-tokens/", {"name": "CRM sync", "expires_on": ""}, follow=True
    )
    plaintext = response.context["issued"]["plaintext"]
    assert plaintext in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert authenticate_token(plaintext).name == "CRM sync"
    again = csm_client.get("/settings/api-tokens/")
    assert plaintext not in again.content.decode()
    assert "CRM sync" in again.content.decode()


def test_the_token_form_refuses_a_past_expiry(csm_client):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = csm_client.post("/settings/api-tokens/", {"name": "x", "expires_on": yesterday})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_a_user_cannot_revoke_someone_elses_token(csm, outsider):
    issued = create_token(user=csm, name="CRM sync")
    response = client_for(outsider).post(f"/settings/api-tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_the_rate_limit_answers_429_with_retry_after(csm, account, settings):
    settings.API_RATE_LIMIT_REQUESTS = 2
    settings.API_RATE_LIMIT_WINDOW_SECONDS = 60
    api = ApiClient(create_token(user=csm, name="busy").plaintext)
    assert [api.get("/accounts").status_code for _ in range(2)] == [200, 200]
    response = api.get("/accounts")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    # The limit is per token: another token of the same user is not slowed down.
    other = ApiClient(create_token(user=csm, name="other").plaintext)
    assert other.get("/accounts").status_code == 200
