"""Webhooks against a local receiver: signed per Standard Webhooks, retried with backoff,
never delivered twice, paused after repeated failures; and the admin pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from risk.services.scores import rescore_account
from tests.conftest import client_for
from tests.factories import AccountFactory
from tests.webhooks.receiver import start_receiver
from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event
from webhooks.services import create_endpoint, deliver, deliver_due, queue_event

# Transactional: deliveries leave on commit. serialized_rollback restores the default risk model
# that a data migration created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver, admin_user):
    return create_endpoint(
        url=receiver.url,
        events=[Event.BAND_CHANGED, Event.PROPOSAL_DECIDED],
        description="CRM",
        user=admin_user,
    )


def _queue_one(event=Event.BAND_CHANGED) -> Delivery:
    queue_event(event=event, payloads=[{"account": {"external_id": "A-1"}, "new_band": "high"}])
    return Delivery.objects.get()


def test_the_signature_verifies_with_the_endpoints_secret(receiver, endpoint):
    delivery = _queue_one()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    [request] = receiver.requests
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "account.band_changed"
    assert payload["data"]["new_band"] == "high"
    assert request.headers["webhook-id"] == delivery.message_id


def test_a_tampered_body_does_not_verify(receiver, endpoint):
    from standardwebhooks.webhooks import WebhookVerificationError

    _queue_one()
    [request] = receiver.requests
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(request.body.replace(b"high", b"low"), request.headers)


def test_a_500_is_retried_with_backoff_then_delivered(receiver, endpoint, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver.statuses = [500]
    delivery = _queue_one()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert deliver_due() == 0  # not due yet
    assert deliver_due(now=timezone.now() + timedelta(seconds=31)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    assert len(receiver.requests) == 2
    # Both attempts carry the same message id, so the receiver can tell it is one message.
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.message_id}


def test_a_success_is_never_delivered_twice(receiver, endpoint):
    delivery = _queue_one()
    assert deliver(delivery_id=delivery.pk) is None  # a duplicated task message
    assert deliver_due(now=timezone.now() + timedelta(days=1)) == 0
    assert len(receiver.requests) == 1


def test_backoff_doubles_and_the_delivery_gives_up_after_its_attempts(receiver, endpoint, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    receiver.statuses = [500, 503, 500]
    delivery = _queue_one()
    assert deliver(delivery_id=delivery.pk) == 20.0
    assert deliver(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert len(receiver.requests) == 3


def test_an_endpoint_that_keeps_failing_is_paused_and_admins_are_told(
    receiver, endpoint, settings, admin_user
):
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 2
    receiver.statuses = [500] * 5
    first = _queue_one()
    deliver(delivery_id=first.pk)
    endpoint.refresh_from_db()
    assert endpoint.is_paused
    assert len(mail.outbox) == 1
    assert endpoint.url in mail.outbox[0].body
    assert mail.outbox[0].to == [admin_user.email]
    # While paused nothing is sent; deliveries wait.
    assert deliver_due(now=timezone.now() + timedelta(days=1)) == 0
    assert len(receiver.requests) == 2
    client_for(admin_user).post(f"/webhooks/{endpoint.pk}/resume/")
    endpoint.refresh_from_db()
    assert not endpoint.is_paused
    assert len(receiver.requests) == 3


def test_an_unreachable_endpoint_is_a_failed_attempt_not_a_crash(endpoint):
    Endpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/closed")
    delivery = _queue_one()
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.last_status_code is None
    assert "Connect" in delivery.last_error


def test_nobody_listening_queues_nothing(endpoint):
    assert queue_event(event=Event.EXPECTED_CHURN_CONFIRMED, payloads=[{"x": 1}]) == 0


def test_a_band_change_reaches_the_endpoint(receiver, endpoint, team):
    account = AccountFactory(team=team, industry="software", phase="maturation")
    rescore_account(account=account)
    assert not receiver.requests  # a first score is not a change
    account.industry, account.phase = "travel", "defense"
    account.cash_runway_months = 2
    account.save(update_fields=["industry", "phase", "cash_runway_months"])
    rescore_account(account=account)
    [request] = receiver.requests
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["data"]["account"]["external_id"] == account.external_id
    assert payload["data"]["new_band"] == account.risk_band


def test_only_admins_reach_the_webhook_pages(csm, manager):
    assert client_for(csm).get("/webhooks/").status_code == 403
    assert client_for(manager).get("/webhooks/").status_code == 403


def test_an_admin_registers_an_endpoint_and_reads_its_log(admin_user, receiver):
    client = client_for(admin_user)
    response = client.post(
        "/webhooks/",
        {
            "url": receiver.url,
            "description": "CRM",
            "events": [Event.BAND_CHANGED],
            "is_active": "on",
        },
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert endpoint.secret.startswith("whsec_")
    _queue_one()
    page = client.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert "Delivered" in page
    assert endpoint.secret in page


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)"]
)
def test_only_http_and_https_urls_are_accepted(admin_user, url):
    response = client_for(admin_user).post(
        "/webhooks/", {"url": url, "events": [Event.BAND_CHANGED], "is_active": "on"}
    )
    assert response.status_code == 400
    assert not Endpoint.objects.exists()


def test_the_command_sends_what_is_due(receiver, endpoint, settings):
    from io import StringIO

    from django.core.management import call_command

    receiver.statuses = [500]
    delivery = _queue_one()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    out = StringIO()
    call_command("deliver_webhooks", stdout=out)
    assert out.getvalue().startswith("1 ")
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
