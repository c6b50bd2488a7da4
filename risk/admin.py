from django.contrib import admin

from risk.models import BandOverride, RescoreRun, RiskModel, Score


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
