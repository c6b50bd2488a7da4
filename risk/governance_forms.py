"""Forms of the backtest, the review before publishing, and learned suggestions."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from churnguard.validation import BoundedInputMixin
from risk.models import RiskModel
from risk.queries import backtestable_models
from risk.services.backtest import DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS
from teams.models import User


class ModelVersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: RiskModel) -> str:
        return f"v{obj.version} ({obj.get_status_display()})"


class BacktestForm(BoundedInputMixin, forms.Form):
    """What to backtest: a model version the user may see (the active one when left empty), the
    horizon, and the range of case dates. Read from the URL (`?model=3&horizon_days=180`)."""

    model = ModelVersionChoice(
        label=_("Model version"),
        queryset=RiskModel.objects.none(),
        to_field_name="version",
        required=False,
        empty_label=_("The active model"),
    )
    horizon_days = forms.IntegerField(
        label=_("Horizon (days)"),
        min_value=1,
        max_value=MAX_HORIZON_DAYS,
        initial=DEFAULT_HORIZON_DAYS,
        help_text=_("A case counts as churned when the account left within this many days."),
    )
    date_from = forms.DateField(label=_("Cases from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Cases to"), required=False, widget=DateInput)

    def __init__(self, data: QueryDict | None = None, *, user: User) -> None:
        if data is not None and not data.get("horizon_days"):
            # A link naming only the version or the dates: the default horizon, shown as used.
            data = data.copy()
            data["horizon_days"] = str(DEFAULT_HORIZON_DAYS)
        super().__init__(data)
        field = self.fields["model"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = backtestable_models(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("Choose a date on or after the first one."))
        return cleaned


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
