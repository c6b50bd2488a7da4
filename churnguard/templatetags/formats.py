"""The one way templates and e-mails show dates, times, money, numbers and percentages.

    {% load formats %}
    {{ account.renewal_date|as_date }}          29 Nov 2026 · Nov 29, 2026 · 29 nov. 2026
    {{ touchpoint.happened_at|as_datetime }}    in the server's time zone
    {{ account.mrr|as_money:account.currency }} €2,654.50 · 2 654,50 €
    {{ account.mrr|as_money_whole:account.currency }}  €2,655 · 2 655 €
    {{ account.signing_discount_pct|as_percent }}      12.5% · 12,5 %
    {{ kpi.actual|as_number }}                  12,500.5 · 12 500,5

Each reads the active language (the request's, or the one an e-mail is rendered in); the
formatting itself is in churnguard/formats.py. Missing values print "".
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from churnguard import formats

register = template.Library()


def current_locale() -> str:
    return formats.locale_for(get_language())


@register.filter
def as_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.format_date(value, current_locale())


@register.filter
def as_day_month(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.format_day_month(value, current_locale())


@register.filter
def as_datetime(value: datetime | None) -> str:
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.format_datetime(value, current_locale())


@register.filter
def as_money(value: object, currency: str) -> str:
    return formats.format_money(value, currency, current_locale())


@register.filter
def as_money_whole(value: object, currency: str) -> str:
    return formats.format_money(value, currency, current_locale(), whole=True)


@register.filter
def as_percent(value: object) -> str:
    return formats.format_percent(value, current_locale())


@register.filter
def as_number(value: object) -> str:
    return formats.format_number(value, current_locale())
