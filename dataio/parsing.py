"""Reading one cell of a CRM export into one account fact. Plain Python, no Django.

Each parser takes what the file holds (text from a CSV; text, a number or a date from an XLSX)
and returns the value the account stores, or raises `Problem` with a message code and its
parameters (worded for the reader elsewhere). The import, and the REST API, share these rules.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from accounts.countries import find_country, normalise_name, suggest_country


@dataclass
class Problem(Exception):
    """A cell that cannot become a fact: `code` names the rule, `params` fill its message."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in).
_EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers of 1950-01-01 and 2199-12-31: a number outside is not a date someone meant.
_EXCEL_MIN, _EXCEL_MAX = 18264, 109573


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """The cell as trimmed text; whole floats from a spreadsheet lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?: .*)?$")


def parse_date(value: Any) -> date:
    """ISO (2026-12-31), day-first (31/12/2026, 31.12.2026, 31-12-26), an Excel serial number,
    or a spreadsheet date. A month-first US date is read as such only when it cannot be
    day-first (12/31/2026)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _EXCEL_MIN <= value <= _EXCEL_MAX:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise Problem("date_invalid", {"value": text(value)})
    raw = text(value)
    if match := _ISO.match(raw):
        year, month, day = (int(part) for part in match.groups())
        return _make_date(year, month, day, raw)
    if match := _DAY_FIRST.match(raw):
        first, second, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000
        if second > 12 >= first:  # 12/31/2026: the only reading is month first
            first, second = second, first
        return _make_date(year, second, first, raw)
    if re.fullmatch(r"\d{5}(\.0+)?", raw):
        return parse_date(float(raw))
    raise Problem("date_invalid", {"value": raw})


def _make_date(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Problem("date_invalid", {"value": raw}) from None


_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}
_NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f'’€$£¥%]|[A-Za-z]{3}$|^[A-Za-z]{3}")


def parse_decimal(value: Any, *, decimal_comma: bool = False) -> Decimal:
    """A number as people type it: 1,234.56 · 1.234,56 · 1 234,56 · 1234,5 · €1,200 · 15%.

    With one separator only, a comma followed by exactly three digits is a thousands separator
    unless the file writes decimal commas (a `;`-delimited file does)."""
    if isinstance(value, bool):
        raise Problem("number_invalid", {"value": text(value)})
    if isinstance(value, int | float):
        return Decimal(str(value))
    raw = text(value)
    cleaned = _NUMBER_NOISE.sub("", raw)
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("-+()")
    if not cleaned or not re.fullmatch(r"[\d.,]+", cleaned):
        raise Problem("number_invalid", {"value": raw})
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif commas == 1:
        after = len(cleaned) - cleaned.rfind(",") - 1
        decimal_sep = "," if decimal_comma or after != 3 else ""
    elif dots == 1:
        after = len(cleaned) - cleaned.rfind(".") - 1
        decimal_sep = "" if decimal_comma and after == 3 else "."
    else:
        decimal_sep = ""  # several of one kind: thousands separators
    thousands = {",", "."} - {decimal_sep}
    for sep in thousands:
        cleaned = cleaned.replace(sep, "")
    if decimal_sep == ",":
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise Problem("number_invalid", {"value": raw}) from None
    return -number if negative else number


def parse_money(value: Any, *, decimal_comma: bool = False) -> Decimal:
    """A non-negative amount, to the cent."""
    amount = parse_decimal(value, decimal_comma=decimal_comma)
    if amount < 0:
        raise Problem("amount_negative", {"value": text(value)})
    if amount >= Decimal("1e10"):
        raise Problem("amount_too_large", {"value": text(value)})
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def monthly_from_annual(amount: Decimal) -> Decimal:
    return (amount / 12).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_percent(value: Any, *, decimal_comma: bool = False) -> Decimal:
    number = parse_decimal(value, decimal_comma=decimal_comma)
    if not 0 <= number <= 100:
        raise Problem("percent_range", {"value": text(value)})
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_runway(value: Any, *, decimal_comma: bool = False) -> Decimal:
    number = parse_decimal(value, decimal_comma=decimal_comma)
    if not 0 <= number < 10000:
        raise Problem("runway_range", {"value": text(value)})
    return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def parse_count(value: Any, *, decimal_comma: bool = False, maximum: int = 32767) -> int:
    """A whole number of zero or more, up to `maximum` (a small count by default)."""
    number = parse_decimal(value, decimal_comma=decimal_comma)
    if number < 0 or number != number.to_integral_value() or number > maximum:
        raise Problem("count_invalid", {"value": text(value)})
    return int(number)


# Users and seats are stored in positive integer columns (PostgreSQL's integer).
USERS_MAX = 2_147_483_647


def parse_users(value: Any, *, decimal_comma: bool = False) -> int:
    """A number of seats or users: "1,200", "1 200", 1200.0 from a spreadsheet."""
    return parse_count(value, decimal_comma=decimal_comma, maximum=USERS_MAX)


def parse_intensity(value: Any, *, decimal_comma: bool = False) -> Decimal:
    """A usage intensity (sessions or logins per user): a number of zero or more."""
    number = parse_decimal(value, decimal_comma=decimal_comma)
    if not 0 <= number < Decimal("1e10"):
        raise Problem("intensity_invalid", {"value": text(value)})
    return number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


_PERIOD_WORDS = {
    "monthly": 1,
    "month": 1,
    "mensuel": 1,
    "mois": 1,
    "quarterly": 3,
    "quarter": 3,
    "trimestriel": 3,
    "semiannual": 6,
    "semi annual": 6,
    "biannual": 6,
    "semestriel": 6,
    "annual": 12,
    "annually": 12,
    "yearly": 12,
    "year": 12,
    "annuel": 12,
    "an": 12,
    "biennial": 24,
    "triennial": 36,
}


def parse_months(value: Any) -> int:
    """A contract term or billing period in months: 12, "12 months", "2 years", "annual",
    "36 mois"."""
    words = normalise_name(text(value))
    if words in _PERIOD_WORDS:
        return _PERIOD_WORDS[words]
    match = re.fullmatch(r"(\d+) ?([a-z]*)", words)
    if match:
        number = int(match.group(1))
        unit = match.group(2)
        if unit in ("", "m", "mo", "month", "months", "mois"):
            months = number
        elif unit in ("y", "yr", "yrs", "year", "years", "an", "ans", "annee", "annees"):
            months = number * 12
        else:
            raise Problem("term_invalid", {"value": text(value)})
        if 1 <= months <= 240:
            return months
    raise Problem("term_invalid", {"value": text(value)})


def _choice_table(entries: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {
        normalise_name(word): code for code, words in entries.items() for word in (code, *words)
    }


PHASES = _choice_table(
    {
        "deployment": ("onboarding", "deploiement", "implementation", "deploying"),
        "defense": ("defence", "at risk", "concern"),
        "maturation": ("mature", "adoption", "live"),
        "growth": ("expansion", "croissance", "upsell"),
    }
)
SEGMENTS = _choice_table(
    {
        "smb": ("small business", "small", "pme", "tpe", "sme"),
        "mid_market": ("mid-market", "midmarket", "mid market", "mid", "eti", "mm"),
        "enterprise": ("entreprise", "large", "grand compte", "grands comptes", "ent", "corporate"),
    }
)
FUNDING_STAGES = _choice_table(
    {
        "bootstrapped": ("self funded", "autofinance"),
        "seed": ("pre seed", "preseed", "seed start up", "angel", "amorcage"),
        "series_a": ("series a", "serie a"),
        "series_b_plus": (
            "series b",
            "series c",
            "series d",
            "series e",
            "serie b",
            "serie c",
            "series b or later",
            "growth stage",
            "late stage",
        ),
        "profitable": ("profitable private company", "rentable", "private"),
        "listed": ("listed company", "public", "ipo", "cotee", "listed"),
        "multinational": ("multinational with reserves", "multinationale", "group"),
    }
)
INDUSTRIES = _choice_table(
    {
        "travel": ("leisure travel tourism", "tourism", "tourisme", "voyage"),
        "aviation": ("airlines aviation", "airlines", "aerien", "aviation aerospace"),
        "hospitality": ("hotels", "restaurants", "hotellerie", "hospitality"),
        "events": ("events services", "evenementiel", "event"),
        "recruitment": ("staffing and recruiting", "staffing", "recrutement", "hr"),
        "retail": ("in person retail", "commerce", "retail"),
        "logistics": ("logistics and supply chain", "transportation", "logistique", "transport"),
        "healthcare": ("hospital health care", "health care", "sante", "medical"),
        "supply_chain": ("supply chain", "chaine logistique"),
        "ecommerce": ("e commerce", "online retail", "commerce en ligne"),
        "remote_work": ("remote work tools", "remote work", "collaboration"),
        "software": (
            "computer software",
            "saas",
            "logiciel",
            "information technology and services",
        ),
        "financial_services": ("financial services", "banking", "finance", "insurance"),
        "manufacturing": ("industrie", "industrial", "mechanical or industrial engineering"),
        "education": ("education management", "e learning", "enseignement"),
        "media": ("media production", "online media", "medias", "publishing"),
        "public_sector": ("government administration", "government", "secteur public"),
        "other": ("autre",),
    }
)


def parse_choice(value: Any, table: dict[str, str], *, code: str) -> str:
    """A known code from a code, an English or French label or a common CRM wording."""
    found = table.get(normalise_name(text(value)))
    if found is None:
        raise Problem(code, {"value": text(value)})
    return found


def parse_free_choice(value: Any, table: dict[str, str], *, max_length: int) -> tuple[str, bool]:
    """(value, known): a known code, or the text as written when nobody knows it."""
    found = table.get(normalise_name(text(value)))
    if found is not None:
        return found, True
    raw = text(value)
    if len(raw) > max_length:
        raise Problem("text_too_long", {"value": raw[:40], "max": max_length})
    return raw, False


def parse_country(value: Any) -> str:
    raw = text(value)
    code = find_country(raw)
    if code is None:
        suggestion = suggest_country(raw)
        if suggestion:
            raise Problem("country_unknown_suggest", {"value": raw, "suggestion": suggestion})
        raise Problem("country_unknown", {"value": raw})
    return code


def parse_currency(value: Any) -> str:
    raw = text(value).strip()
    raw = _CURRENCY_SIGNS.get(raw, raw).upper()
    if len(raw) != 3 or not raw.isalpha() or not raw.isascii():
        raise Problem("currency_invalid", {"value": text(value)})
    return raw


def parse_text(value: Any, *, max_length: int) -> str:
    raw = text(value)
    if len(raw) > max_length:
        raise Problem("text_too_long", {"value": raw[:40], "max": max_length})
    return raw


def slugify_signal(header: str) -> str:
    """A column header as a signal name: "Seats used (#)" -> "seats-used"."""
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().casefold()
    plain = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", plain)
    slug = "-".join(re.sub(r"[^a-z0-9]+", " ", plain).split())
    return slug[:50].strip("-") or "signal"


def parse_signal(value: Any, *, decimal_comma: bool = False) -> tuple[Decimal | None, str]:
    """(number, "") for a numeric reading, (None, category) for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.0001")), ""
    raw = text(value)
    if re.fullmatch(r"[-+]?[\d\s.,'\u00a0]*\d[\d\s.,'\u00a0]*%?", raw):
        try:
            number = parse_decimal(raw, decimal_comma=decimal_comma)
        except Problem:
            pass
        else:
            if abs(number) < Decimal("1e10"):
                return number.quantize(Decimal("0.0001")), ""
    return None, raw[:120]
