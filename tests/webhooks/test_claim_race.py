"""Two workers claiming one delivery at the same moment, on PostgreSQL: one claims it.

The first worker claims inside a transaction it holds open; the second claims while the first
still holds the row, so it waits on the lock and must then see the delivery taken. SQLite has no
row locks and lets one writer at a time, which leaves nothing to race: this skips there.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from webhooks.models import Delivery, DeliveryStatus, Event
from webhooks.services import _claim, create_endpoint, queue_event

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises writers, so no race",
    ),
]


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_a_delivery_claimed_by_two_workers_at_once_is_claimed_once(admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    create_endpoint(
        url="http://127.0.0.1:9/hooks", events=[Event.BAND_CHANGED], description="", user=admin_user
    )
    queue_event(event=Event.BAND_CHANGED, payloads=[{"new_band": "high"}])
    delivery = Delivery.objects.get()
    # Eager Celery may have tried it already (nobody listens there): back to a fresh delivery.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, attempts=0)

    first_claimed = threading.Event()
    release_first = threading.Event()
    results: dict[str, bool] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = _claim(delivery.pk, timezone.now())
                first_claimed.set()
                release_first.wait(timeout=10)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_claimed.wait(timeout=10)
            results["second"] = _claim(delivery.pk, timezone.now())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    # Let the first commit only once the second is blocked on the row it holds.
    deadline = time.monotonic() + 10
    while not _someone_waits_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.02)
    release_first.set()
    for thread in threads:
        thread.join(timeout=15)

    assert results == {"first": True, "second": False}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERING, 1)
