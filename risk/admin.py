from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from churnguard.admin_history import KeepsHistoryAdmin
from risk.models import (
    BandOverride,
    ExpectedChurn,
    ExpectedChurnRule,
    RescoreChunk,
    RescoreRun,
    RiskModel,
    Score,
    SuggestionRequest,
)


@admin.register(RiskModel)
class RiskModelAdmin(KeepsHistoryAdmin):
    """Only a draft is edited; a published or retired version is what scores were computed with."""

    list_display = ["version", "status", "created_at", "published_at"]
    list_filter = ["status"]
    deletion_refusal = _(
        "Risk model versions are never deleted: every score names the version it was computed "
        "with. Retire a version by publishing another."
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_draft:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Score)
class ScoreAdmin(KeepsHistoryAdmin):
    list_display = ["account", "score", "band", "risk_model", "computed_at"]
    list_filter = ["band", "risk_model"]
    raw_id_fields = ["account", "run"]


@admin.register(BandOverride)
class BandOverrideAdmin(KeepsHistoryAdmin):
    list_display = ["account", "band", "expires_on", "created_by", "lifted_at"]
    raw_id_fields = ["account"]


@admin.register(RescoreRun)
class RescoreRunAdmin(KeepsHistoryAdmin):
    list_display = ["id", "trigger", "status", "accounts_total", "accounts_done", "started_at"]
    list_filter = ["status", "trigger"]


@admin.register(RescoreChunk)
class RescoreChunkAdmin(KeepsHistoryAdmin):
    list_display = ["run", "index", "status", "accounts_done", "accounts_changed", "attempts"]
    list_filter = ["status"]


@admin.register(ExpectedChurn)
class ExpectedChurnAdmin(KeepsHistoryAdmin):
    list_display = ["account", "status", "band_at_raise", "raised_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["account", "run", "decided_by", "lift_requested_by"]


@admin.register(ExpectedChurnRule)
class ExpectedChurnRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "phases", "bands_in_phases", "bands_renewing_this_quarter"]


@admin.register(SuggestionRequest)
class SuggestionRequestAdmin(KeepsHistoryAdmin):
    """Read-only: requests are written by the model list page and the learning task."""

    list_display = ["id", "train_before", "status", "requested_by", "requested_at", "draft"]
    list_filter = ["status"]
    readonly_fields = [
        "requested_by",
        "requested_at",
        "train_before",
        "horizon_days",
        "status",
        "started_at",
        "finished_at",
        "draft",
        "failure_code",
        "failure_params",
        "failure_text",
    ]
    deletion_refusal = _(
        "Suggestion requests are never deleted: they are the record of who asked for which "
        "learned model, and how it went."
    )

    @admin.display(description=_("why it failed"))
    def failure_text(self, obj: SuggestionRequest) -> str:
        return obj.failure_text

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
