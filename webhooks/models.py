"""Webhook endpoints an admin registers, and the log of every delivery made to them.

Endpoints are never deleted: an admin switches one off, and its delivery log stays readable.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    BAND_CHANGED = "account.band_changed", _("An account's risk band changed")
    EXPECTED_CHURN_CONFIRMED = "expected_churn.confirmed", _("Expected churn confirmed")
    EXPECTED_CHURN_DISMISSED = "expected_churn.dismissed", _("Expected churn dismissed")
    PROPOSAL_DECIDED = "proposal.decided", _("A lever proposal was approved or rejected")


class Endpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    # The Standard Webhooks secret ("whsec_" + base64): the receiver verifies signatures with it.
    secret = models.CharField(_("signing secret"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    # Paused by the system after too many failed attempts in a row; an admin resumes it.
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def receives(self) -> bool:
        return self.is_active and not self.is_paused

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels.get(event, event)) for event in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERING = "delivering", _("Delivering")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, related_name="deliveries")
    # The Standard Webhooks message id: the same on every attempt, so a receiver can dedupe.
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    event = models.CharField(_("event"), max_length=40, choices=Event)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index("endpoint", F("created_at").desc(), name="delivery_log_idx"),
            # The retry sweep reads only the deliveries still waiting.
            models.Index(
                "next_attempt_at",
                name="delivery_due_idx",
                condition=models.Q(status="pending"),
            ),
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
