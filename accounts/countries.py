"""ISO 3166-1 countries, with names in the active language (English or French)."""

import difflib
import gettext
import re
import unicodedata
from functools import cache

import pycountry
from django.utils.translation import get_language

COUNTRY_CODES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def _translator(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


@cache
def _names(language: str) -> dict[str, str]:
    translate = _translator(language).gettext
    return {c.alpha_2: translate(c.name) for c in pycountry.countries}


def country_name(code: str | None) -> str:
    if not code:
        return ""
    language = (get_language() or "en").split("-")[0]
    return _names(language).get(code, code)


def _sort_key(name: str) -> str:
    # Alphabetical as a reader expects it: "Bélarus" between "Belgique" and "Belize".
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_names(language).items(), key=lambda item: _sort_key(item[1])))


def country_choices() -> list[tuple[str, str]]:
    return list(_choices((get_language() or "en").split("-")[0]))


# Names CRMs and people write that pycountry does not carry: short forms, native names.
_ALIASES: dict[str, str] = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "royaume uni": "GB",
    "usa": "US",
    "us": "US",
    "america": "US",
    "united states of america": "US",
    "etats unis": "US",
    "etats unis d amerique": "US",
    "deutschland": "DE",
    "allemagne": "DE",
    "espana": "ES",
    "espagne": "ES",
    "italia": "IT",
    "italie": "IT",
    "nederland": "NL",
    "holland": "NL",
    "the netherlands": "NL",
    "pays bas": "NL",
    "belgie": "BE",
    "belgique": "BE",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "autriche": "AT",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "polska": "PL",
    "portugal": "PT",
    "brasil": "BR",
    "bresil": "BR",
    "mexico": "MX",
    "mexique": "MX",
    "russia": "RU",
    "russie": "RU",
    "south korea": "KR",
    "korea": "KR",
    "coree du sud": "KR",
    "czech republic": "CZ",
    "czechia": "CZ",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "vietnam": "VN",
    "iran": "IR",
    "syria": "SY",
    "taiwan": "TW",
    "uae": "AE",
    "emirats arabes unis": "AE",
    "hong kong": "HK",
    "turkey": "TR",
    "turquie": "TR",
    "irlande": "IE",
    "eire": "IE",
    "chine": "CN",
    "japon": "JP",
    "inde": "IN",
}


def normalise_name(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Côte d'Ivoire" -> "cote d ivoire"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@cache
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    french = _translator("fr").gettext
    for country in pycountry.countries:
        code = country.alpha_2
        names = [country.name, french(country.name), country.alpha_3]
        names += [getattr(country, attr, "") for attr in ("official_name", "common_name")]
        for name in names:
            if name:
                table.setdefault(normalise_name(name), code)
        table[code.casefold()] = code
    for alias, code in _ALIASES.items():
        table[alias] = code
    return table


def find_country(text: str) -> str | None:
    """The ISO 3166 code for a code or a name in English, French or the country's own language;
    None when the text names no country we know."""
    key = normalise_name(text)
    if not key:
        return None
    found = _lookup().get(key)
    if found is None and key.startswith("the "):
        found = _lookup().get(key[4:])
    return found


def suggest_country(text: str) -> str | None:
    """The code of the closest known country name, for a "did you mean" hint; None if none is
    close."""
    key = normalise_name(text)
    table = _lookup()
    names = [name for name in table if len(name) > 3]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
    return table[close[0]] if close else None
