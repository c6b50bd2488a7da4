"""Forms of the account page that compose more than one app."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput, TouchpointForm
from churnguard.validation import validate_single_line

# A follow-up further out than this is not a follow-up.
FOLLOW_UP_MAX_DAYS = 366


class TouchpointWithFollowUpForm(TouchpointForm):
    """A touchpoint, an optional follow-up task, and the task it completes (if any)."""

    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional: creates a task for you on that day."),
    )
    follow_up_title = forms.CharField(
        label=_("Follow-up task"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Optional: what to do then."),
    )
    task = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def clean_follow_up_on(self) -> date | None:
        day: date | None = self.cleaned_data.get("follow_up_on")
        today = timezone.localdate()
        if day is not None and day < today:
            raise forms.ValidationError(_("A follow-up cannot be in the past."))
        if day is not None and day > today + timedelta(days=FOLLOW_UP_MAX_DAYS):
            raise forms.ValidationError(_("A follow-up must be within a year."))
        return day

    def clean(self) -> dict[str, object] | None:
        cleaned = super().clean()
        if self.cleaned_data.get("follow_up_title") and not self.cleaned_data.get("follow_up_on"):
            self.add_error("follow_up_on", _("Give the follow-up a date."))
        return cleaned
