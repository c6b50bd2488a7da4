"""The lever catalogue, the company's crisis strategy and approval policy, proposals, phase plays.

The formulas live in `playbooks.levers` (pure Python); these models only store what the admin
configures and what people decided. Amounts are Decimal in the currency stored beside them,
signed from our side: negative is a cost to us.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Phase, Segment
from churnguard.validation import validate_currency_code, validate_single_line
from playbooks.catalogue import lever_spec
from playbooks.default_wording import in_reader_language
from playbooks.levers import GIVE_BACKS, LEVER_KINDS, PROPOSAL_STATES, ApprovalThresholds

KIND_LABELS = {
    "temporary_upgrade": _("Temporary upgrade"),
    "early_access": _("Early access to new features"),
    "free_services": _("Free professional services"),
    "payment_holiday": _("Payment holiday"),
    "payment_deferral": _("Payment deferral"),
    "instalment_plan": _("Instalment plan"),
    "temporary_downsell": _("Temporary downsell"),
    "free_feature": _("Free feature for a limited time"),
    "price_cut_for_commitment": _("Lower price for a longer commitment"),
}
GIVE_BACK_LABELS = {
    "success_story": _("A success story"),
    "webinar": _("A webinar"),
    "reference": _("Becoming a reference or ambassador"),
    "longer_commitment": _("A longer commitment"),
}
# What happened, said of an audit event that moved a proposal to the state.
EVENT_LABELS = {
    "draft": _("Drafted"),
    "submitted": _("Submitted"),
    "approved": _("Approved"),
    "applied": _("Applied"),
    "rejected": _("Rejected"),
    "ended": _("Ended"),
    "withdrawn": _("Withdrawn"),
}
STATE_LABELS = {
    "draft": _("Draft"),
    "submitted": _("Waiting for approval"),
    "approved": _("Approved"),
    "applied": _("Applied"),
    "rejected": _("Rejected"),
    "ended": _("Ended"),
    "withdrawn": _("Withdrawn"),
}


class Strategy(models.TextChoices):
    SECURE_MRR = "secure_mrr", _("Secure MRR")
    CASH_FIRST = "cash_first", _("Cash first")


class Approver(models.TextChoices):
    AUTO = "auto", _("Automatic")
    MANAGER = "manager", _("A manager")
    ADMIN = "admin", _("An admin")


class Outcome(models.TextChoices):
    UNKNOWN = "unknown", _("Not known yet")
    SAVED = "saved", _("Saved")
    LOST = "lost", _("Lost")


class Lever(models.Model):
    """One concession of the catalogue. Deactivate rather than delete: proposals point here."""

    kind = models.CharField(
        _("kind"), max_length=32, choices=[(kind, KIND_LABELS[kind]) for kind in LEVER_KINDS]
    )
    name = models.CharField(
        _("name"), max_length=120, unique=True, validators=[validate_single_line]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    default_params = models.JSONField(
        _("default parameters"),
        default=dict,
        blank=True,
        help_text=_('Numbers as text, e.g. {"months": "3"}.'),
    )
    param_limits = models.JSONField(
        _("parameter limits"),
        help_text=_(
            "One entry per parameter of the kind, e.g. "
            '{"months": {"min": "1", "max": "6", "label": "Months", "whole": true}}.'
        ),
    )
    phases = models.JSONField(
        _("phases"),
        default=list,
        blank=True,
        help_text=_('Journey phases it applies to, e.g. ["defense"]; empty means every phase.'),
    )
    bands = models.JSONField(
        _("risk bands"),
        default=list,
        blank=True,
        help_text=_('Risk bands it applies to, e.g. ["high", "critical"]; empty means all.'),
    )
    segments = models.JSONField(
        _("segments"),
        default=list,
        blank=True,
        help_text=_('Segments it applies to, e.g. ["smb"]; empty means every segment.'),
    )
    give_backs = models.JSONField(
        _("give-backs"),
        default=list,
        blank=True,
        help_text=_("What to ask in return: success_story, webinar, reference, longer_commitment."),
    )
    keeps_cash_flowing = models.BooleanField(_("keeps cash flowing"), default=True)
    keeps_subscription = models.BooleanField(_("keeps the subscription"), default=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("lever")
        verbose_name_plural = _("levers")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language while it is the shipped one; as typed otherwise."""
        return in_reader_language(self.name)

    def clean(self) -> None:
        # Building the spec runs every check of the core; its message is the admin's form error.
        try:
            lever_spec(self)
        except (ValueError, TypeError) as error:
            raise ValidationError(str(error)) from error
        known = set(Segment.values)
        unknown = sorted(set(self.segments) - known) if isinstance(self.segments, list) else []
        if unknown:
            raise ValidationError(
                {"segments": _("Unknown segment %(codes)s.") % {"codes": ", ".join(unknown)}}
            )


def set_by_field() -> "models.ForeignKey[Any, Any]":
    """Who set a dated setting; empty on rows set before the set-up pages recorded it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class StrategySetting(models.Model):
    """The company's crisis strategy from a date on; the latest one started is in force."""

    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy)
    effective_from = models.DateField(_("in force from"), unique=True)
    note = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = set_by_field()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("crisis strategy")
        verbose_name_plural = _("crisis strategies")

    def __str__(self) -> str:
        return f"{self.get_strategy_display()} ({self.effective_from})"


# Used when the admin has set no policy yet. A lever that moves MRR always needs a human.
DEFAULT_AUTO_CASH = Decimal("500")
DEFAULT_AUTO_MRR = Decimal("0")
DEFAULT_MANAGER_CASH = Decimal("10000")
DEFAULT_MANAGER_MRR = Decimal("1000")
DEFAULT_POLICY_CURRENCY = "EUR"


class ApprovalPolicy(models.Model):
    """Who signs a lever off, by size; the latest policy started is in force.

    Cash is over the lever's whole duration, MRR per month, both in `currency` and compared in
    absolute value. Up to the auto amounts: approved at once; up to the manager amounts: a
    manager of the account's team; beyond: an admin.
    """

    effective_from = models.DateField(_("in force from"), unique=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default=DEFAULT_POLICY_CURRENCY,
        validators=[validate_currency_code],
    )
    auto_cash = models.DecimalField(
        _("auto-approved up to (cash)"), max_digits=12, decimal_places=2, default=DEFAULT_AUTO_CASH
    )
    auto_mrr = models.DecimalField(
        _("auto-approved up to (MRR a month)"),
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_AUTO_MRR,
    )
    manager_cash = models.DecimalField(
        _("a manager approves up to (cash)"),
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_MANAGER_CASH,
    )
    manager_mrr = models.DecimalField(
        _("a manager approves up to (MRR a month)"),
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_MANAGER_MRR,
    )
    note = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = set_by_field()

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(auto_cash__gte=0, auto_mrr__gte=0)
                & Q(manager_cash__gte=F("auto_cash"), manager_mrr__gte=F("auto_mrr")),
                name="approvalpolicy_thresholds_ordered",
            ),
        ]
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")

    def __str__(self) -> str:
        return str(_("Approval policy from %(date)s") % {"date": self.effective_from})

    def clean(self) -> None:
        try:
            self.thresholds()
        except (ValueError, TypeError) as error:
            raise ValidationError(str(error)) from error

    def thresholds(self) -> ApprovalThresholds:
        return ApprovalThresholds(
            auto_cash=self.auto_cash,
            auto_mrr=self.auto_mrr,
            manager_cash=self.manager_cash,
            manager_mrr=self.manager_mrr,
        )


class LeverChange(models.Model):
    """One edit of a lever in the set-up pages: the changed fields as they were and became.

    `before` and `after` hold the same keys (field names of `Lever`, values as stored), so the
    page words the change in the reader's language at display time.
    """

    lever = models.ForeignKey(Lever, on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"))
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index("lever", F("changed_at").desc(), name="leverchange_lever_idx")]
        verbose_name = _("lever change")
        verbose_name_plural = _("lever changes")

    def __str__(self) -> str:
        return f"{self.lever} @ {self.changed_at:%Y-%m-%d %H:%M}"


class Proposal(models.Model):
    """A lever offered to one account, from its proposal to its outcome at renewal."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="proposals")
    lever = models.ForeignKey(Lever, on_delete=models.PROTECT, related_name="proposals")
    # The kind at proposal time: an admin may later change the lever, not what was offered.
    kind = models.CharField(_("kind"), max_length=32)
    params = models.JSONField(_("parameters"))
    cash_impact = models.DecimalField(_("cash impact"), max_digits=14, decimal_places=2)
    mrr_impact = models.DecimalField(_("MRR impact a month"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    is_permanent = models.BooleanField(_("permanent"), default=False)
    is_cash_deferred = models.BooleanField(_("cash only deferred"), default=False)
    give_back = models.CharField(
        _("asked in return"),
        max_length=20,
        blank=True,
        choices=[(code, GIVE_BACK_LABELS[code]) for code in GIVE_BACKS],
    )
    justification = models.TextField(_("justification"), max_length=2000)
    strategy = models.CharField(_("strategy in force"), max_length=16, choices=Strategy)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=[(state, STATE_LABELS[state]) for state in PROPOSAL_STATES],
        default="draft",
    )
    required_approver = models.CharField(_("approved by"), max_length=8, choices=Approver)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,  # an audit trail keeps its people: deactivate, don't delete
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome at renewal"), max_length=8, choices=Outcome, default=Outcome.UNKNOWN
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index("account", F("proposed_at").desc(), name="proposal_account_idx"),
            models.Index(
                "required_approver",
                "proposed_at",
                name="proposal_queue_idx",
                condition=Q(state="submitted"),
            ),
            models.Index("ends_on", name="proposal_reminder_idx", condition=Q(state="applied")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PROPOSAL_STATES), name="proposal_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["applied", "ended"]) | Q(applied_on__isnull=False),
                name="proposal_applied_has_date",
            ),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.lever} → {self.account}"

    @property
    def cash_cost(self) -> Decimal:
        return -self.cash_impact

    @property
    def mrr_cost(self) -> Decimal:
        return -self.mrr_impact

    @property
    def is_pending(self) -> bool:
        return self.state == "submitted"


class ProposalEvent(models.Model):
    """One step of a proposal's life; `actor` is empty when the system moved it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=10, blank=True)
    to_state = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"

    @property
    def label(self) -> str:
        if self.from_state == self.to_state:
            return str(_("Outcome recorded"))
        return str(EVENT_LABELS.get(self.to_state, self.to_state))


class Play(models.Model):
    """A step of the playbook for accounts in one journey phase."""

    phase = models.CharField(_("journey phase"), max_length=16, choices=Phase)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["phase", "order", "id"]
        constraints = [models.UniqueConstraint("phase", "title", name="play_unique_title")]
        verbose_name = _("play")
        verbose_name_plural = _("plays")

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return in_reader_language(self.title)

    @property
    def display_description(self) -> str:
        return in_reader_language(self.description)


class PlayCheck(models.Model):
    """A play ticked for an account. Unticking keeps the row with who and when (`undone_*`):
    the box shows the account's current tick, the one not undone; there is at most one."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="play_checks")
    play = models.ForeignKey(Play, on_delete=models.CASCADE, related_name="checks")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"))
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("unticked at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account",
                "play",
                condition=Q(undone_at__isnull=True),
                name="playcheck_once_per_account",
            )
        ]
        verbose_name = _("play done")
        verbose_name_plural = _("plays done")

    def __str__(self) -> str:
        return f"{self.play} ✓"
