from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from accounts.models import Band, FundingStage, Phase
from churnguard.validation import BoundedInputMixin
from risk.engine import AccountFacts, UsagePoint
from risk.services.overrides import OverrideError, check_expiry


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
