from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from accounts.models import Band, FundingStage, Phase
from churnguard.validation import BoundedInputMixin
from risk.engine import AccountFacts, UsagePoint
from risk.models import ExpectedChurn, ExpectedChurnStatus
from risk.queries import QUEUE_SORTS, QueueFilters
from risk.services.overrides import OverrideError, check_expiry
from teams.access import ALL_TEAMS, visible_team_ids
from teams.models import Team, User
from teams.queries import owners_visible_to


class WhatIfForm(BoundedInputMixin, forms.Form):
    """Try other facts on an account without saving them: every fact a CSM could change.

    The form opens with the account's facts; a field left as it is (or empty) keeps the fact.
    Bounds are the account form's, so a hypothesis is never something an account could not hold.
    """

    prefix = "whatif"  # the account page also has a phase form

    phase = forms.ChoiceField(
        label=_("Journey phase"), choices=[("", "–"), *Phase.choices], required=False
    )
    renewal_on = forms.DateField(label=_("Renewal date"), required=False, widget=DateInput())
    planned_go_live_on = forms.DateField(
        label=_("Planned go-live"), required=False, widget=DateInput()
    )
    signing_discount_pct = forms.DecimalField(
        label=_("Discount at signing (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    funding_stage = forms.ChoiceField(
        label=_("Funding stage"), choices=[("", "–"), *FundingStage.choices], required=False
    )
    cash_runway_months = forms.DecimalField(
        label=_("Cash runway (months)"),
        required=False,
        min_value=0,
        max_value=600,
        decimal_places=1,
    )
    monthly_burn = forms.DecimalField(
        label=_("Monthly burn"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    late_payments = forms.IntegerField(
        label=_("Late payments (12 months)"), required=False, min_value=0, max_value=365
    )
    adoption_pct = forms.IntegerField(
        label=_("Active seats today (%)"), required=False, min_value=0, max_value=100
    )
    key_stakeholder_leaves = forms.BooleanField(
        label=_("A key stakeholder leaves today"), required=False
    )

    CASH_FIELDS = ("funding_stage", "cash_runway_months", "monthly_burn", "late_payments")

    def fact_changes(self, facts: AccountFacts, *, today: date) -> dict[str, Any]:
        """The engine facts this hypothesis replaces (call once the form is valid)."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
        # Only what differs from the account: the form opens with its facts filled in.
        changes: dict[str, Any] = {
            k: data[k]
            for k in (
                "phase",
                "renewal_on",
                "planned_go_live_on",
                "signing_discount_pct",
                *self.CASH_FIELDS,
            )
            if k in data and data[k] != getattr(facts, k)
        }
        if "phase" in changes and changes["phase"] != facts.phase:
            changes["phase_entered_on"] = today
        if any(k in changes for k in self.CASH_FIELDS):
            changes["cash_facts_as_of"] = today  # hypothetical cash facts are as fresh as today
        if "adoption_pct" in data:
            latest = max(facts.usage, key=lambda p: p.on, default=None)
            seats = (latest.licensed_seats if latest else 0) or 100
            active = round(seats * data["adoption_pct"] / 100)
            usage = [p for p in facts.usage if p.on != today]
            changes["usage"] = (*usage, UsagePoint(today, active, seats))
        if data.get("key_stakeholder_leaves"):
            changes["key_stakeholder_left_on"] = today
            changes["stakeholders_known"] = True
        return changes


class BandOverrideForm(BoundedInputMixin, forms.Form):
    band = forms.ChoiceField(label=_("Band"), choices=Band.choices)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    expires_on = forms.DateField(label=_("Expires on"), widget=DateInput())

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why you override the computed band."))
        return reason

    def clean_expires_on(self) -> object:
        expires_on = self.cleaned_data["expires_on"]
        try:
            check_expiry(expires_on=expires_on, today=timezone.localdate())
        except OverrideError as refused:
            raise forms.ValidationError(str(refused)) from None
        return expires_on


class DecisionForm(BoundedInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


QUEUE_SORT_CHOICES = [
    ("mrr", _("MRR, largest first")),
    ("band", _("Risk band, worst first")),
    ("age", _("Age, oldest first")),
    ("name", _("Account name")),
]


class QueueFilterForm(BoundedInputMixin, forms.Form):
    """A decision queue's query string (team, CSM, band, sort). Invalid values are reported and
    ignored, never a 500. The approval queue uses it too."""

    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    owner = forms.TypedChoiceField(label=_("CSM"), required=False, coerce=int, empty_value=None)
    band = forms.ChoiceField(label=_("Risk band"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=QUEUE_SORT_CHOICES)
    default_sort = "mrr"

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        teams = Team.objects.order_by("name")
        visible = visible_team_ids(user)
        if visible is not ALL_TEAMS:
            teams = teams.filter(pk__in=visible)
        team_choices = [(str(team.pk), team.name) for team in teams]
        owners = [(str(u.pk), u.display_name) for u in owners_visible_to(user)]
        choices: dict[str, list[tuple[str, Any]]] = {
            "team": [("", _("All teams")), *team_choices],
            "owner": [("", _("All CSMs")), *owners],
            "band": [("", _("All bands")), *Band.choices],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        # The default sort is listed first, so a page without `?sort=` shows what it applies.
        sorts = sorted(QUEUE_SORT_CHOICES, key=lambda choice: choice[0] != self.default_sort)
        cast(forms.ChoiceField, self.fields["sort"]).choices = sorts

    def valid_data(self) -> dict[str, Any]:
        # Keep the filters that were valid; the template shows the errors of the others.
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    def to_filters(self) -> QueueFilters:
        data = self.valid_data()
        sort = data.get("sort") or self.default_sort
        return QueueFilters(
            team=data.get("team"),
            owner=data.get("owner"),
            band=data.get("band") or "",
            sort=sort if sort in QUEUE_SORTS else self.default_sort,
        )


class ExpectedChurnFilterForm(QueueFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=ExpectedChurnStatus.choices
    )
    field_order = ["status", "team", "owner", "band", "sort"]

    def to_status(self) -> str:
        return self.valid_data().get("status") or ExpectedChurnStatus.PROPOSED


# A bulk decision covers at most a few pages of the queue: each row is locked and decided in
# one transaction, which must stay short.
MAX_BULK_ROWS = 200


class QueueSelectionForm(BoundedInputMixin, forms.Form):
    """Rows of a decision queue picked for one bulk decision. `rows` is what the user may
    decide, so a row outside it is an invalid choice. Each queue words its own messages."""

    ids = forms.ModelMultipleChoiceField(queryset=ExpectedChurn.objects.none())
    selection_messages: dict[str, Any] = {}
    too_many: Any = ""

    def __init__(self, *args: object, rows: QuerySet[Any], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast(forms.ModelMultipleChoiceField, self.fields["ids"])
        field.queryset = rows
        field.error_messages = {**field.error_messages, **self.selection_messages}

    def clean_ids(self) -> object:
        ids = self.cleaned_data["ids"]
        if len(ids) > MAX_BULK_ROWS:
            raise forms.ValidationError(self.too_many % {"count": MAX_BULK_ROWS})
        return ids


class BulkDecisionForm(QueueSelectionForm):
    """Several expected-churn rows, one decision, one reason."""

    selection_messages = {
        "required": _("Select at least one account."),
        "invalid_choice": _("Select accounts from your own queue."),
        "invalid_pk_value": _("Select accounts from your own queue."),
    }
    too_many = _("Select at most %(count)s accounts at once.")
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss")), ("lift", _("Lift the flag"))]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        error_messages={
            "required": _("A reason is required: the decision is shared with the team.")
        },
    )
