"""In-app alerts: one open alert per account and cause, closing itself when the cause clears."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account
from alerts.severity import Level
from churnguard.validation import validate_sane_date, validate_single_line


class Cause(models.TextChoices):
    HIGH_RISK = "high_risk", _("Risk band high or critical")
    RENEWAL_AT_RISK = "renewal_at_risk", _("Risky account renewing within 30 days")
    EXPECTED_CHURN = "expected_churn", _("Expected churn proposed")
    APPROVAL_WAITING = "approval_waiting", _("Lever proposal awaiting approval")


class Severity(models.IntegerChoices):
    """The levels of `alerts.severity.Level`, with their labels."""

    LOW = Level.LOW, pgettext_lazy("alert severity", "Low")
    MEDIUM = Level.MEDIUM, pgettext_lazy("alert severity", "Medium")
    HIGH = Level.HIGH, pgettext_lazy("alert severity", "High")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SNOOZED = "snoozed", _("Snoozed")
    CLOSED = "closed", _("Closed")


class ClosedBecause(models.TextChoices):
    CLEARED = "cleared", _("The condition cleared")
    DECIDED = "decided", _("Its cause was decided")
    BY_HAND = "by_hand", _("Closed by hand")


class Alert(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="alerts")
    cause = models.CharField(_("cause"), max_length=20, choices=Cause)
    status = models.CharField(
        _("status"), max_length=8, choices=AlertStatus, default=AlertStatus.OPEN
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    # Kept in step by `refresh_alerts` from `alerts.severity`, so the inbox filters and sorts on it.
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity, default=Severity.LOW
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by_run = models.ForeignKey(
        "risk.RescoreRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_because = models.CharField(
        _("closed because"), max_length=8, choices=ClosedBecause, blank=True
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(
        _("close reason"), max_length=500, blank=True, validators=[validate_single_line]
    )
    closed_by_run = models.ForeignKey(
        "risk.RescoreRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snoozed_until = models.DateField(
        _("snoozed until"), null=True, blank=True, validators=[validate_sane_date]
    )
    snooze_reason = models.CharField(
        _("snooze reason"), max_length=500, blank=True, validators=[validate_single_line]
    )
    snoozed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "Was this useful?": kept for the backtest of the risk model.
    was_useful = models.BooleanField(_("was useful"), null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "cause"],
                condition=Q(status__in=["open", "snoozed"]),
                name="alert_one_open_per_account_cause",
            ),
        ]
        indexes = [
            models.Index("status", F("opened_at").desc(), name="alert_status_idx"),
            # The inbox's default order: the most severe first, then the newest.
            models.Index(
                "status", F("severity").desc(), F("opened_at").desc(), name="alert_severity_idx"
            ),
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.get_cause_display()}: {self.account}"


class DigestSent(models.Model):
    """One digest per CSM per run: the row is claimed before the e-mail is sent."""

    run = models.ForeignKey("risk.RescoreRun", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    accounts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint("run", "user", name="digest_once_per_run_user")]

    def __str__(self) -> str:
        return f"digest for {self.user} (run {self.run_id})"
