"""Bounds every input shares, at the form and at the model.

Dates between 1900 and 2200 (a year 1 or 9999 is a typo, and some drivers cannot read it back),
ISO 4217 currency codes, single-line names, no control characters, integers that fit a column.
`BoundedInputMixin` applies them to every field of a form, including fields added at run time,
so a form only has to inherit it.
"""

import unicodedata
from datetime import date, datetime

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
# A 32-bit signed column is the narrowest integer a plain form field may end up in.
INTEGER_LIMIT = 2**31 - 1

# Codes ISO 4217 reserves for tests, "no currency", precious metals and accounting units.
_NOT_MONEY = {"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU"}
CURRENCY_CODES: frozenset[str] = frozenset(
    c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in _NOT_MONEY | {"XUA"}
)
# Line and paragraph separators that are not control characters but still break a line.
_LINE_BREAKS = {"\u2028", "\u2029", "\x85"}


def validate_sane_date(value: date | datetime | None) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
        )


def _is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc" or character in _LINE_BREAKS


def validate_single_line(value: str) -> None:
    """Names, titles, codes: no line break, tab or other control character."""
    if isinstance(value, str) and any(_is_control(c) for c in value):
        raise ValidationError(
            _("Use a single line, without line breaks or control characters."),
            code="not_single_line",
        )


def validate_no_control_characters(value: str) -> None:
    """Free text: line breaks and tabs are fine, other control characters are not."""
    if isinstance(value, str) and any(_is_control(c) and c not in "\n\r\t" for c in value):
        raise ValidationError(
            _("Remove the control characters from this text."), code="control_characters"
        )


def validate_currency_code(value: str) -> None:
    if value not in CURRENCY_CODES:
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code: use one such as EUR or USD."),
            code="unknown_currency",
            params={"value": value},
        )


def _add(field: forms.Field, *validators: object) -> None:
    for validator in validators:
        if validator not in field.validators:
            field.validators.append(validator)  # type: ignore[arg-type]


def bound_field(field: forms.Field) -> None:
    """Give a form field the bounds its type calls for (idempotent)."""
    if isinstance(field, forms.DateField | forms.DateTimeField):
        _add(field, validate_sane_date)
    elif isinstance(field, forms.CharField) and not isinstance(field, forms.EmailField):
        if isinstance(field.widget, forms.Textarea):
            _add(field, validate_no_control_characters)
        else:
            _add(field, validate_single_line)
    elif isinstance(field, forms.IntegerField) and not isinstance(
        field, forms.DecimalField | forms.FloatField
    ):
        if field.max_value is None:
            _add(field, _MAX_INTEGER)
        if field.min_value is None:
            _add(field, _MIN_INTEGER)


_MAX_INTEGER = MaxValueValidator(INTEGER_LIMIT)
_MIN_INTEGER = MinValueValidator(-INTEGER_LIMIT)


class BoundedInputMixin:
    """Mix into a Form or ModelForm: every field gets the shared bounds before cleaning."""

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for field in self.fields.values():
            bound_field(field)
        super().full_clean()  # type: ignore[misc]
