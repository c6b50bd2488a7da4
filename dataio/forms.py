from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dataio.columns import IGNORE, SIGNAL
from dataio.models import ColumnMapping, ImportKind
from teams.models import Team

TARGET_LABELS = {
    "external_id": _("External ID"),
    "name": _("Name"),
    "industry": _("Industry"),
    "country": _("Country"),
    "segment": _("Segment"),
    "mrr": _("MRR"),
    "arr": _("ARR (divided by 12)"),
    "currency": _("Currency"),
    "contract_start": _("Contract start"),
    "renewal_date": _("Renewal date"),
    "contract_term_months": _("Contract term (months)"),
    "break_clause_date": _("Break clause"),
    "planned_go_live": _("Planned go-live"),
    "signing_discount_pct": _("Discount at signing (%)"),
    "phase": _("Journey phase"),
    "owner": _("Owner"),
    "funding_stage": _("Funding stage"),
    "cash_runway_months": _("Cash runway (months)"),
    "monthly_burn": _("Monthly burn"),
    "late_payments": _("Late payments"),
    "licensed_seats": _("Licensed seats"),
    "active_users": _("Active users"),
    "usage_intensity": _("Usage intensity (sessions per user)"),
    "as_of": _("As of (snapshot date)"),
    "outcome": _("Outcome (churn or renewal)"),
    "churned_on": _("Churn date"),
    "churn_reason": _("Churn reason"),
    "renewed_on": _("Renewal date"),
    "new_mrr": _("New MRR"),
    SIGNAL: _("A named signal"),
    IGNORE: _("Ignore"),
}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"))
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    default_team = forms.ModelChoiceField(
        label=_("Team of new accounts"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("For new accounts whose owner has no team."),
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today's facts; a past date records a snapshot."),
    )
    mapping = forms.ChoiceField(label=_("Saved column mapping"), required=False)

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_team"].queryset = teams  # type: ignore[attr-defined]
        names = ColumnMapping.objects.values_list("name", flat=True)
        cast(forms.ChoiceField, self.fields["mapping"]).choices = [
            ("", _("Recognise the columns")),
            *((n, n) for n in names),
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.DATAIO_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB.") % {"max": settings.DATAIO_MAX_UPLOAD_MB}
            )
        name = upload.name.lower()
        if not name.endswith((".csv", ".txt", ".tsv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload

    def clean_as_of(self) -> date | None:
        value = self.cleaned_data.get("as_of")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("A snapshot date cannot be in the future."))
        return value


class MappingForm(forms.Form):
    """One choice per column of the file, and an optional name to save the mapping under."""

    save_as = forms.CharField(label=_("Save this mapping as"), max_length=80, required=False)

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        targets: list[str],
        fields: tuple[str, ...],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f, TARGET_LABELS[f]) for f in (*fields, SIGNAL, IGNORE)]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(no header)"),
                choices=choices,
                initial=targets[index] if index < len(targets) else IGNORE,
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{index}"] for index in range(len(self.headers))]

    def targets(self) -> list[str]:
        return [self.cleaned_data[f"col_{index}"] for index in range(len(self.headers))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(f"col_{i}") for i in range(len(self.headers))]
        repeated = {t for t in chosen if t not in (SIGNAL, IGNORE) and chosen.count(t) > 1}
        for index, target in enumerate(chosen):
            if target in repeated:
                self.add_error(f"col_{index}", _("Two columns cannot hold the same fact."))
        if "external_id" not in chosen:
            raise forms.ValidationError(_("One column must hold the external id."))
        return data
