"""Admin rules for rows that history depends on: they are never deleted from the admin.

`KeepsHistoryAdmin` hides the delete button, answers the delete page with an explanation, and
offers, instead of the bulk "delete selected" action, one that explains the refusal.
"""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@admin.action(description=_("Delete selected (refused: history is kept)"))
def refuse_deletion(modeladmin: "KeepsHistoryAdmin", request: HttpRequest, queryset: Any) -> None:
    modeladmin.message_user(request, modeladmin.deletion_refusal, level=messages.ERROR)


class KeepsHistoryAdmin(admin.ModelAdmin):
    # Without delete permission Django drops its "delete selected" action; this one says why.
    # A subclass with actions of its own lists refuse_deletion among them.
    actions = [refuse_deletion]
    deletion_refusal = _(
        "Not deleted: other records (scores, decisions, audit events) depend on it, and history "
        "is never erased."
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self.message_user(request, self.deletion_refusal, level=messages.ERROR)
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
        return HttpResponseRedirect(url)
