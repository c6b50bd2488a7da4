from django.contrib import admin

from churnguard.admin_history import KeepsHistoryAdmin
from playbooks.models import (
    ApprovalPolicy,
    Lever,
    LeverChange,
    Play,
    PlayCheck,
    Proposal,
    ProposalEvent,
    StrategySetting,
)


@admin.register(Lever)
class LeverAdmin(admin.ModelAdmin):
    # Lever.clean() builds the core's LeverSpec: a broken configuration is a form error here.
    list_display = [
        "name",
        "kind",
        "order",
        "keeps_cash_flowing",
        "keeps_subscription",
        "is_active",
    ]
    list_editable = ["order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


class SetByAdmin(KeepsHistoryAdmin):
    """Dated settings are the history of the setting: kept, and they record who set them."""

    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(StrategySetting)
class StrategySettingAdmin(SetByAdmin):
    list_display = ["effective_from", "strategy", "note", "created_by"]
    list_select_related = ["created_by"]


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(SetByAdmin):
    list_display = [
        "effective_from",
        "currency",
        "auto_cash",
        "auto_mrr",
        "manager_cash",
        "manager_mrr",
        "created_by",
    ]
    list_select_related = ["created_by"]


@admin.register(LeverChange)
class LeverChangeAdmin(KeepsHistoryAdmin):
    """Read-only: written by the set-up page's service with every lever edit."""

    list_display = ["lever", "changed_by", "changed_at"]
    list_filter = ["lever"]
    list_select_related = ["lever", "changed_by"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    list_display = ["title", "phase", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["phase", "is_active"]


class ProposalEventInline(admin.TabularInline):
    model = ProposalEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "from_state", "to_state", "actor", "comment")

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Proposal)
class ProposalAdmin(KeepsHistoryAdmin):
    """Read-only: a proposal moves through the app's services, which keep the audit trail."""

    list_display = ["lever", "account", "state", "cash_impact", "currency", "proposed_at"]
    list_filter = ["state", "required_approver", "outcome", "lever"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["lever", "account"]
    inlines = [ProposalEventInline]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(PlayCheck)
class PlayCheckAdmin(KeepsHistoryAdmin):
    list_display = ["play", "account", "done_by", "done_at"]
    raw_id_fields = ["account"]
    list_select_related = ["play", "account", "done_by"]
