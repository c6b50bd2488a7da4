from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from churnguard.validation import BoundedInputMixin


class SnoozeForm(BoundedInputMixin, forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500)
