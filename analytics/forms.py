from datetime import date
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.countries import country_choices
from accounts.models import Industry, Phase, Segment
from analytics.queries import Filters
from churnguard.widgets import FastSelect
from teams.models import Team, User


class MonthField(forms.CharField):
    """A calendar month as YYYY-MM; cleans to the month's first day."""

    def to_python(self, value: object) -> date | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Give a month as YYYY-MM, e.g. 2026-03.")) from None


class AnalyticsFilterForm(forms.Form):
    """The dashboard's query string. Invalid values are reported and ignored, never a 500."""

    month = MonthField(label=_("Month"), required=False)
    # FastSelect: one Jinja2 loop per list (~250 countries) instead of a template per option.
    team = forms.TypedChoiceField(
        label=_("Team"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    owner = forms.TypedChoiceField(
        label=_("CSM"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    segment = forms.ChoiceField(label=_("Segment"), required=False, widget=FastSelect)
    industry = forms.ChoiceField(label=_("Industry"), required=False, widget=FastSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=FastSelect)
    phase = forms.ChoiceField(label=_("Phase"), required=False, widget=FastSelect)

    def __init__(
        self, *args: object, teams: list[Team], owners: list[User], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ("", _("All teams")),
            *[(t.pk, t.name) for t in teams],
        ]
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            ("", _("All CSMs")),
            *[(u.pk, u.get_full_name() or u.username) for u in owners],
        ]
        cast(forms.ChoiceField, self.fields["segment"]).choices = [
            ("", _("All segments")),
            *Segment.choices,
        ]
        cast(forms.ChoiceField, self.fields["industry"]).choices = [
            ("", _("All industries")),
            *Industry.choices,
        ]
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            ("", _("All countries")),
            *country_choices(),
        ]
        cast(forms.ChoiceField, self.fields["phase"]).choices = [
            ("", _("All phases")),
            *Phase.choices,
        ]

    def clean_month(self) -> date | None:
        month = self.cleaned_data.get("month")
        if month is not None and not date(2000, 1, 1) <= month <= date(2100, 12, 1):
            raise forms.ValidationError(_("Pick a month between 2000 and 2100."))
        return month

    def valid_data(self) -> dict[str, object]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}

    def to_filters(self, *, default_owner: int | None = None) -> Filters:
        data = self.valid_data()
        owner = data.get("owner")
        if owner is None and "owner" not in self.data:
            owner = default_owner
        return Filters(
            team=data.get("team"),  # type: ignore[arg-type]
            owner=owner,  # type: ignore[arg-type]
            segment=str(data.get("segment") or ""),
            industry=str(data.get("industry") or ""),
            country=str(data.get("country") or ""),
            phase=str(data.get("phase") or ""),
        )
