from django.contrib import admin

from dataio.models import ColumnMapping, ImportJob


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_by", "updated_at"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """A trail of imports: read, not edited (the file itself is not shown)."""

    list_display = ["filename", "kind", "status", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    exclude = ["data"]
    readonly_fields = [
        "kind",
        "created_by",
        "default_team",
        "filename",
        "size",
        "as_of",
        "targets",
        "headers",
        "status",
        "rows_done",
        "rows_total",
        "report",
        "error_code",
        "finished_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False
