from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from churnguard.admin_history import KeepsHistoryAdmin, refuse_deletion
from teams.models import Team, User


def _owned_accounts(user: User) -> int:
    # Counted through the reverse relation so teams does not import the accounts app.
    return user.owned_accounts.filter(archived_at__isnull=True).count()  # type: ignore[attr-defined]


def _needs_new_owner_message(user: User, count: int) -> str:
    return _(
        "%(user)s still owns %(count)s accounts: give them a new owner first, then deactivate."
    ) % {"user": user.username, "count": count}


@admin.register(Team)
class TeamAdmin(KeepsHistoryAdmin):
    search_fields = ["name"]
    deletion_refusal = _("Teams are never deleted: their accounts and users point to them.")


class ChurnGuardUserChangeForm(UserChangeForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # a model form's clean() returns its cleaned_data
        if self.instance.pk and self.instance.is_active and not data.get("is_active", True):
            count = _owned_accounts(self.instance)
            if count:
                raise forms.ValidationError(_needs_new_owner_message(self.instance, count))
        return data


@admin.action(description=_("Deactivate selected users (their accounts need a new owner first)"))
def deactivate_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: Any) -> None:
    done = 0
    for user in queryset:
        count = _owned_accounts(user)
        if count:
            modeladmin.message_user(
                request, _needs_new_owner_message(user, count), level=messages.ERROR
            )
            continue
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            done += 1
    if done:
        modeladmin.message_user(request, _("%(count)s users deactivated.") % {"count": done})


@admin.register(User)
class UserAdmin(KeepsHistoryAdmin, BaseUserAdmin):
    form = ChurnGuardUserChangeForm
    list_display = ["username", "email", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("ChurnGuard"), {"fields": ["role", "team", "managed_teams"]}),
    )
    filter_horizontal = ["managed_teams", "groups", "user_permissions"]
    actions = [refuse_deletion, deactivate_selected]
    deletion_refusal = _(
        "Users are never deleted: proposals, decisions and notes keep who made them. "
        "Deactivate the user instead (after giving their accounts a new owner)."
    )
