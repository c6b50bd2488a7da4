from django.contrib import admin

from risk.models import (
    BandOverride,
    ExpectedChurn,
    ExpectedChurnRule,
    RescoreChunk,
    RescoreRun,
    RiskModel,
    Score,
)


@admin.register(RiskModel)
class RiskModelAdmin(admin.ModelAdmin):
    list_display = ["version", "status", "created_at", "published_at"]
    list_filter = ["status"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["account", "score", "band", "risk_model", "computed_at"]
    list_filter = ["band", "risk_model"]
    raw_id_fields = ["account", "run"]


@admin.register(BandOverride)
class BandOverrideAdmin(admin.ModelAdmin):
    list_display = ["account", "band", "expires_on", "created_by", "lifted_at"]
    raw_id_fields = ["account"]


@admin.register(RescoreRun)
class RescoreRunAdmin(admin.ModelAdmin):
    list_display = ["id", "trigger", "status", "accounts_total", "accounts_done", "started_at"]
    list_filter = ["status", "trigger"]


@admin.register(RescoreChunk)
class RescoreChunkAdmin(admin.ModelAdmin):
    list_display = ["run", "index", "status", "accounts_done", "accounts_changed", "attempts"]
    list_filter = ["status"]


@admin.register(ExpectedChurn)
class ExpectedChurnAdmin(admin.ModelAdmin):
    list_display = ["account", "status", "band_at_raise", "raised_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["account", "run", "decided_by", "lift_requested_by"]


@admin.register(ExpectedChurnRule)
class ExpectedChurnRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "phases", "bands_in_phases", "bands_renewing_this_quarter"]
