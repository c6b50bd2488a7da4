"""ISO 3166-1 countries, with names in the active language (English or French)."""

import gettext
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
