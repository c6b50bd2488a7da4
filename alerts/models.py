"""In-app alerts: one open alert per account and cause, closing itself when the cause clears."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from churnguard.validation import validate_sane_date, validate_single_line


class Cause(models.TextChoices):
    HIGH_RISK = "high_risk", _("Risk band high or critical")
    RENEWAL_AT_RISK = "renewal_at_risk", _("Risky account renewing within 30 days")
    EXPECTED_CHURN = "expected_churn", _("Expected churn proposed")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SNOOZED = "snoozed", _("Snoozed")
    CLOSED = "closed", _("Closed")


class Alert(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="alerts")
    cause = models.CharField(_("cause"), max_length=20, choices=Cause)
    status = models.CharField(
        _("status"), max_length=8, choices=AlertStatus, default=AlertStatus.OPEN
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
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
        indexes = [models.Index("status", F("opened_at").desc(), name="alert_status_idx")]
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
