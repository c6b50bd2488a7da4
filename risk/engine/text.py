"""Small formatting helpers for reasons: cheap, cached, and independent of the process locale."""

from datetime import date
from decimal import Decimal
from functools import lru_cache

# strftime("%b") follows the process locale; reasons must read the same on every worker.
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=8192)
def format_date(day: date) -> str:
    """`12 Sep 2026`: a nightly run formats the same few hundred dates a million times."""
    return f"{day.day} {_MONTHS[day.month]} {day.year}"


@lru_cache(maxsize=8192)
def format_decimal(value: Decimal) -> str:
    """`3`, `2.5`, `250,000`: no trailing zeros, no exponent, thousands separated."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def format_points(points: int) -> str:
    return f"{points:+d}"
