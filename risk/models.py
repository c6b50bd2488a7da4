"""The risk model as versioned data, and the scores it produced."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Band


class ModelStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class RiskModel(models.Model):
    """One version of the risk model: tables, weights and band thresholds, as JSON.

    Only drafts are edited. Publishing makes a version the active one (at most one is published)
    and retires the previous one; every stored score names the version it came from.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ModelStatus, default=ModelStatus.DRAFT
    )
    config = models.JSONField(_("configuration"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="riskmodel_one_published",
            ),
        ]
        verbose_name = _("risk model")
        verbose_name_plural = _("risk models")

    def __str__(self) -> str:
        return f"v{self.version} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == ModelStatus.DRAFT


class Score(models.Model):
    """A score in an account's history: a row only when the score or the band changed."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="scores")
    risk_model = models.ForeignKey(RiskModel, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    band = models.CharField(_("band"), max_length=8, choices=Band)
    # [{"factor", "points", "reason", "has_data"}, ...], biggest drag first.
    contributions = models.JSONField(_("factor contributions"))
    computed_at = models.DateTimeField(_("computed at"))
    run = models.ForeignKey(
        "risk.RescoreRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index("account", F("computed_at").desc(), name="score_history_idx")]
        constraints = [
            # A retried nightly chunk must not write the same history row twice.
            models.UniqueConstraint("account", "run", name="score_one_per_run"),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.score} ({self.band})"


class BandOverride(models.Model):
    """A CSM's judgement on an account's band: shown beside the computed score, never instead."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="band_overrides")
    band = models.CharField(_("band"), max_length=8, choices=Band)
    reason = models.TextField(_("reason"), max_length=1000)
    expires_on = models.DateField(_("expires on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("band override")
        verbose_name_plural = _("band overrides")

    def __str__(self) -> str:
        return f"{self.band} until {self.expires_on}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly")
    MANUAL = "manual", _("Manual")
    PUBLISH = "publish", _("Model published")
    COMMAND = "command", _("Command")


class RescoreRun(models.Model):
    """One rescoring of the whole portfolio."""

    trigger = models.CharField(_("trigger"), max_length=10, choices=RunTrigger)
    risk_model = models.ForeignKey(RiskModel, on_delete=models.PROTECT, related_name="runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus, default=RunStatus.RUNNING
    )
    accounts_total = models.PositiveIntegerField(default=0)
    accounts_done = models.PositiveIntegerField(default=0)
    accounts_changed = models.PositiveIntegerField(default=0)
    accounts_failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("rescore run")
        verbose_name_plural = _("rescore runs")

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M}"
