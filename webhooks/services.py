"""Webhook writes: endpoints, queued events, signed deliveries with retries and backoff.

Delivery follows the Standard Webhooks specification: headers `webhook-id` (the same on every
attempt), `webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of
`id.timestamp.body` under the endpoint's secret), made with the `standardwebhooks` package.

Each attempt claims the delivery with a conditional UPDATE, so two workers handed the same
delivery (a duplicated or retried message) never both send it, and a delivered one is never sent
again. A failed attempt is retried with exponential backoff (WEBHOOK_RETRY_BASE_SECONDS x 2^n)
up to WEBHOOK_MAX_ATTEMPTS; an endpoint that fails WEBHOOK_PAUSE_AFTER_FAILURES attempts in a
row is paused and every admin is told by e-mail.
"""

import base64
import json
import logging
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from teams.models import Role, User
from webhooks.addresses import refusal
from webhooks.models import Delivery, DeliveryStatus, Endpoint

logger = logging.getLogger(__name__)

# A worker that died mid-attempt leaves its claim; past this age another attempt may take it.
STALE_CLAIM = timedelta(minutes=5)
REQUEST_TIMEOUT_SECONDS = 10


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


@transaction.atomic
def create_endpoint(*, url: str, events: list[str], description: str, user: User) -> Endpoint:
    return Endpoint.objects.create(
        url=url, events=events, description=description, secret=new_secret(), created_by=user
    )


@transaction.atomic
def update_endpoint(
    *, endpoint: Endpoint, url: str, events: list[str], description: str, is_active: bool
) -> None:
    endpoint.url, endpoint.events = url, events
    endpoint.description, endpoint.is_active = description, is_active
    endpoint.save(update_fields=["url", "events", "description", "is_active"])


@transaction.atomic
def resume_endpoint(*, endpoint: Endpoint) -> int:
    """Resume a paused endpoint and send what waited for it; returns the deliveries re-queued."""
    Endpoint.objects.filter(pk=endpoint.pk).update(paused_at=None, consecutive_failures=0)
    endpoint.paused_at, endpoint.consecutive_failures = None, 0
    waiting = list(
        Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    Delivery.objects.filter(pk__in=waiting).update(next_attempt_at=timezone.now())
    _enqueue_on_commit(waiting)
    return len(waiting)


def listeners(event: str) -> list[Endpoint]:
    """The active endpoints that receive `event` (few rows: filtered here, on any database)."""
    return [e for e in Endpoint.objects.filter(is_active=True) if event in e.events]


def queue_event(
    *, event: str, payloads: Iterable[dict[str, Any]], endpoints: list[Endpoint] | None = None
) -> int:
    """One delivery per payload for every endpoint that receives `event`, sent after commit.
    Returns the number of deliveries queued (0, with one query, when nobody listens)."""
    endpoints = listeners(event) if endpoints is None else endpoints
    if not endpoints:
        return 0
    now = timezone.now()
    deliveries = [
        Delivery(
            endpoint=endpoint,
            message_id=f"msg_{uuid.uuid4().hex}",
            event=event,
            payload={"type": event, "timestamp": now.isoformat(), "data": data},
            next_attempt_at=now,
        )
        for data in payloads
        for endpoint in endpoints
    ]
    with transaction.atomic():
        created = Delivery.objects.bulk_create(deliveries, batch_size=500)
        _enqueue_on_commit([d.pk for d in created if not d.endpoint.is_paused])
    return len(created)


def _enqueue_on_commit(ids: list[int]) -> None:
    if not ids:
        return
    from webhooks.tasks import deliver_webhook_task

    def enqueue() -> None:
        for pk in ids:
            try:
                deliver_webhook_task.delay(pk)
            except Exception:  # a broker that is down: the retry sweep sends it later
                logger.warning("Could not enqueue webhook delivery %s", pk, exc_info=True)
                return

    transaction.on_commit(enqueue)


def _claim(delivery_id: int, now: datetime) -> bool:
    # The endpoint is matched by a subquery on its own table, never by a join: an UPDATE with a
    # join becomes "id IN (SELECT ... FROM delivery JOIN endpoint)", whose status test reads the
    # old snapshot, so two workers racing on one delivery would both claim it.
    sendable = Endpoint.objects.filter(is_active=True, paused_at__isnull=True)
    return bool(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING)
            | Q(status=DeliveryStatus.DELIVERING, claimed_at__lt=now - STALE_CLAIM),
            pk=delivery_id,
            endpoint__in=sendable,
        ).update(status=DeliveryStatus.DELIVERING, claimed_at=now, attempts=F("attempts") + 1)
    )


def signed_request(delivery: Delivery, *, at: datetime) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)
    signature = Webhook(delivery.endpoint.secret).sign(delivery.message_id, at, body)
    headers = {
        "content-type": "application/json",
        "user-agent": "ChurnGuard-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }
    return body.encode(), headers


def _send(delivery: Delivery, now: datetime) -> tuple[int | None, str]:
    # Checked again at each attempt: the host may resolve elsewhere than at registration.
    url = urlsplit(delivery.endpoint.url)
    refused = refusal(
        url.hostname or "", url.port, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    )
    if refused:
        return None, f"not sent: the address is {refused}"
    body, headers = signed_request(delivery, at=now)
    try:
        response = httpx.post(
            delivery.endpoint.url,
            content=body,
            headers=headers,
            timeout=REQUEST_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:300]
    return response.status_code, ""


def deliver(*, delivery_id: int) -> float | None:
    """Make one attempt. Returns the seconds until the next attempt when one is scheduled,
    None when there is nothing more to do (delivered, given up, claimed elsewhere, paused)."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    status_code, error = _send(delivery, now)
    if status_code is not None and 200 <= status_code < 300:
        _record_success(delivery, status_code)
        return None
    return _record_failure(delivery, status_code, error or f"HTTP {status_code}")


def _record_success(delivery: Delivery, status_code: int) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SUCCEEDED,
            delivered_at=timezone.now(),
            last_status_code=status_code,
            last_error="",
            next_attempt_at=None,
        )
        Endpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)


def backoff_seconds(attempts: int) -> float:
    return float(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def _record_failure(delivery: Delivery, status_code: int | None, error: str) -> float | None:
    gives_up = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    delay = None if gives_up else backoff_seconds(delivery.attempts)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if gives_up else DeliveryStatus.PENDING,
            last_status_code=status_code,
            last_error=error[:300],
            next_attempt_at=None if delay is None else timezone.now() + timedelta(seconds=delay),
        )
        Endpoint.objects.filter(pk=delivery.endpoint_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        paused = Endpoint.objects.filter(
            pk=delivery.endpoint_id,
            paused_at__isnull=True,
            consecutive_failures__gte=settings.WEBHOOK_PAUSE_AFTER_FAILURES,
        ).update(paused_at=timezone.now())
        if paused:
            endpoint_id = delivery.endpoint_id
            transaction.on_commit(lambda: notify_admins_of_pause(endpoint_id=endpoint_id))
    return None if paused else delay


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Enqueue the deliveries whose next attempt is due (the retry sweep, run every minute by
    beat; it also catches deliveries whose message was lost with a broker). Returns the count."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
            endpoint__paused_at__isnull=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    from webhooks.tasks import deliver_webhook_task

    for pk in due:
        deliver_webhook_task.delay(pk)
    return len(due)


def notify_admins_of_pause(*, endpoint_id: int) -> None:
    endpoint = Endpoint.objects.get(pk=endpoint_id)
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    recipients = sorted({u.email for u in admins if u.email})
    if not recipients:
        return
    context = {
        "endpoint": endpoint,
        "url": getattr(settings, "SITE_URL", "").rstrip("/") + endpoint_path(endpoint),
        "failures": endpoint.consecutive_failures,
    }
    send_mail(
        subject=render_to_string("webhooks/paused_subject.txt", context).strip(),
        message=render_to_string("webhooks/paused_email.txt", context),
        from_email=None,
        recipient_list=recipients,
    )


def endpoint_path(endpoint: Endpoint) -> str:
    return reverse("webhooks:detail", args=[endpoint.pk])
