from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from accounts.models import Band, Phase
from churnguard.validation import BoundedInputMixin
from risk.services.overrides import OverrideError, check_expiry


class WhatIfForm(BoundedInputMixin, forms.Form):
    """Try other facts on an account without saving them."""

    prefix = "whatif"  # the account page also has a phase form

    cash_runway_months = forms.DecimalField(
        label=_("Cash runway (months)"),
        required=False,
        min_value=0,
        max_value=600,
        decimal_places=1,
    )
    phase = forms.ChoiceField(label=_("Journey phase"), choices=Phase.choices, required=False)


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
