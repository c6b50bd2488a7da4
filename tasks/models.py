"""Account tasks: work a CSM owes an account, typed by hand or generated from a source.

A task is never deleted: it is done (with who, when and a note) or cancelled. A generated task
(from a play, an alert, a touchpoint's follow-up, a lever's give-back) keeps its source as a
kind and an id, and its title is worded from that source at display time (`tasks.titles`), in
the reader's language; a manual task keeps the title its author typed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from churnguard.validation import (
    validate_no_control_characters,
    validate_sane_date,
    validate_single_line,
)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SourceKind(models.TextChoices):
    MANUAL = "manual", _("Manual")
    PLAY = "play", _("Play")
    ALERT = "alert", _("Alert")
    TOUCHPOINT = "touchpoint", _("Touchpoint follow-up")
    GIVE_BACK = "give_back", _("Give-back")


class Task(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="tasks")
    # Typed by a person; empty for a generated task, whose title comes from its source.
    title = models.CharField(
        _("title"), max_length=200, blank=True, validators=[validate_single_line]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), validators=[validate_sane_date])
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus, default=TaskStatus.OPEN
    )
    source_kind = models.CharField(
        _("source"), max_length=12, choices=SourceKind, default=SourceKind.MANUAL
    )
    source_id = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    # The last reschedule or reassignment: who and when.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(
        _("note"), max_length=2000, blank=True, validators=[validate_no_control_characters]
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # A generated task exists once while open: replaying its source changes nothing.
            models.UniqueConstraint(
                fields=["account", "source_kind", "source_id"],
                condition=Q(status="open") & ~Q(source_kind="manual"),
                name="task_one_open_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="task_owner_due_idx"),
            models.Index(fields=["account", "status"], name="task_account_status_idx"),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title or f"{self.source_kind} {self.source_id}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN
