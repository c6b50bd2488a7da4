"""The default risk model's own wording in the reader's language, while it keeps the shipped value.

Region names, country notes and signal labels are admin-editable data: a value an admin typed is
shown as typed; one that ChurnGuard shipped (risk/default_model.py) is translated.
"""

from django import template

from risk.reasons import DEFAULT_NOTES, DEFAULT_REGIONS, DEFAULT_SIGNAL_LABELS, translated_default

register = template.Library()


@register.filter
def default_region(value: str) -> str:
    return translated_default(value, DEFAULT_REGIONS) if value else value


@register.filter
def default_note(value: str) -> str:
    return translated_default(value, DEFAULT_NOTES) if value else value


@register.filter
def default_signal_label(value: str) -> str:
    return translated_default(value, DEFAULT_SIGNAL_LABELS) if value else value
