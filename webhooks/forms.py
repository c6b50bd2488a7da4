from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.models import Endpoint, Event


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events", "is_active"]
        help_texts = {"url": _("Where ChurnGuard POSTs the signed events (http or https).")}

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise forms.ValidationError(_("Use an http:// or https:// address."))
        if parts.username or parts.password:
            raise forms.ValidationError(_("Put no user name or password in the address."))
        return url
