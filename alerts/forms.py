from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from alerts.models import Alert, AlertStatus, Cause, Severity
from alerts.queries import DEFAULT_SORT, SORTS, InboxFilters
from churnguard.validation import BoundedInputMixin, validate_single_line

# The most rows one bulk action takes: a page holds 50, this leaves room and bounds the query.
BULK_LIMIT = 200
SORT_LABELS = {
    "severity": _("Most severe first"),
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "mrr": _("Largest MRR first"),
}


class SnoozeForm(BoundedInputMixin, forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500)


class InboxFilterForm(BoundedInputMixin, forms.Form):
    """The inbox's query string. An invalid value is reported and ignored, never a 500."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=AlertStatus.choices)
    cause = forms.ChoiceField(
        label=_("Cause"), required=False, choices=[("", _("All causes")), *Cause.choices]
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All severities")), *Severity.choices],
    )
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_LABELS.items())

    def __init__(
        self,
        *args: Any,
        owners: Iterable[tuple[int, str]],
        teams: Iterable[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("All owners")),
            *((str(pk), name) for pk, name in owners),
        ]
        self.fields["team"].choices = [  # type: ignore[attr-defined]
            ("", _("All teams")),
            *((str(pk), name) for pk, name in teams),
        ]

    def to_filters(self) -> InboxFilters:
        valid = self.is_valid()
        data = (
            self.cleaned_data
            if valid
            else {
                name: value for name, value in self.cleaned_data.items() if name not in self.errors
            }
        )
        sort = data.get("sort") or DEFAULT_SORT
        return InboxFilters(
            status=data.get("status") or AlertStatus.OPEN,
            cause=data.get("cause") or "",
            severity=data.get("severity"),
            owner=data.get("owner"),
            team=data.get("team"),
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )


class AlertsField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        # Counted before the lookup: a forged request with thousands of ids costs no query.
        if value and len(value) > BULK_LIMIT:
            raise forms.ValidationError(
                _("Select at most %(limit)d alerts at a time."), params={"limit": BULK_LIMIT}
            )
        return super().clean(value)


class BulkForm(BoundedInputMixin, forms.Form):
    """Snooze or close the selected alerts, with one reason for all of them."""

    ACTIONS = [("snooze", _("Snooze")), ("close", _("Close"))]

    alerts = AlertsField(
        queryset=Alert.objects.none(),
        error_messages={
            "required": _("Select at least one alert."),
            "invalid_choice": _("Some selected alerts are not in your inbox any more."),
            "invalid_pk_value": _("Some selected alerts are not in your inbox any more."),
        },
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    until = forms.DateField(label=_("Snooze until"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        validators=[validate_single_line],
        error_messages={"required": _("A reason is required: say why, for the team.")},
    )

    def __init__(self, *args: Any, alerts: QuerySet[Alert], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alerts"].queryset = alerts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "snooze" and not data.get("until") and "until" not in self.errors:
            self.add_error("until", _("Choose the date the alerts wake up."))
        return data
