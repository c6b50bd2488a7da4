"""The risk model as versioned data, and the scores it produced."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Band
from churnguard.validation import validate_no_control_characters, validate_sane_date
from risk.reasons import (
    DEFAULT_MODEL_NOTES,
    INTERRUPTED,
    contribution_text,
    expected_churn_reason,
    suggestion_failure_text,
    translated_default,
)


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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For a learned suggestion: how it was learned and its held-out backtest beside the active
    # model's (numbers and dates only, worded at display time).
    learning_report = models.JSONField(_("learning report"), null=True, blank=True)

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

    @property
    def display_notes(self) -> str:
        """The notes in the reader's language while they are the shipped ones; as typed after."""
        return translated_default(self.notes, DEFAULT_MODEL_NOTES)


class SuggestionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Learning")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Learning stops at its task's hard time limit (`risk.tasks.suggest_model_task`). A request
# still queued or learning this long after it was asked or started was lost (a worker stopped, a
# message dropped): it is shown as failed, and marked so before the next request.
SUGGESTION_TIME_LIMIT_SECONDS = 1900
SUGGESTION_ABANDONED_AFTER = timedelta(hours=1)
OPEN_SUGGESTION = (SuggestionStatus.QUEUED, SuggestionStatus.RUNNING)


class SuggestionRequest(models.Model):
    """An admin's request for a learned model: who asked, when, for which date, how it went.

    A failure is stored as a code and its parameters (numbers and dates), worded at display
    time in the reader's language (`risk.reasons.suggestion_failure_text`).
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    train_before = models.DateField(_("learn from the history before"))
    horizon_days = models.PositiveSmallIntegerField(_("horizon (days)"))
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus, default=SuggestionStatus.QUEUED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    draft = models.ForeignKey(
        RiskModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestion_requests",
        verbose_name=_("suggested draft"),
    )
    failure_code = models.CharField(_("failure code"), max_length=40, blank=True)
    failure_params = models.JSONField(_("failure details"), default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One learning at a time per question: a double click does not learn twice.
            models.UniqueConstraint(
                fields=["train_before", "horizon_days"],
                condition=Q(status__in=["queued", "running"]),
                name="suggestion_one_open_per_date",
            ),
            # Done means a draft was written, in the same transaction.
            models.CheckConstraint(
                condition=Q(status="done", draft__isnull=False)
                | (~Q(status="done") & Q(draft__isnull=True)),
                name="suggestion_draft_iff_done",
            ),
        ]
        verbose_name = _("model suggestion request")
        verbose_name_plural = _("model suggestion requests")

    def __str__(self) -> str:
        return f"{self.train_before} ({self.status})"

    def is_abandoned(self, now: datetime | None = None) -> bool:
        """Still queued or learning long after it should have finished."""
        if self.status not in OPEN_SUGGESTION:
            return False
        since = self.started_at or self.requested_at
        return since < (now or timezone.now()) - SUGGESTION_ABANDONED_AFTER

    @property
    def shown_status(self) -> str:
        """The status, a lost request shown as failed."""
        return SuggestionStatus.FAILED if self.is_abandoned() else self.status

    @property
    def shown_status_label(self) -> str:
        return str(SuggestionStatus(self.shown_status).label)

    @property
    def failure_text(self) -> str:
        """Why it failed, in the active language ("" when it did not)."""
        if self.is_abandoned():
            return suggestion_failure_text(INTERRUPTED, {})
        if self.status != SuggestionStatus.FAILED:
            return ""
        return suggestion_failure_text(self.failure_code, self.failure_params)


@dataclass(frozen=True, slots=True)
class StoredContribution:
    """One factor of a stored score: its points and its reason as a code with parameters."""

    factor: str
    points: int
    code: str
    params: dict[str, Any]
    raw_points: int | None = None  # before the factor's weight; None when unweighted
    weight: float = 1.0
    has_data: bool = True  # only factors with data are stored

    @property
    def reason(self) -> str:
        """The reason in the active language."""
        return contribution_text(
            self.code,
            self.params,
            points=self.points,
            raw_points=self.raw_points,
            weight=self.weight,
        )


def stored_contributions(contributions_json: str | None) -> list[StoredContribution]:
    """A score's stored contributions (`Score.contributions_json`), for readers that fetched the
    column alone."""
    if not contributions_json:
        return []
    return [StoredContribution(*row) for row in json.loads(contributions_json)]


class ModelPublication(models.Model):
    """Audit trail of a publication: both versions' backtest on the same cases at the time,
    and the admin's reason when the new version predicted worse."""

    risk_model = models.ForeignKey(RiskModel, on_delete=models.PROTECT, related_name="publications")
    replaced = models.ForeignKey(
        RiskModel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))
    cases = models.PositiveIntegerField(_("backtest cases"), default=0)
    auc = models.FloatField(_("AUC"), null=True, blank=True)
    replaced_auc = models.FloatField(_("AUC of the replaced version"), null=True, blank=True)
    predicts_worse = models.BooleanField(_("predicts worse"), default=False)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("model publication")
        verbose_name_plural = _("model publications")

    def __str__(self) -> str:
        return f"v{self.risk_model_id} {self.published_at:%Y-%m-%d}"


class Score(models.Model):
    """A score in an account's history: a row only when the score or the band changed.

    The nightly run can write a row per account, so the row is kept lean: the contributions
    are compact JSON text (`[[factor, points, code, params], ...]`, factors without data
    omitted; see `StoredContribution`), and the table carries only the indexes its reads need.
    """

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="scores", db_index=False
    )
    # Models are never deleted (PROTECT), so the FK index would be written on every insert for
    # a lookup that never happens.
    risk_model = models.ForeignKey(
        RiskModel, on_delete=models.PROTECT, related_name="scores", db_index=False
    )
    score = models.PositiveSmallIntegerField(_("score"))
    band = models.CharField(_("band"), max_length=8, choices=Band)
    # The band before this score ("" for a first score): digests and alerts read band moves
    # from one row instead of pairing history rows.
    previous_band = models.CharField(_("previous band"), max_length=8, choices=Band, blank=True)
    contributions_json = models.TextField(_("factor contributions"))
    computed_at = models.DateTimeField(_("computed at"))
    # The date the facts were read as of (null only on rows older than the field).
    as_of = models.DateField(_("as of"), null=True, blank=True)
    # Scored as of a past date (a backfill or an import), into the history only: the account's
    # current score never came from it, so "the latest score" reads skip it.
    backdated = models.BooleanField(_("scored as of a past date"), default=False)
    run = models.ForeignKey(
        "risk.RescoreRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index("account", F("computed_at").desc(), name="score_history_idx")]
        constraints = [
            # A retried nightly chunk must not write the same history row twice; the index
            # also serves "what moved in this run" (digests).
            models.UniqueConstraint("run", "account", name="score_one_per_run"),
            # Scoring a past date again with the same model version writes nothing new.
            models.UniqueConstraint(
                "account",
                "as_of",
                "risk_model",
                condition=Q(backdated=True),
                name="score_one_backdated_per_model",
            ),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.score} ({self.band})"

    @property
    def contributions(self) -> list[StoredContribution]:
        """The stored contributions, biggest drag first."""
        return stored_contributions(self.contributions_json)


class BandOverride(models.Model):
    """A CSM's judgement on an account's band: shown beside the computed score, never instead."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="band_overrides")
    band = models.CharField(_("band"), max_length=8, choices=Band)
    reason = models.TextField(
        _("reason"), max_length=1000, validators=[validate_no_control_characters]
    )
    expires_on = models.DateField(_("expires on"), validators=[validate_sane_date])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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
        # At most one run at a time, whoever starts it: the database settles a double click.
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="rescore_run_one_running"
            )
        ]
        verbose_name = _("rescore run")
        verbose_name_plural = _("rescore runs")

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M}"


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")


class RescoreChunk(models.Model):
    """One slice of a run (an id range of accounts), scored in one transaction.

    Marking a chunk done happens in the same transaction as its writes, so a chunk delivered
    twice, or retried after its worker died, is either fully applied once or not at all.
    """

    run = models.ForeignKey(RescoreRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=ChunkStatus, default=ChunkStatus.PENDING)
    accounts_done = models.PositiveIntegerField(default=0)
    accounts_changed = models.PositiveIntegerField(default=0)
    accounts_failed = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rescore chunk")
        verbose_name_plural = _("rescore chunks")
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint("run", "index", name="chunk_unique_index")]
        indexes = [models.Index("run", "status", name="chunk_run_status_idx")]

    def __str__(self) -> str:
        return f"run {self.run_id} chunk {self.index}"


class ExpectedChurnStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    LIFTED = "lifted", _("Lifted")


OPEN_EXPECTED_CHURN = (ExpectedChurnStatus.PROPOSED, ExpectedChurnStatus.CONFIRMED)


class ExpectedChurn(models.Model):
    """A collective decision that an account will be lost: raised by the rule, decided by a
    manager. Confirmed accounts are flagged in the triage list and count as lost in forecasts."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="expected_churns")
    status = models.CharField(_("status"), max_length=10, choices=ExpectedChurnStatus)
    # Why the rule raised it: a message code and its parameters, worded where it is shown.
    rule_reason = models.CharField(_("why it was raised"), max_length=200)
    rule_reason_params = models.JSONField(_("why it was raised: details"), default=dict)
    band_at_raise = models.CharField(_("band when raised"), max_length=8, choices=Band)
    raised_at = models.DateTimeField(_("raised at"))
    run = models.ForeignKey(
        RescoreRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True, max_length=2000)
    band_at_decision = models.CharField(max_length=8, choices=Band, blank=True)
    # A dismissed proposal is not raised again before this date unless the band gets worse.
    suppressed_until = models.DateField(_("suppressed until"), null=True, blank=True)
    lift_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_requested_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(_("why lift the flag"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=["proposed", "confirmed"]),
                name="expected_churn_one_open_per_account",
            ),
        ]
        indexes = [models.Index("status", F("raised_at").desc(), name="expected_churn_queue_idx")]
        verbose_name = _("expected churn")
        verbose_name_plural = _("expected churns")

    def __str__(self) -> str:
        return f"{self.account} ({self.get_status_display()})"

    @property
    def rule_reason_text(self) -> str:
        """Why the rule raised it, in the active language."""
        return expected_churn_reason(self.rule_reason, self.rule_reason_params)


class ExpectedChurnRule(models.Model):
    """When the nightly run proposes an account as expected churn (admin-editable, one row)."""

    phases = models.JSONField(_("phases"), default=list)
    bands_in_phases = models.JSONField(_("bands in those phases"), default=list)
    bands_renewing_this_quarter = models.JSONField(_("bands renewing this quarter"), default=list)
    suppression_days = models.PositiveSmallIntegerField(_("days a dismissal holds"), default=30)

    class Meta:
        verbose_name = _("expected-churn rule")
        verbose_name_plural = _("expected-churn rule")

    def __str__(self) -> str:
        return str(_("Expected-churn rule"))
