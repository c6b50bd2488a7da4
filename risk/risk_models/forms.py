"""Forms over one part of a draft risk model's configuration.

Each form reads its initial values from a configuration dict (`initial_from`) and, once valid,
writes its part into a copy of the current configuration (`apply`). The forms check what a
person can get wrong in one field (ranges, dates, country codes, numbers); whether the whole model
still makes sense is the engine's call, made by `update_draft`.
"""

import copy
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CODES, country_choices
from accounts.forms import DateInput
from accounts.models import Industry
from churnguard.validation import BoundedInputMixin
from churnguard.widgets import FastSelect
from risk import engine
from risk.presenters import factor_label

Config = dict[str, Any]

# The score lives in 0..100: a table entry beyond that can only be a typo.
POINTS_LIMIT = 100
MAX_WEIGHT = 5
CUSTOM_THRESHOLDS = 4


class ConfigForm(BoundedInputMixin, forms.Form):
    """A form that edits one part of a risk model's configuration."""

    def __init__(self, *args: Any, config: Mapping[str, Any], **kwargs: Any) -> None:
        self.config = config
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    @classmethod
    def unbound(cls, config: Mapping[str, Any], **initial: Any) -> "ConfigForm":
        return cls(config=config, initial=cls.initial_from(config) | initial)

    def apply(self, config: Mapping[str, Any]) -> Config:
        """A new configuration: `config` with this form's cleaned data written in."""
        raise NotImplementedError

    def draft_changes(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """Keyword arguments for `update_draft`."""
        return {"config": self.apply(config)}


class GeneralForm(ConfigForm):
    base_score = forms.IntegerField(
        label=_("Base score"),
        min_value=0,
        max_value=100,
        help_text=_("Where every account starts before the factors add or remove points."),
    )
    medium = forms.IntegerField(label=_("Medium from"), min_value=1, max_value=100)
    high = forms.IntegerField(label=_("High from"), min_value=1, max_value=100)
    critical = forms.IntegerField(label=_("Critical from"), min_value=1, max_value=100)
    max_fact_age_days = forms.IntegerField(
        label=_("Maximum fact age (days)"),
        min_value=1,
        max_value=3650,
        help_text=_("Older facts count as missing: the score is never made from stale data."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What this version changes, and why."),
    )

    @classmethod
    def initial_from(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        model = engine.ModelConfig.from_dict(config)
        return {
            "base_score": model.base_score,
            "medium": model.bands.medium,
            "high": model.bands.high,
            "critical": model.bands.critical,
            "max_fact_age_days": model.max_fact_age_days,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        medium, high, critical = data.get("medium"), data.get("high"), data.get("critical")
        if medium is not None and high is not None and medium >= high:
            self.add_error("medium", _("The medium band must start below the high band."))
        if high is not None and critical is not None and high >= critical:
            self.add_error("high", _("The high band must start below the critical band."))
        return data

    def apply(self, config: Mapping[str, Any]) -> Config:
        new = copy.deepcopy(dict(config))
        data = self.cleaned_data
        new["base_score"] = data["base_score"]
        new["bands"] = {k: data[k] for k in ("medium", "high", "critical")}
        new["max_fact_age_days"] = data["max_fact_age_days"]
        return new

    def draft_changes(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return {"config": self.apply(config), "notes": self.cleaned_data["notes"].strip()}


class WeightsForm(ConfigForm):
    """One weight per built-in factor; custom factors keep theirs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for factor in engine.FACTORS:
            self.fields[factor] = forms.DecimalField(
                label=factor_label(factor),
                min_value=0,
                max_value=MAX_WEIGHT,
                max_digits=4,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.05"}),
            )

    @classmethod
    def initial_from(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        weights = config.get("weights", {})
        return {factor: weights.get(factor, 1.0) for factor in engine.FACTORS}

    def apply(self, config: Mapping[str, Any]) -> Config:
        new = copy.deepcopy(dict(config))
        weights = dict(new.get("weights", {}))
        weights.update({f: float(self.cleaned_data[f]) for f in engine.FACTORS})
        new["weights"] = weights
        return new


class IndustryPointsForm(ConfigForm):
    """Points per industry; a blank leaves the industry out (its accounts get "no data")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in Industry.choices:
            self.fields[code] = forms.IntegerField(
                label=label, required=False, min_value=-POINTS_LIMIT, max_value=POINTS_LIMIT
            )

    @classmethod
    def initial_from(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        points = config.get("industry_points", {})
        return {code: points.get(code) for code in Industry.values}

    def apply(self, config: Mapping[str, Any]) -> Config:
        new = copy.deepcopy(dict(config))
        # Codes the app no longer knows stay as they are: this form only speaks for Industry.
        points = dict(new.get("industry_points", {}))
        for code in Industry.values:
            value = self.cleaned_data[code]
            if value is None:
                points.pop(code, None)
            else:
                points[code] = value
        new["industry_points"] = points
        return new


def _country_options() -> list[tuple[str, str]]:
    return [("", "—"), *country_choices()]


class CountryRowForm(ConfigForm):
    """Add a dated row to a country, or change the row that starts on the same day."""

    prefix = "country"

    # A plain CharField so the code is checked against COUNTRY_CODES (in any case), not only
    # against the options the select happened to render.
    country = forms.CharField(label=_("Country"), max_length=2, widget=FastSelect)
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    points = forms.IntegerField(label=_("Points"), min_value=-POINTS_LIMIT, max_value=POINTS_LIMIT)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form: the names follow the language of the request.
        self.fields["country"].widget.choices = _country_options()

    def clean_country(self) -> str:
        code = (self.cleaned_data.get("country") or "").upper()
        if code not in COUNTRY_CODES:
            raise forms.ValidationError(_("Unknown country code: use an ISO 3166 code such as FR."))
        return code

    def apply(self, config: Mapping[str, Any]) -> Config:
        new = copy.deepcopy(dict(config))
        data = self.cleaned_data
        day = data["effective_from"].isoformat()
        countries = dict(new.get("country_points", {}))
        rows = [r for r in countries.get(data["country"], []) if r["effective_from"] != day]
        rows.append({"effective_from": day, "points": data["points"], "note": data["note"].strip()})
        countries[data["country"]] = sorted(rows, key=lambda r: r["effective_from"])
        new["country_points"] = countries
        return new


class CountryRowRemoveForm(ConfigForm):
    country = forms.CharField(max_length=2)
    effective_from = forms.DateField()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        country, day = data.get("country"), data.get("effective_from")
        if country and day and not _has_country_row(self.config, country, day):
            raise forms.ValidationError(_("That country row is not in this model."))
        return data

    def apply(self, config: Mapping[str, Any]) -> Config:
        new = copy.deepcopy(dict(config))
        country, day = self.cleaned_data["country"], self.cleaned_data["effective_from"]
        countries = dict(new.get("country_points", {}))
        rows = [r for r in countries.get(country, []) if r["effective_from"] != day.isoformat()]
        # The engine wants at least one row per country; without any, its region applies.
        if rows:
            countries[country] = rows
        else:
            countries.pop(country, None)
        new["country_points"] = countries
        return new


def _has_country_row(config: Mapping[str, Any], country: str, day: date) -> bool:
    rows = config.get("country_points", {}).get(country, [])
    return any(r["effective_from"] == day.isoformat() for r in rows)


class SignalFactorForm(ConfigForm):
    """A custom factor on a named signal. Saving a signal that already has a factor replaces
    that factor (its weight is kept)."""

    signal = forms.SlugField(
        label=_("Signal"),
        max_length=50,
        help_text=_("The signal's name as it is recorded on accounts, such as csat."),
    )
    label = forms.CharField(label=_("Label"), max_length=80)

    def replaces_a_factor(self) -> bool:
        signal = self.cleaned_data["signal"]
        return any(cf["signal"] == signal for cf in self.config.get("custom_factors", []))


class CustomFactorForm(SignalFactorForm):
    """A factor on a numeric signal: the points of the furthest threshold its reading crosses."""

    prefix = "custom"
    higher_is_riskier = forms.TypedChoiceField(
        label=_("Higher is riskier"),
        choices=[
            ("yes", _("Yes: the higher the reading, the riskier")),
            ("no", _("No: the lower the reading, the riskier")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, CUSTOM_THRESHOLDS + 1):
            self.fields[f"value_{i}"] = forms.DecimalField(
                label=_("Threshold %(n)s: value") % {"n": i},
                required=i == 1,
                max_digits=14,
                decimal_places=4,
            )
            self.fields[f"points_{i}"] = forms.IntegerField(
                label=_("Threshold %(n)s: points") % {"n": i},
                required=i == 1,
                min_value=0,
                max_value=POINTS_LIMIT,
            )

    @classmethod
    def initial_from(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        return {"higher_is_riskier": "yes"}

    def descriptive_fields(self) -> list[forms.BoundField]:
        return [self["signal"], self["label"], self["higher_is_riskier"]]

    def threshold_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"value_{i}"], self[f"points_{i}"]) for i in range(1, CUSTOM_THRESHOLDS + 1)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for i in range(2, CUSTOM_THRESHOLDS + 1):
            value, points = data.get(f"value_{i}"), data.get(f"points_{i}")
            if value is None and points is not None and f"value_{i}" not in self.errors:
                self.add_error(f"value_{i}", _("Give the value this threshold starts at."))
            if points is None and value is not None and f"points_{i}" not in self.errors:
                self.add_error(f"points_{i}", _("Give the points of this threshold."))
        return data

    def apply(self, config: Mapping[str, Any]) -> Config:
        data = self.cleaned_data
        thresholds = [
            # Fixed-point text: "50", never "5E+1", in the stored JSON.
            {"value": format(data[f"value_{i}"], "f"), "points": data[f"points_{i}"]}
            for i in range(1, CUSTOM_THRESHOLDS + 1)
            if data.get(f"value_{i}") is not None
        ]
        factor = {
            "signal": data["signal"],
            "label": data["label"].strip(),
            "higher_is_riskier": data["higher_is_riskier"],
            "thresholds": thresholds,
        }
        return _replace_factor(config, factor)


MAX_CATEGORIES = 30


def _replace_factor(config: Mapping[str, Any], factor: dict[str, Any]) -> Config:
    """`config` with `factor` added, or replacing the factor on the same signal."""
    new = copy.deepcopy(dict(config))
    factors = list(new.get("custom_factors", []))
    for i, existing in enumerate(factors):
        if existing["signal"] == factor["signal"]:
            factors[i] = factor
            break
    else:
        factors.append(factor)
    new["custom_factors"] = factors
    return new


class CategoryFactorForm(SignalFactorForm):
    """A factor on a category signal (plan, acquisition channel...): points per category, and
    points for any category it does not list."""

    prefix = "category"
    categories = forms.CharField(
        label=_("Points per category"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "starter = 8\nenterprise = -3"}),
        help_text=_("One category per line, then = and its points, such as starter = 8."),
    )
    other_points = forms.IntegerField(
        label=_("Points of any other category"),
        initial=0,
        min_value=-POINTS_LIMIT,
        max_value=POINTS_LIMIT,
    )

    def clean_categories(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for n, line in enumerate(str(self.cleaned_data["categories"]).splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, points = line.rpartition("=")
            name = name.strip()
            if not sep or not name:
                raise forms.ValidationError(
                    _("Line %(n)s: write the category, then = and its points.") % {"n": n}
                )
            if len(name) > 120:
                raise forms.ValidationError(
                    _("Line %(n)s: a category has at most 120 characters.") % {"n": n}
                )
            try:
                value = int(points.strip())
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: the points must be a whole number.") % {"n": n}
                ) from None
            if not -POINTS_LIMIT <= value <= POINTS_LIMIT:
                raise forms.ValidationError(
                    _("Line %(n)s: the points must be between -100 and 100.") % {"n": n}
                )
            if name in found:
                raise forms.ValidationError(
                    _("Line %(n)s: “%(category)s” is already listed.") % {"n": n, "category": name}
                )
            found[name] = value
        if not found:
            raise forms.ValidationError(_("Give at least one category and its points."))
        if len(found) > MAX_CATEGORIES:
            raise forms.ValidationError(
                _("At most %(count)s categories.") % {"count": MAX_CATEGORIES}
            )
        return found

    def apply(self, config: Mapping[str, Any]) -> Config:
        data = self.cleaned_data
        factor = {
            "signal": data["signal"],
            "label": data["label"].strip(),
            "categories": data["categories"],
            "other_points": data["other_points"],
        }
        return _replace_factor(config, factor)


class CustomFactorRemoveForm(ConfigForm):
    signal = forms.CharField(max_length=50)

    def clean_signal(self) -> str:
        signal = str(self.cleaned_data["signal"])
        if not any(cf["signal"] == signal for cf in self.config.get("custom_factors", [])):
            raise forms.ValidationError(_("That custom factor is not in this model."))
        return signal

    def apply(self, config: Mapping[str, Any]) -> Config:
        new = copy.deepcopy(dict(config))
        signal = self.cleaned_data["signal"]
        new["custom_factors"] = [
            cf for cf in new.get("custom_factors", []) if cf["signal"] != signal
        ]
        # A weight left behind for a factor that is gone would make the engine refuse the model.
        weights = dict(new.get("weights", {}))
        weights.pop(f"{engine.CUSTOM_FACTOR_PREFIX}{signal}", None)
        new["weights"] = weights
        return new


class DraftForm(BoundedInputMixin, forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("What will this version change?")}),
    )
