from django.contrib import admin

from alerts.models import Alert, DigestSent
from churnguard.admin_history import KeepsHistoryAdmin


@admin.register(Alert)
class AlertAdmin(KeepsHistoryAdmin):
    list_display = [
        "account",
        "cause",
        "severity",
        "status",
        "opened_at",
        "closed_at",
        "was_useful",
    ]
    list_filter = ["cause", "severity", "status", "closed_because", "was_useful"]
    raw_id_fields = [
        "account",
        "snoozed_by",
        "feedback_by",
        "closed_by",
        "opened_by_run",
        "closed_by_run",
    ]


@admin.register(DigestSent)
class DigestSentAdmin(KeepsHistoryAdmin):
    list_display = ["run", "user", "sent_at", "accounts"]
