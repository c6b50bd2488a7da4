from datetime import date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CRM sync”."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for a token that does not expire."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def clean_expires_on(self) -> date | None:
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on and expires_on <= timezone.localdate():
            raise forms.ValidationError(_("The expiry date must be in the future."))
        return expires_on

    def expires_at(self) -> datetime | None:
        """The end of the expiry day in the server's time zone."""
        expires_on = self.cleaned_data.get("expires_on")
        if not expires_on:
            return None
        return timezone.make_aware(datetime.combine(expires_on, time.max))
