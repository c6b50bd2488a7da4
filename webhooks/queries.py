from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webhooks.models import Delivery, Endpoint


def endpoints() -> QuerySet[Endpoint]:
    return Endpoint.objects.all()


def get_endpoint(pk: int) -> Endpoint:
    """Endpoints are the admins' (the views check the role): one lookup, 404 when unknown."""
    return get_object_or_404(Endpoint, pk=pk)


def delivery_log(endpoint: Endpoint) -> QuerySet[Delivery]:
    return endpoint.deliveries.only(
        "message_id",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "endpoint_id",
    )
