"""Imports a person started in the browser, and the column mappings they saved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    OUTCOMES = "outcomes", _("Outcomes (churns and renewals)")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    CANCELLED = "cancelled", _("Nothing imported")
    FAILED = "failed", _("Failed")


class ColumnMapping(models.Model):
    """A saved answer to "which column holds what", reused by name for the next export."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind)
    # {normalised header: target}: "signal", "ignore" or an account field name.
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One uploaded file on its way in: checked (dry run), then imported or dropped.

    The file itself is kept in the database until the import ends (no shared disk between web and
    worker), then emptied; the report stays as the trail of what the import did.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    default_team = models.ForeignKey(
        "teams.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    data = models.BinaryField(_("file"), default=b"")
    as_of = models.DateField(_("as of"), null=True, blank=True)
    # One target per column, in the file's column order.
    targets = models.JSONField(_("column targets"), default=list)
    headers = models.JSONField(_("headers"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus, default=ImportStatus.UPLOADED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # The dry run's report, then the import's: counts and rejected rows as codes and parameters.
    report = models.JSONField(_("report"), default=dict)
    error_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.filename

    @property
    def progress_pct(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
