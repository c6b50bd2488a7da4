from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from webhooks.addresses import refusal
from webhooks.models import Endpoint, Event

REFUSALS = {
    "unresolvable": _("This host name does not resolve: check the address."),
    "private": _(
        "This address is on a private, loopback or link-local network; webhooks go to public "
        "addresses only."
    ),
}


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
        try:
            port = parts.port
        except ValueError:
            raise forms.ValidationError(_("The port in this address is not a number.")) from None
        refused = refusal(
            parts.hostname, port, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
        )
        if refused:
            raise forms.ValidationError(REFUSALS[refused])
        return url
