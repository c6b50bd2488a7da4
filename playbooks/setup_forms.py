"""The admin's set-up forms: a lever's settings, the crisis strategy, the approval thresholds.

The lever form is generated from the lever's kind: one default, minimum and maximum per
parameter the kind's formula reads (`levers.KIND_PARAMS`), typed as numbers, checked against
each other and against the widest bounds of the parameter's unit (`levers.UNIT_CEILINGS`), so
a lever the core would refuse is a form error with the field's own label, never a 500 later.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from accounts.models import Band, Phase, Segment
from churnguard.validation import BoundedInputMixin, validate_currency_code
from playbooks.default_wording import in_reader_language
from playbooks.levers import (
    ACCOUNT_SUPPLIED_PARAMS,
    GIVE_BACKS,
    KIND_PARAMS,
    PARAM_UNITS,
    UNIT_CEILINGS,
)
from playbooks.models import GIVE_BACK_LABELS, Lever, Strategy

BOUNDS = ("default", "min", "max")
BOUND_LABELS = {
    "default": _("%(param)s: default"),
    "min": _("%(param)s: minimum"),
    "max": _("%(param)s: maximum"),
}


def number_text(value: Decimal) -> str:
    """A Decimal as the catalogue stores it: "3", "0.5", never "3E+1" or "3.00"."""
    return f"{value.normalize():f}"


def _entry(mapping: object, name: str) -> dict[str, Any]:
    """`mapping[name]` when both are dicts (a row edited by hand may hold anything)."""
    value = mapping.get(name) if isinstance(mapping, dict) else None
    return value if isinstance(value, dict) else {}


def _decimal_or_none(raw: object) -> Decimal | None:
    try:
        return Decimal(str(raw))
    except ArithmeticError:
        return None


@dataclass(frozen=True, slots=True)
class ParamFields:
    """One parameter of the lever on the form: its label, unit code and three fields."""

    name: str
    label: str
    unit: str
    default: forms.BoundField
    min: forms.BoundField
    max: forms.BoundField

    @property
    def bounds(self) -> tuple[forms.BoundField, ...]:
        return (self.default, self.min, self.max)


def _number_field(label: str, *, required: bool, whole: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=0 if whole else 2,
        widget=forms.NumberInput(attrs={"step": "1" if whole else "0.01", "class": "num"}),
    )


def _ticks(label: Any, choices: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    """Codes as checkboxes; none ticked is allowed (for where a lever applies: everywhere)."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class LeverSetupForm(BoundedInputMixin, forms.Form):
    """Everything an admin may change on a lever; its kind (the formula) stays as it is."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_(
            "A name from the shipped catalogue shows in each reader's language until edited."
        ),
    )
    is_active = forms.BooleanField(label=_("Offered to CSMs"), required=False)
    order = forms.IntegerField(
        label=_("Order in the catalogue"), min_value=0, max_value=32767, initial=100
    )
    phases = _ticks(_("Journey phases"), Phase.choices, _("None ticked: every phase."))
    bands = _ticks(_("Risk bands"), Band.choices, _("None ticked: every band."))
    segments = _ticks(_("Segments"), Segment.choices, _("None ticked: every segment."))
    give_backs = _ticks(
        _("What to ask in return"), [(code, GIVE_BACK_LABELS[code]) for code in GIVE_BACKS]
    )
    note = forms.CharField(
        label=_("Why this change (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data: Any = None, *, lever: Lever) -> None:
        super().__init__(data, initial=self._initial(lever))
        self.lever = lever
        self.param_names: tuple[str, ...] = KIND_PARAMS.get(lever.kind, ())
        limits = lever.param_limits  # _entry copes with a row broken by hand
        self.whole = {name: _entry(limits, name).get("whole") is True for name in self.param_names}
        self.labels = {
            name: str(_entry(limits, name).get("label") or name) for name in self.param_names
        }
        for name in self.param_names:
            label = in_reader_language(self.labels[name])
            for bound in BOUNDS:
                required = not (bound == "default" and name in ACCOUNT_SUPPLIED_PARAMS)
                self.fields[f"{name}__{bound}"] = _number_field(
                    str(BOUND_LABELS[bound] % {"param": label}),
                    required=required,
                    whole=self.whole[name],
                )

    @staticmethod
    def _initial(lever: Lever) -> dict[str, object]:
        initial: dict[str, object] = {
            "name": lever.name,
            "is_active": lever.is_active,
            "order": lever.order,
            "phases": lever.phases,
            "bands": lever.bands,
            "segments": lever.segments,
            "give_backs": lever.give_backs,
        }
        for name in KIND_PARAMS.get(lever.kind, ()):
            entry = _entry(lever.param_limits, name)
            defaults = lever.default_params if isinstance(lever.default_params, dict) else {}
            values = {
                "default": defaults.get(name),
                "min": entry.get("min"),
                "max": entry.get("max"),
            }
            for bound, raw in values.items():
                number = _decimal_or_none(raw) if raw is not None else None
                if number is not None and number.is_finite():
                    initial[f"{name}__{bound}"] = number_text(number)
        return initial

    def param_fields(self) -> Iterator[ParamFields]:
        for name in self.param_names:
            yield ParamFields(
                name=name,
                label=in_reader_language(self.labels[name]),
                unit=PARAM_UNITS.get(name, "count"),
                default=self[f"{name}__default"],
                min=self[f"{name}__min"],
                max=self[f"{name}__max"],
            )

    def choice_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("phases", "bands", "segments", "give_backs")]

    def catalogue_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "order", "is_active")]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the lever a name."))
        if Lever.objects.filter(name=name).exclude(pk=self.lever.pk).exists():
            raise forms.ValidationError(_("Another lever already has this name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.param_names:
            self._check_bounds(name, data)
        return data

    def _check_bounds(self, name: str, data: dict[str, Any]) -> None:
        label = in_reader_language(self.labels[name])
        low, high = data.get(f"{name}__min"), data.get(f"{name}__max")
        default = data.get(f"{name}__default")
        ceiling = UNIT_CEILINGS[PARAM_UNITS.get(name, "count")]
        params = {"param": label, "ceiling": number_text(ceiling)}
        for bound, value in (("min", low), ("max", high), ("default", default)):
            if value is not None and value > ceiling:
                message = _("%(param)s cannot be over %(ceiling)s.")
                self.add_error(f"{name}__{bound}", message % params)
                return
        if low is not None and high is not None and low > high:
            self.add_error(
                f"{name}__min", _("%(param)s: the minimum is above the maximum.") % params
            )
        elif (
            default is not None
            and low is not None
            and high is not None
            and not low <= default <= high
        ):
            self.add_error(
                f"{name}__default",
                _("%(param)s: the default must be between the minimum and the maximum.") % params,
            )

    def _give_backs(self, ticked: list[str]) -> list[str]:
        # The first is what the proposal form suggests: those kept stay in their order.
        kept = [code for code in self.lever.give_backs if code in ticked]
        return kept + [code for code in GIVE_BACKS if code in ticked and code not in kept]

    def changes(self) -> dict[str, Any]:
        """The lever's fields as the form sets them, in the shape the `Lever` row stores."""
        data = self.cleaned_data
        old_limits = self.lever.param_limits if isinstance(self.lever.param_limits, dict) else {}
        defaults, limits = {}, {}
        for name in self.param_names:
            if data.get(f"{name}__default") is not None:
                defaults[name] = number_text(data[f"{name}__default"])
            entry = _entry(old_limits, name)
            limits[name] = {
                **entry,
                "min": number_text(data[f"{name}__min"]),
                "max": number_text(data[f"{name}__max"]),
                "label": self.labels[name],
                "whole": self.whole[name],
            }
        return {
            "name": data["name"],
            "is_active": data["is_active"],
            "order": data["order"],
            # In the choices' order, so that the stored list never depends on the click order.
            "phases": [code for code in Phase.values if code in data["phases"]],
            "bands": [code for code in Band.values if code in data["bands"]],
            "segments": [code for code in Segment.values if code in data["segments"]],
            "give_backs": self._give_backs(data["give_backs"]),
            "default_params": defaults,
            "param_limits": limits,
        }


class DatedSettingForm(BoundedInputMixin, forms.Form):
    """A setting that takes effect from a date: today or later, never rewriting the past."""

    effective_from = forms.DateField(label=_("In force from"), widget=DateInput())
    note = forms.CharField(
        label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data: Any = None, *, today: date, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.today = today

    def clean_effective_from(self) -> date:
        day: date = self.cleaned_data["effective_from"]
        if day < self.today:
            raise forms.ValidationError(
                _("Pick today or a later date: what applied in the past stays as it was.")
            )
        return day


class StrategyForm(DatedSettingForm):
    strategy = forms.ChoiceField(label=_("Crisis strategy"), choices=Strategy.choices)

    field_order = ["strategy", "effective_from", "note"]


class CurrencyField(forms.CharField):
    def to_python(self, value: Any) -> str:
        # Upper-cased before the ISO check: "eur" is EUR.
        return str(super().to_python(value)).upper()


class ApprovalPolicyForm(DatedSettingForm):
    currency = CurrencyField(
        label=_("Currency"),
        max_length=3,
        validators=[validate_currency_code],
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    auto_cash = forms.DecimalField(
        label=_("Approved at once up to (cash)"), min_value=0, max_digits=12, decimal_places=2
    )
    auto_mrr = forms.DecimalField(
        label=_("Approved at once up to (MRR a month)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    manager_cash = forms.DecimalField(
        label=_("A manager approves up to (cash)"), min_value=0, max_digits=12, decimal_places=2
    )
    manager_mrr = forms.DecimalField(
        label=_("A manager approves up to (MRR a month)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )

    field_order = [
        "effective_from",
        "currency",
        "auto_cash",
        "auto_mrr",
        "manager_cash",
        "manager_mrr",
        "note",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in ("cash", "mrr"):
            auto, manager = data.get(f"auto_{kind}"), data.get(f"manager_{kind}")
            if auto is not None and manager is not None and manager < auto:
                self.add_error(
                    f"manager_{kind}",
                    _("A manager's limit cannot be below the automatic approval limit."),
                )
        return data
