"""Celery tasks of webhooks: thin, by id; the state of each delivery lives in its row."""

from typing import Any

from celery import shared_task

from webhooks import services


@shared_task(bind=True, acks_late=True, soft_time_limit=30, time_limit=45)
def deliver_webhook_task(self: Any, delivery_id: int) -> None:
    delay = services.deliver(delivery_id=delivery_id)
    # Run eagerly (the embedded mode), a retry would follow at once, inside the caller's request:
    # leave it to the sweep there. With a broker, the retry waits out its backoff in the queue.
    if delay is not None and not self.request.is_eager:
        deliver_webhook_task.apply_async((delivery_id,), countdown=delay)


@shared_task(soft_time_limit=50, time_limit=60)
def deliver_due_webhooks_task() -> None:
    services.deliver_due()
