from django.contrib import admin

from alerts.models import Alert, DigestSent
from churnguard.admin_history import KeepsHistoryAdmin


@admin.register(Alert)
class AlertAdmin(KeepsHistoryAdmin):
    list_display = ["account", "cause", "status", "opened_at", "closed_at", "was_useful"]
    list_filter = ["cause", "status", "was_useful"]
    raw_id_fields = ["account", "snoozed_by", "feedback_by"]


@admin.register(DigestSent)
class DigestSentAdmin(KeepsHistoryAdmin):
    list_display = ["run", "user", "sent_at", "accounts"]
