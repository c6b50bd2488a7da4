"""Webhooks delivered by a real Celery worker on Redis: a 500 is retried after its backoff by the
worker itself, and a delivery whose task message arrives twice reaches the receiver once."""

import pytest

from tests.celery_worker import real_celery, wait_until
from tests.webhooks.receiver import start_receiver
from webhooks.models import Delivery, DeliveryStatus, Event
from webhooks.services import create_endpoint, queue_event
from webhooks.tasks import deliver_webhook_task

pytestmark = [
    pytest.mark.celery_worker,
    # serialized_rollback restores the default risk model that a data migration created.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker_env(monkeypatch):
    # The worker is another process: it reads these from its environment.
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "1")  # the receiver is on 127.0.0.1
    monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "1")


def _delivered(delivery: Delivery) -> bool:
    delivery.refresh_from_db()
    return delivery.status == DeliveryStatus.SUCCEEDED


def test_the_worker_retries_a_500_after_its_backoff_then_delivers(receiver, worker_env, admin_user):
    receiver.statuses = [500, 503]
    create_endpoint(
        url=receiver.url, events=[Event.BAND_CHANGED], description="CRM", user=admin_user
    )
    with real_celery():
        queue_event(event=Event.BAND_CHANGED, payloads=[{"new_band": "high"}])
        delivery = Delivery.objects.get()
        assert wait_until(lambda: _delivered(delivery), timeout=60)
    assert delivery.attempts == 3
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.message_id] * 3


def test_a_task_message_sent_twice_delivers_once(receiver, worker_env, admin_user):
    create_endpoint(
        url=receiver.url, events=[Event.BAND_CHANGED], description="CRM", user=admin_user
    )
    with real_celery(concurrency=2):
        queue_event(event=Event.BAND_CHANGED, payloads=[{"new_band": "high"}])
        delivery = Delivery.objects.get()
        deliver_webhook_task.delay(delivery.pk)  # a duplicated message, racing the first
        deliver_webhook_task.delay(delivery.pk)
        assert wait_until(lambda: _delivered(delivery), timeout=60)
        # Give the duplicates time to run; they must find the delivery already taken.
        wait_until(lambda: False, timeout=3)
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1
