from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    Account,
    FactChange,
    OutcomeKpi,
    SignalReading,
    Stakeholder,
    Touchpoint,
    UsageSnapshot,
)
from accounts.services import archive_account
from churnguard.admin_history import KeepsHistoryAdmin, refuse_deletion
from churnguard.portfolio import figures_changed, portfolio_changed


class StakeholderInline(admin.TabularInline):
    model = Stakeholder
    extra = 0
    can_delete = False  # a stakeholder who left is marked so, not erased


class OutcomeKpiInline(admin.TabularInline):
    model = OutcomeKpi
    extra = 0
    can_delete = False


@admin.action(description=_("Archive selected accounts (hidden, history kept)"))
def archive_selected(modeladmin: admin.ModelAdmin, request, queryset) -> None:  # type: ignore[no-untyped-def]
    count = sum(archive_account(account=account, user=request.user) for account in queryset)
    modeladmin.message_user(request, _("%(count)s accounts archived.") % {"count": count})


@admin.register(Account)
class AccountAdmin(KeepsHistoryAdmin):
    deletion_refusal = _(
        "Accounts are never deleted: their scores, proposals, decisions and alerts are history. "
        "Archive the account instead: it is hidden everywhere and its history is kept."
    )
    actions = [refuse_deletion, archive_selected]
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
    readonly_fields = [
        "risk_score",
        "risk_band",
        "scored_at",
        "risk_model",
        "attention",
        "archived_at",
        "archived_by",
    ]
    inlines = [StakeholderInline, OutcomeKpiInline]
    list_select_related = ["team"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        portfolio_changed()  # the triage list caches rendered rows


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "level", "is_key", "left_on"]
    list_filter = ["level", "is_key"]
    search_fields = ["name", "account__name"]
    raw_id_fields = ["account"]


@admin.register(Touchpoint)
class TouchpointAdmin(KeepsHistoryAdmin):
    list_display = ["account", "kind", "happened_at", "author"]
    list_filter = ["kind"]
    raw_id_fields = ["account", "author"]


@admin.register(UsageSnapshot)
class UsageSnapshotAdmin(admin.ModelAdmin):
    list_display = ["account", "on", "active_users", "licensed_seats"]
    raw_id_fields = ["account"]


class ChangesFiguresAdmin(admin.ModelAdmin):
    """A row the analytics figures read (the churn drivers' KPIs and signals): any change made
    here retires the cached figures, as the same change made in the app does."""

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        figures_changed()

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        figures_changed()

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        super().delete_queryset(request, queryset)
        figures_changed()


@admin.register(OutcomeKpi)
class OutcomeKpiAdmin(ChangesFiguresAdmin):
    list_display = ["account", "name", "target", "actual", "as_of"]
    raw_id_fields = ["account"]


@admin.register(SignalReading)
class SignalReadingAdmin(ChangesFiguresAdmin):
    list_display = ["account", "name", "value", "as_of"]
    list_filter = ["name"]
    raw_id_fields = ["account"]


@admin.register(FactChange)
class FactChangeAdmin(KeepsHistoryAdmin):
    list_display = ["account", "field", "old_value", "new_value", "changed_by", "changed_at"]
    raw_id_fields = ["account", "changed_by"]
