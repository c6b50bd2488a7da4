"""Engine reasons in the active language, without touching the engine.

The risk engine (`risk/engine/`) is plain Python and writes its reasons in English, e.g.
"Cash (as of 13 Oct 2026): runway 11 months, less than a year of cash (+8); 5 late payments in
12 months (+14), +22". `localize_reason()` recognises each phrase the engine builds and renders
it with a translated template, part by part: the "; "-joined pieces keep their own "(+8)", the
trailing ", +22" (or ", +18 × 1.5 = +27" for a weighted factor) is kept, dates and decimals are
re-rendered in the active language, and words that come from codes (industry, phase, country)
reuse the app's own translated labels.

Every template below is the English phrase with `%(name)s` placeholders, marked for translation
with the "risk reason" context, so translators see whole phrases. Its regex is derived from the
English msgid itself, so the phrase is written only once: the type of each placeholder comes
from its name (see `_SLOTS`). Text no pattern recognises is returned as it is; names the users
typed (KPI names, signal labels or country notes that are not the default model's) stay as typed.
"""

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from accounts.countries import country_name
from accounts.models import FundingStage, Industry, Phase

# How a date inside a reason is written in the active language; the engine writes "j M Y".
DATE_FORMAT = pgettext_lazy("risk reason date format", "j M Y")

# Reasons of factors without (fresh) data: whole lines, no trailing points.
_MISSING = (
    pgettext_lazy("risk reason", "No industry recorded"),
    pgettext_lazy("risk reason", "No country recorded"),
    pgettext_lazy("risk reason", "No journey phase recorded"),
    pgettext_lazy("risk reason", "No renewal date recorded"),
    pgettext_lazy("risk reason", "No signing discount recorded"),
    pgettext_lazy("risk reason", "No stakeholders recorded"),
    pgettext_lazy("risk reason", "No usage recorded"),
    pgettext_lazy("risk reason", "No outcome KPIs recorded"),
    pgettext_lazy("risk reason", "No cash facts recorded"),
    pgettext_lazy("risk reason", "Industry '%(industry_code)s' is not in the risk model's table"),
    pgettext_lazy("risk reason", "Country %(country)s is not in the risk model's geography tables"),
    pgettext_lazy("risk reason", "Phase '%(phase_code)s' is not in the risk model's phase table"),
    pgettext_lazy("risk reason", "Funding stage '%(stage)s' is not in the risk model"),
    pgettext_lazy("risk reason", "No usage with licensed seats up to %(date)s"),
    pgettext_lazy(
        "risk reason", "Latest usage as of %(date)s is older than %(days)s days: treated as missing"
    ),
    pgettext_lazy("risk reason", "Usage recorded on one day only (%(date)s): no trend yet"),
    pgettext_lazy("risk reason", "No outcome KPI readings up to %(date)s"),
    pgettext_lazy(
        "risk reason",
        "Outcome KPI readings (latest %(date)s) are older than %(days)s days: treated as missing",
    ),
    pgettext_lazy(
        "risk reason", "Cash facts as of %(date)s are dated after %(as_of)s: treated as missing"
    ),
    pgettext_lazy(
        "risk reason", "Cash facts as of %(date)s are older than %(days)s days: treated as missing"
    ),
    pgettext_lazy("risk reason", "No %(label)s reading recorded"),
    pgettext_lazy(
        "risk reason",
        "%(label)s reading as of %(date)s is dated after %(as_of)s: treated as missing",
    ),
    pgettext_lazy(
        "risk reason",
        "%(label)s reading as of %(date)s is older than %(days)s days: treated as missing",
    ),
)

# What comes before the trailing points of a factor with data.
_SCORED = (
    pgettext_lazy("risk reason", "%(industry)s industry: %(exposure)s"),
    pgettext_lazy("risk reason", "Country %(country)s (%(region)s): %(note)s (since %(since)s)"),
    pgettext_lazy("risk reason", "Country %(country)s: %(note)s (since %(since)s)"),
    pgettext_lazy("risk reason", "Country %(country)s, %(region)s: %(exposure)s"),
    pgettext_lazy("risk reason", "Renewal was due on %(date)s: overdue by %(days)s days"),
    pgettext_lazy("risk reason", "Renewal on %(date)s, today"),
    pgettext_lazy("risk reason", "Renewal on %(date)s, tomorrow"),
    pgettext_lazy("risk reason", "Renewal on %(date)s, in %(days)s days"),
    pgettext_lazy("risk reason", "Break clause before the renewal on %(date)s, today"),
    pgettext_lazy("risk reason", "Break clause before the renewal on %(date)s, tomorrow"),
    pgettext_lazy("risk reason", "Break clause before the renewal on %(date)s, in %(days)s days"),
    pgettext_lazy("risk reason", "Term in force ends on %(date)s, today"),
    pgettext_lazy("risk reason", "Term in force ends on %(date)s, tomorrow"),
    pgettext_lazy("risk reason", "Term in force ends on %(date)s, in %(days)s days"),
    pgettext_lazy("risk reason", "%(count)s-month term, renewal on %(date)s, today"),
    pgettext_lazy("risk reason", "%(count)s-month term, renewal on %(date)s, tomorrow"),
    pgettext_lazy("risk reason", "%(count)s-month term, renewal on %(date)s, in %(days)s days"),
    pgettext_lazy("risk reason", "Signed at full price"),
    pgettext_lazy("risk reason", "Signed with a %(pct)s %% discount, a strong sign of non-renewal"),
    pgettext_lazy("risk reason", "Signed with a %(pct)s %% discount"),
    pgettext_lazy("risk reason", "Key stakeholders in place"),
    pgettext_lazy("risk reason", "Key stakeholder left on %(date)s, %(days)s days ago"),
    pgettext_lazy("risk reason", "Outcome KPI %(name)s at %(pct)s %% of target"),
    pgettext_lazy(
        "risk reason",
        "%(count)s outcome KPIs at %(pct)s %% of target on average"
        " (weakest: %(name)s at %(weakest)s %%)",
    ),
    pgettext_lazy("risk reason", "Cash (as of %(date)s): %(cash_parts)s"),
    pgettext_lazy("risk reason", "Cash (undated): %(cash_parts)s"),
    pgettext_lazy("risk reason", "%(label)s %(value)s (as of %(date)s)"),
    pgettext_lazy("risk reason", "%(label)s %(value)s (as of %(date)s): at or above %(threshold)s"),
    pgettext_lazy("risk reason", "%(label)s %(value)s (as of %(date)s): at or below %(threshold)s"),
)

# Pieces of the journey-phase and usage reasons (joined with "; " when there are two or more).
_PHASE_PARTS = (
    pgettext_lazy("risk reason", "In %(phase)s since %(since)s: %(phase_words)s"),
    pgettext_lazy("risk reason", "In %(phase)s: %(phase_words)s"),
    pgettext_lazy("risk reason", "%(days)s days in defense without resolution"),
    pgettext_lazy("risk reason", "break clause on %(date)s, in %(days)s days"),
    pgettext_lazy("risk reason", "no planned go-live date recorded"),
    pgettext_lazy("risk reason", "on schedule for the planned go-live of %(date)s"),
    pgettext_lazy("risk reason", "on schedule for the usual %(count)s-day deployment of %(date)s"),
    pgettext_lazy("risk reason", "%(days)s days past the planned go-live of %(date)s"),
    pgettext_lazy(
        "risk reason", "%(days)s days past the usual %(count)s-day deployment of %(date)s"
    ),
    pgettext_lazy(
        "risk reason", "Active users fell from %(then)s %% to %(now)s %% of seats in %(days)s days"
    ),
    pgettext_lazy(
        "risk reason", "Active users rose from %(then)s %% to %(now)s %% of seats in %(days)s days"
    ),
    pgettext_lazy(
        "risk reason", "Active users held from %(then)s %% to %(now)s %% of seats in %(days)s days"
    ),
    pgettext_lazy("risk reason", "low adoption"),
)

# Pieces of the cash reason.
_CASH_PARTS = (
    pgettext_lazy("risk reason", "runway %(months)s months, %(runway_words)s"),
    pgettext_lazy("risk reason", "burning %(burn)s a month"),
    pgettext_lazy("risk reason", "no late payments in 12 months"),
    pgettext_lazy("risk reason", "1 late payment in 12 months"),
    pgettext_lazy("risk reason", "%(count)s late payments in 12 months"),
    # Funding stages.
    pgettext_lazy("risk reason", "bootstrapped company"),
    pgettext_lazy("risk reason", "seed-stage start-up"),
    pgettext_lazy("risk reason", "Series A start-up"),
    pgettext_lazy("risk reason", "Series B+ start-up"),
    pgettext_lazy("risk reason", "profitable company"),
    pgettext_lazy("risk reason", "listed company"),
    pgettext_lazy("risk reason", "multinational with reserves"),
    # Segments.
    pgettext_lazy("risk reason", "small business"),
    pgettext_lazy("risk reason", "mid-market"),
    pgettext_lazy("risk reason", "enterprise"),
)

# Closed vocabularies inside the templates above.
_EXPOSURES = (
    pgettext_lazy("risk reason", "heavily exposed to the crisis"),
    pgettext_lazy("risk reason", "exposed to the crisis"),
    pgettext_lazy("risk reason", "somewhat exposed to the crisis"),
    pgettext_lazy("risk reason", "neutral"),
    pgettext_lazy("risk reason", "has held up in the crisis"),
)
_PHASE_WORDS = (
    pgettext_lazy("risk reason", "onboarding"),
    pgettext_lazy("risk reason", "already a concern"),
    pgettext_lazy("risk reason", "deployed and seeing value"),
    pgettext_lazy("risk reason", "eligible for expansion"),
    pgettext_lazy("risk reason", "as recorded"),
)
_RUNWAY_WORDS = (
    pgettext_lazy("risk reason", "out of cash"),
    pgettext_lazy("risk reason", "cash runs out within a month"),
    pgettext_lazy("risk reason", "survives one quarter at most"),
    pgettext_lazy("risk reason", "less than two quarters of cash"),
    pgettext_lazy("risk reason", "less than a year of cash"),
    pgettext_lazy("risk reason", "less than two years of cash"),
    pgettext_lazy("risk reason", "two years of cash or more"),
)
# Admin-editable data of the default model (risk/default_model.py): translated when unchanged.
_REGIONS = (
    pgettext_lazy("risk reason", "EU-South"),
    pgettext_lazy("risk reason", "EU-West"),
    pgettext_lazy("risk reason", "EU-North"),
    pgettext_lazy("risk reason", "North America"),
    pgettext_lazy("risk reason", "LATAM"),
    pgettext_lazy("risk reason", "APAC"),
    pgettext_lazy("risk reason", "MEA"),
)
_COUNTRY_NOTES = (
    pgettext_lazy("risk reason", "first and longest lockdowns"),
    pgettext_lazy("risk reason", "recovered, still fragile"),
    pgettext_lazy("risk reason", "long lockdown, tourism-bound"),
    pgettext_lazy("risk reason", "tourism back, recovery slow"),
    pgettext_lazy("risk reason", "repeated lockdowns"),
    pgettext_lazy("risk reason", "reopened, energy prices bite"),
    pgettext_lazy("risk reason", "uneven state lockdowns"),
    pgettext_lazy("risk reason", "rebounded early"),
    pgettext_lazy("risk reason", "zero-COVID closures"),
    pgettext_lazy("risk reason", "reopened after zero-COVID"),
    pgettext_lazy("risk reason", "short-time work cushions"),
    pgettext_lazy("risk reason", "long crisis, weak currency"),
    pgettext_lazy("risk reason", "slow recovery"),
)
_SIGNAL_LABELS = (
    pgettext_lazy("risk reason", "CSAT (1-5)"),
    pgettext_lazy("risk reason", "Open support tickets"),
)

# The engine's industry label for a code (risk/engine/factors/account.py).
_ENGINE_INDUSTRY_LABELS = {"ecommerce": "E-commerce", "remote_work": "Remote-work"}

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_DATE_RE = r"\d{1,2} (?:" + "|".join(_MONTHS) + r") \d{4}"
_NUMBER_RE = r"-?\d{1,3}(?:,\d{3})*(?:\.\d+)?|-?\d+(?:\.\d+)?"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
# "text, +8" or "text, +18 × 1.5 = +27".
_TAIL = re.compile(
    r"(?P<body>.+), (?P<raw>[+-]\d+)(?: × (?P<weight>[\d.e+-]+) = (?P<pts>[+-]\d+))?"
)
_POINTED_PART = re.compile(r"(?P<text>.+) \((?P<points>[+-]\d+)\)")


def localize_reason(text: str) -> str:
    """An engine reason in the active language; unchanged in English or when not recognised."""
    language = translation.get_language() or "en"
    if language == "en" or language.startswith("en-") or not text:
        return text
    try:
        return _localized(language, text)
    except Exception:  # a reason must never break a page
        return text


@lru_cache(maxsize=4096)
def _localized(language: str, text: str) -> str:
    del language  # part of the cache key: the result depends on the active language
    return _translate(text) or text


def _translate(text: str) -> str | None:
    tables = _tables()
    found = _first_match(text, tables.missing)
    if found is not None:
        return found
    tail = _TAIL.fullmatch(text)
    if tail is None:
        return None
    body = _first_match(tail["body"], tables.scored)
    if body is None:
        body = _parts(tail["body"], tables.phase_parts)
    if body is None:
        return None
    if tail["weight"] is None:
        return f"{body}, {tail['raw']}"
    return f"{body}, {tail['raw']} × {_number(tail['weight'])} = {tail['pts']}"


# Patterns ------------------------------------------------------------------------------------


class _Pattern:
    __slots__ = ("converters", "regex", "template")

    def __init__(self, template: Promise, english: str) -> None:
        self.template = template
        self.converters: dict[str, Callable[[str], str]] = {}
        regex = []
        position = 0
        for slot in _PLACEHOLDER.finditer(english):
            regex.append(re.escape(english[position : slot.start()]))
            position = slot.end()
            name = slot.group(1)
            if name is None:  # "%%"
                regex.append("%")
                continue
            pattern, converter = _SLOTS[name]
            if name in _CLOSED:  # only the engine's own words, longest first
                words = sorted(_english_keys(_CLOSED[name]), key=len, reverse=True)
                pattern = "|".join(map(re.escape, words))
            regex.append(f"(?P<{name}>{pattern})")
            self.converters[name] = converter
        regex.append(re.escape(english[position:]))
        self.regex = re.compile("".join(regex))

    def render(self, text: str) -> str | None:
        match = self.regex.fullmatch(text)
        if match is None:
            return None
        values = {name: convert(match[name]) for name, convert in self.converters.items()}
        return str(self.template) % values if values else str(self.template)


class _Tables:
    def __init__(self) -> None:
        self.missing = _compile(_MISSING)
        self.scored = _compile(_SCORED)
        self.phase_parts = _compile(_PHASE_PARTS)
        self.cash_parts = _compile(_CASH_PARTS)


def _compile(templates: Iterable[Promise]) -> tuple[_Pattern, ...]:
    with translation.override("en"):
        return tuple(_Pattern(t, str(t)) for t in templates)


@cache
def _tables() -> _Tables:
    return _Tables()


def _first_match(text: str, patterns: tuple[_Pattern, ...]) -> str | None:
    for pattern in patterns:
        found = pattern.render(text)
        if found is not None:
            return found
    return None


def _parts(text: str, patterns: tuple[_Pattern, ...]) -> str | None:
    """One piece, or "; "-joined pieces each ending with its points; untranslated pieces stay."""
    found = _first_match(text, patterns)
    if found is not None:
        return found
    pieces = []
    translated = False
    for piece in text.split("; "):
        pointed = _POINTED_PART.fullmatch(piece)
        found = None if pointed is None else _first_match(pointed["text"], patterns)
        if found is None:
            pieces.append(piece)
        else:
            translated = True
            pieces.append(f"{found} ({pointed['points']})")
    return "; ".join(pieces) if translated else None


# Placeholder converters ----------------------------------------------------------------------


def _keep(value: str) -> str:
    return value


def _date(value: str) -> str:
    day, month, year = value.split()
    return formats.date_format(date(int(year), _MONTHS[month], int(day)), str(DATE_FORMAT))


def _number(value: str) -> str:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return value
    return formats.number_format(number, force_grouping=True)


@cache
def _english_keys(name: str) -> dict[str, Promise]:
    with translation.override("en"):
        return {str(t): t for t in _VOCABULARIES[name]}


def _vocabulary(name: str) -> Callable[[str], str]:
    def convert(value: str) -> str:
        found = _english_keys(name).get(value)
        return value if found is None else str(found)

    return convert


@cache
def _industry_codes() -> dict[str, str]:
    return {
        _ENGINE_INDUSTRY_LABELS.get(code) or code.replace("_", " ").capitalize(): code
        for code in Industry.values
    }


def _industry(label: str) -> str:
    code = _industry_codes().get(label)
    return label if code is None else str(Industry(code).label)


def _industry_code(code: str) -> str:
    return str(Industry(code).label) if code in Industry.values else code


def _phase(name: str) -> str:
    if name not in Phase.values:
        return name
    label = str(Phase(name).label)
    return label[:1].lower() + label[1:]


def _stage(code: str) -> str:
    return str(FundingStage(code).label) if code in FundingStage.values else code


def _country(code: str) -> str:
    return country_name(code) or code


def _parts_of(table: str) -> Callable[[str], str]:
    def convert(value: str) -> str:
        return _parts(value, getattr(_tables(), table)) or value

    return convert


def _note(value: str) -> str:
    return _vocabulary("notes")(_vocabulary("exposures")(value))


_VOCABULARIES: dict[str, tuple[Promise, ...]] = {
    "exposures": _EXPOSURES,
    "phase_words": _PHASE_WORDS,
    "runway_words": _RUNWAY_WORDS,
    "regions": _REGIONS,
    "notes": _COUNTRY_NOTES,
    "labels": _SIGNAL_LABELS,
}

# Placeholders whose regex is the alternation of a closed vocabulary.
_CLOSED = {"exposure": "exposures", "phase_words": "phase_words", "runway_words": "runway_words"}

# Placeholder name -> (regex of what the engine writes there, how to render it).
_SLOTS: dict[str, tuple[str, Callable[[str], str]]] = {
    "date": (_DATE_RE, _date),
    "as_of": (_DATE_RE, _date),
    "since": (_DATE_RE, _date),
    "days": (r"-?\d+", _keep),
    "count": (r"\d+", _keep),
    "then": (r"\d+", _keep),
    "now": (r"\d+", _keep),
    "pct": (_NUMBER_RE, _number),
    "weakest": (_NUMBER_RE, _number),
    "value": (_NUMBER_RE, _number),
    "threshold": (_NUMBER_RE, _number),
    "months": (_NUMBER_RE, _number),
    "burn": (_NUMBER_RE, _number),
    "name": (r".+?", _keep),
    "label": (r".+?", _vocabulary("labels")),
    "industry": (r".+?", _industry),
    "industry_code": (r"[^']*", _industry_code),
    "phase": (r".+?", _phase),
    "phase_code": (r"[^']*", _keep),
    "stage": (r"[^']*", _stage),
    "country": (r"[^\s,:()]+", _country),
    "region": (r".+?", _vocabulary("regions")),
    "note": (r".+", _note),
    "exposure": ("", _vocabulary("exposures")),
    "phase_words": ("", _vocabulary("phase_words")),
    "runway_words": ("", _vocabulary("runway_words")),
    "cash_parts": (r".+", _parts_of("cash_parts")),
}
