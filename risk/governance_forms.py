"""Forms of the backtest, the review before publishing, and learned suggestions."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from risk.services.backtest import DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS


class BacktestForm(forms.Form):
    horizon_days = forms.IntegerField(
        label=_("Horizon (days)"),
        min_value=1,
        max_value=MAX_HORIZON_DAYS,
        initial=DEFAULT_HORIZON_DAYS,
        help_text=_("A case counts as churned when the account left within this many days."),
    )


class PublishReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Why publish this version"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the draft predicts worse than the active version."),
    )


def _default_train_before() -> date:
    return timezone.localdate() - timedelta(days=365)


class SuggestForm(forms.Form):
    train_before = forms.DateField(
        label=_("Learn from the history before"),
        initial=_default_train_before,
        widget=DateInput,
        help_text=_(
            "Cases from this date on are held out to compare the suggestion with the active model."
        ),
    )

    def clean_train_before(self) -> date:
        value: date = self.cleaned_data["train_before"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a past date."))
        return value
