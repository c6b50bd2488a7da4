"""How a date, a date-time, an amount of money, a number and a percentage read in each locale.

Plain functions (no Django import) over a compact per-locale table, so the template filters
(`churnguard/templatetags/formats.py`), the triage rows and e-mails all print the same thing.
The table follows CLDR's "medium" forms for the three locales the interface speaks:

    en-GB  29 Nov 2026   29 Nov 2026, 14:05   €2,654     £2,654.50   12.5%
    en-US  Nov 29, 2026  Nov 29, 2026, 2:05 PM €2,654    $2,654.50   12.5%
    fr     29 nov. 2026  29 nov. 2026, 14:05  2 654 €    2 654,50 $US 12,5 %

Plain "en" (and any English the browser asks for other than US) reads as en-GB: day before
month is the unambiguous order. A currency without a symbol in the table prints its ISO code.
French groups digits with a narrow no-break space and keeps "€" and "%" on the number's line.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

NARROW_NBSP = "\u202f"
ONE = Decimal(1)
NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class LocaleFormat:
    months: tuple[str, ...]  # abbreviated month names, January first
    date_pattern: str  # {day} {month} {year}
    day_month_pattern: str  # the same without the year
    twelve_hour: bool
    decimal: str
    group: str
    money_pattern: str  # {symbol} {number}, the sign goes before the whole
    percent_pattern: str
    symbols: dict[str, str] = field(default_factory=dict)


ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

LOCALES: dict[str, LocaleFormat] = {
    "en-gb": LocaleFormat(
        months=ENGLISH_MONTHS,
        date_pattern="{day} {month} {year}",
        day_month_pattern="{day} {month}",
        twelve_hour=False,
        decimal=".",
        group=",",
        money_pattern="{symbol}{number}",
        percent_pattern="{number}%",
        symbols={"EUR": "€", "GBP": "£", "USD": "US$", "JPY": "JP¥", "INR": "₹"},
    ),
    "en-us": LocaleFormat(
        months=ENGLISH_MONTHS,
        date_pattern="{month} {day}, {year}",
        day_month_pattern="{month} {day}",
        twelve_hour=True,
        decimal=".",
        group=",",
        money_pattern="{symbol}{number}",
        percent_pattern="{number}%",
        symbols={"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥", "INR": "₹"},
    ),
    "fr": LocaleFormat(
        months=(
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ),
        date_pattern="{day} {month} {year}",
        day_month_pattern="{day} {month}",
        twelve_hour=False,
        decimal=",",
        group=NARROW_NBSP,
        money_pattern="{number}" + NBSP + "{symbol}",
        percent_pattern="{number}" + NARROW_NBSP + "%",
        symbols={"EUR": "€", "GBP": "£GB", "USD": "$US", "JPY": "JPY", "CAD": "$CA"},
    ),
}
DEFAULT_LOCALE = "en-gb"


@cache  # a handful of language codes, asked for by every value on a page
def locale_for(language_code: str | None) -> str:
    """The format locale for a Django language code ("en", "en-us", "fr-ca", None...)."""
    code = (language_code or "").lower().replace("_", "-")
    if code in LOCALES:
        return code
    if code.split("-")[0] == "fr":
        return "fr"
    return DEFAULT_LOCALE


def _table(locale: str) -> LocaleFormat:
    return LOCALES[locale_for(locale)]


def format_date(value: date, locale: str) -> str:
    """29 Nov 2026 · Nov 29, 2026 · 29 nov. 2026"""
    table = _table(locale)
    month = table.months[value.month - 1]
    return table.date_pattern.format(day=value.day, month=month, year=value.year)


def format_day_month(value: date, locale: str) -> str:
    """29 Nov · Nov 29 · 29 nov. (for dates of the last few months)"""
    table = _table(locale)
    return table.day_month_pattern.format(day=value.day, month=table.months[value.month - 1])


def format_time(value: datetime, locale: str) -> str:
    if _table(locale).twelve_hour:
        hour = value.hour % 12 or 12
        return f"{hour}:{value.minute:02d}{NBSP}{'AM' if value.hour < 12 else 'PM'}"
    return f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value: datetime, locale: str) -> str:
    """29 Nov 2026, 14:05 · Nov 29, 2026, 2:05 PM · 29 nov. 2026, 14:05 (in the given time)."""
    return f"{format_date(value.date(), locale)}, {format_time(value, locale)}"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _digits(number: Decimal, places: int, table: LocaleFormat, *, trim: bool) -> str:
    """The unsigned number, grouped by thousands, with `places` decimals (trimmed if asked)."""
    rounded = abs(number).quantize(ONE.scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:,f}".partition(".")
    if table.group != ",":
        whole = whole.replace(",", table.group)
    if trim:
        fraction = fraction.rstrip("0")
    return f"{whole}{table.decimal}{fraction}" if fraction else whole


def format_number(value: object, locale: str, *, places: int = 2) -> str:
    """A grouped number with up to `places` decimals: 12,500.5 · 12 500,5. "" when not a number."""
    number = _decimal(value)
    if number is None:
        return ""
    text = _digits(number, places, _table(locale), trim=True)
    return f"-{text}" if number < 0 and text.strip("0.,") else text


def format_money(value: object, currency: str, locale: str, *, whole: bool = False) -> str:
    """An amount with its currency: €2,654 · 2 654 € · $2,654.50 · 2 654,50 $US.

    Cents show when the amount has any (always two digits); `whole` rounds to the unit, for
    tables and totals where cents are noise. "" when the amount is missing.
    """
    number = _decimal(value)
    if number is None:
        return ""
    table = _table(locale)
    code = (currency or "").upper()
    has_cents = number != number.to_integral_value()
    digits = _digits(number, 0 if whole or not has_cents else 2, table, trim=False)
    symbol = table.symbols.get(code, code)
    if symbol == code and table.money_pattern.startswith("{symbol}"):
        symbol += NBSP  # "CHF 2,654", as a code cannot touch the digits
    text = table.money_pattern.format(symbol=symbol, number=digits).strip()
    return f"-{text}" if number < 0 and digits.strip("0.,") else text


def format_percent(value: object, locale: str, *, places: int = 1) -> str:
    """A value already in percent points: 12.5% · 12,5 %. "" when missing."""
    number = _decimal(value)
    if number is None:
        return ""
    return _table(locale).percent_pattern.format(
        number=format_number(number, locale, places=places)
    )
