from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from teams.models import Team, User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("ChurnGuard"), {"fields": ["role", "team", "managed_teams"]}),
    )
    filter_horizontal = ["managed_teams", "groups", "user_permissions"]
