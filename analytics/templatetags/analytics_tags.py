from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def pct(value: Decimal | float | None, places: int = 1) -> str:
    """A rate (0.953) as a percentage in the reader's format ("95.3 %"); "—" when unknown."""
    if value is None or value == "":
        return "—"
    return formats.number_format(Decimal(str(value)) * 100, places, use_l10n=True) + " %"


@register.filter
def heat(value: Decimal | None) -> str:
    """A retention rate's heat-map class: heat-0 (lost most) to heat-4 (grew)."""
    if value is None:
        return ""
    steps = (Decimal("0.7"), Decimal("0.85"), Decimal("0.95"), Decimal("1.0"))
    return f"heat-{sum(1 for step in steps if value >= step)}"


@register.simple_tag
def query_with(query: dict[str, str], **params: object) -> str:
    """The page's filters plus `params`, as a query string for a link."""
    from urllib.parse import urlencode

    merged = {**query, **{k: str(v) for k, v in params.items() if v not in (None, "")}}
    return urlencode(merged)
