"""ISO 3166-1 countries, with names in the active language (English or French)."""

import gettext
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


def country_choices() -> list[tuple[str, str]]:
    language = (get_language() or "en").split("-")[0]
    return sorted(_names(language).items(), key=lambda item: item[1])
