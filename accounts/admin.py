from django.contrib import admin

from accounts.models import (
    Account,
    FactChange,
    OutcomeKpi,
    SignalReading,
    Stakeholder,
    Touchpoint,
    UsageSnapshot,
)
from churnguard.portfolio import portfolio_changed


class StakeholderInline(admin.TabularInline):
    model = Stakeholder
    extra = 0


class OutcomeKpiInline(admin.TabularInline):
    model = OutcomeKpi
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "external_id",
        "phase",
        "risk_band",
        "risk_score",
        "mrr",
        "renewal_date",
    ]
    list_filter = ["status", "phase", "risk_band", "industry", "segment", "team"]
    search_fields = ["name", "external_id"]
    raw_id_fields = ["owner"]
    readonly_fields = ["risk_score", "risk_band", "scored_at", "risk_model", "attention"]
    inlines = [StakeholderInline, OutcomeKpiInline]
    list_select_related = ["team"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        portfolio_changed()  # the triage list caches rendered rows

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        portfolio_changed()

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        super().delete_queryset(request, queryset)
        portfolio_changed()


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "level", "is_key", "left_on"]
    list_filter = ["level", "is_key"]
    search_fields = ["name", "account__name"]
    raw_id_fields = ["account"]


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ["account", "kind", "happened_at", "author"]
    list_filter = ["kind"]
    raw_id_fields = ["account", "author"]


@admin.register(UsageSnapshot)
class UsageSnapshotAdmin(admin.ModelAdmin):
    list_display = ["account", "on", "active_users", "licensed_seats"]
    raw_id_fields = ["account"]


@admin.register(OutcomeKpi)
class OutcomeKpiAdmin(admin.ModelAdmin):
    list_display = ["account", "name", "target", "actual", "as_of"]
    raw_id_fields = ["account"]


@admin.register(SignalReading)
class SignalReadingAdmin(admin.ModelAdmin):
    list_display = ["account", "name", "value", "as_of"]
    list_filter = ["name"]
    raw_id_fields = ["account"]


@admin.register(FactChange)
class FactChangeAdmin(admin.ModelAdmin):
    list_display = ["account", "field", "old_value", "new_value", "changed_by", "changed_at"]
    raw_id_fields = ["account", "changed_by"]
