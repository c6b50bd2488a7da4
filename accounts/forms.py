from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CODES, country_choices
from accounts.models import (
    Account,
    Band,
    Industry,
    OutcomeKpi,
    Phase,
    SavedView,
    Segment,
    SignalReading,
    Stakeholder,
    Touchpoint,
    UsageSnapshot,
)
from accounts.presenters import COLUMN_CHOICES
from accounts.queries import DEFAULT_SORT, SORT_CHOICES, SORTS, TriageFilters
from churnguard.validation import BoundedInputMixin, validate_currency_code
from churnguard.widgets import FastSelect, SuggestInput
from teams.models import Team

StrOrLazy = str | Promise
Choices = list[tuple[str, StrOrLazy]]


def _with_blank(label: StrOrLazy, choices: Iterable[tuple[str, StrOrLazy]]) -> Choices:
    return [("", label), *choices]


class TriageFilterForm(BoundedInputMixin, forms.Form):
    """The triage list's query string. Invalid values are reported and ignored, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    band = forms.ChoiceField(label=_("Risk band"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    renewal = forms.ChoiceField(
        label=_("Renewal"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("quarter", _("This quarter")),
            ("30", _("Within 30 days")),
            ("90", _("Within 90 days")),
            ("180", _("Within 180 days")),
        ],
    )
    expected_churn = forms.ChoiceField(
        label=_("Expected churn"),
        required=False,
        choices=[("", _("All")), ("yes", _("Flagged")), ("no", _("Not flagged"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=SORT_CHOICES,
    )

    def __init__(self, *args: object, owners: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices: dict[str, Choices] = {
            "phase": _with_blank(_("All phases"), Phase.choices),
            "band": _with_blank(_("All bands"), Band.choices),
            "industry": _with_blank(_("All industries"), Industry.choices),
            "country": _with_blank(_("All countries"), country_choices()),
            "owner": _with_blank(_("All owners"), [(str(pk), name) for pk, name in owners]),
        }
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField):
                if name in choices:
                    field.choices = choices[name]
                field.widget = FastSelect(choices=field.choices)  # type: ignore[arg-type]

    def to_filters(self) -> TriageFilters:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else self._valid_part()
        renewal = data.get("renewal") or ""
        expected = data.get("expected_churn") or ""
        sort = data.get("sort") or DEFAULT_SORT
        return TriageFilters(
            q=(data.get("q") or "").strip(),
            phase=data.get("phase") or "",
            band=data.get("band") or "",
            industry=data.get("industry") or "",
            country=data.get("country") or "",
            owner=data.get("owner"),
            renewal_within_days=int(renewal) if renewal.isdigit() else None,
            renewal_this_quarter=renewal == "quarter",
            expected_churn={"yes": True, "no": False}.get(expected),
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    def _valid_part(self) -> dict[str, Any]:
        # Keep the filters that were valid; the template shows the errors of the others.
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    def valid_query(self) -> QueryDict:
        """The submitted query without its invalid values (a saved view's stale filters)."""
        self.is_valid()
        query = QueryDict(mutable=True)
        for name in self.fields:
            if name in self.data and name not in self.errors:
                query[name] = self.data[name]
        return query


class TriageColumnsForm(forms.Form):
    """The column chooser: which optional columns the triage table shows."""

    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        required=False,
        choices=COLUMN_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    # The list's query string, to come back to the same filters.
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class SavedViewForm(BoundedInputMixin, forms.ModelForm):
    """Name a view and choose who sees it: only its owner, or one of the owner's teams."""

    class Meta:
        model = SavedView
        fields = ["name", "shared_with_team"]
        labels = {"name": _("View name"), "shared_with_team": _("Visible to")}

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["shared_with_team"])
        field.queryset = teams
        field.empty_label = _("Only me")


class NewSavedViewForm(SavedViewForm):
    """Saving the filters and columns on screen under a name."""

    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    columns = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)  # type: ignore[arg-type]


class AccountForm(BoundedInputMixin, forms.ModelForm):
    country = forms.ChoiceField(
        label=_("Country"),
        choices=country_choices,
        widget=FastSelect,
        error_messages={
            "invalid_choice": _("Unknown country “%(value)s”: pick a country from the list."),
        },
    )

    class Meta:
        model = Account
        fields = [
            "name",
            "external_id",
            "industry",
            "country",
            "segment",
            "mrr",
            "currency",
            "contract_start",
            "renewal_date",
            "break_clause_date",
            "planned_go_live",
            "signing_discount_pct",
            "phase",
            "phase_entered_on",
            "owner",
            "funding_stage",
            "cash_runway_months",
            "monthly_burn",
            "late_payments",
            "cash_facts_as_of",
            "status",
            "churned_on",
            "churn_reason",
        ]
        widgets = {
            "industry": SuggestInput(Industry.choices),
            "segment": SuggestInput(Segment.choices),
        } | {
            name: DateInput()
            for name in (
                "contract_start",
                "renewal_date",
                "break_clause_date",
                "planned_go_live",
                "phase_entered_on",
                "cash_facts_as_of",
                "churned_on",
            )
        }
        error_messages = {
            "mrr": {"min_value": _("MRR cannot be negative.")},
            "cash_runway_months": {"min_value": _("Cash runway cannot be negative.")},
            "external_id": {"unique": _("Another account already has this external id.")},
        }

    def __init__(self, *args: object, owners: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Imports may leave the phase unknown; a person editing the account picks one.
        self.fields["phase"].required = True
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def _check_mrr_against_status(self, data: dict[str, object]) -> None:
        # A churned account's MRR is 0 (what it lost is its churn movement): it gets MRR back only
        # by becoming active again, a reactivation.
        was_churned = self.instance.pk is not None and self.instance.status == "churned"
        mrr = data.get("mrr")
        if not was_churned or not isinstance(mrr, Decimal):
            return
        if data.get("status") == "churned" and mrr != self.instance.mrr:
            self.add_error(
                "mrr", _("A churned account has no MRR: set it active to reactivate it.")
            )
        elif data.get("status") == "active" and mrr <= 0:
            self.add_error("mrr", _("A reactivated account needs its new MRR."))

    def clean_country(self) -> str:
        code = (self.cleaned_data.get("country") or "").upper()
        if code not in COUNTRY_CODES:
            raise forms.ValidationError(_("Unknown country code: use an ISO 3166 code such as FR."))
        return code

    def clean_currency(self) -> str:
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        validate_currency_code(currency)
        return currency

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, renewal = data.get("contract_start"), data.get("renewal_date")
        if isinstance(start, date) and isinstance(renewal, date) and renewal <= start:
            self.add_error(
                "renewal_date", _("The renewal date must come after the contract start.")
            )
        brk = data.get("break_clause_date")
        if isinstance(brk, date) and isinstance(start, date) and brk < start:
            self.add_error("break_clause_date", _("The break clause cannot precede the contract."))
        today = timezone.localdate()
        if data.get("status") == "churned":
            if not data.get("churned_on"):
                self.add_error("churned_on", _("A churned account needs its churn date."))
            if not data.get("churn_reason"):
                self.add_error(
                    "churn_reason", _("Say why the account left: it feeds the churn study.")
                )
        else:
            data["churned_on"], data["churn_reason"] = None, ""
        self._check_mrr_against_status(data)
        for field in ("phase_entered_on", "cash_facts_as_of", "churned_on"):
            value = data.get(field)
            if isinstance(value, date) and value > today:
                self.add_error(field, _("This date is in the future."))
        return data


class TouchpointForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Touchpoint
        fields = ["kind", "happened_at", "summary"]
        widgets = {
            "happened_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_happened_at(self) -> object:
        happened_at = self.cleaned_data["happened_at"]
        if happened_at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A touchpoint cannot be in the future."))
        return happened_at


class PhaseForm(BoundedInputMixin, forms.Form):
    phase = forms.ChoiceField(label=_("Journey phase"), choices=Phase.choices)


class StakeholderForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["name", "title", "email", "level", "is_key", "left_on"]
        widgets = {"left_on": DateInput()}

    def clean_left_on(self) -> object:
        left_on = self.cleaned_data.get("left_on")
        if left_on and left_on > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return left_on


def _not_in_future(value: date | None) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class UsageSnapshotForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = UsageSnapshot
        fields = ["on", "active_users", "licensed_seats"]
        widgets = {"on": DateInput()}

    def clean_on(self) -> object:
        return _not_in_future(self.cleaned_data.get("on"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        active, seats = data.get("active_users"), data.get("licensed_seats")
        if isinstance(active, int) and isinstance(seats, int) and active > seats:
            self.add_error("active_users", _("More active users than licensed seats."))
        if seats == 0:
            self.add_error("licensed_seats", _("An account has at least one licensed seat."))
        return data


class OutcomeKpiForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = OutcomeKpi
        fields = ["name", "unit", "target", "actual", "higher_is_better", "as_of"]
        widgets = {"as_of": DateInput()}

    def clean_as_of(self) -> object:
        return _not_in_future(self.cleaned_data.get("as_of"))

    def clean_target(self) -> object:
        target = self.cleaned_data["target"]
        if target <= 0:
            raise forms.ValidationError(_("The target must be above zero."))
        return target


class SignalReadingForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = SignalReading
        fields = ["name", "value", "as_of"]
        widgets = {"as_of": DateInput()}
        help_texts = {"name": _("A short name such as csat or open_tickets.")}

    def clean_as_of(self) -> object:
        return _not_in_future(self.cleaned_data.get("as_of"))
