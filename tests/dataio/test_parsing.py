"""The per-cell rules, table-driven: no database."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from dataio import parsing
from dataio.columns import SIGNAL, normalise_header, recognise
from dataio.parsing import Problem


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("2026-12-31 00:00:00", date(2026, 12, 31)),
        ("31/12/2026", date(2026, 12, 31)),
        ("31.12.2026", date(2026, 12, 31)),
        ("01/02/2026", date(2026, 2, 1)),  # day first
        ("12/31/2026", date(2026, 12, 31)),  # only readable month first
        ("5.3.26", date(2026, 3, 5)),
        (46022.0, date(2025, 12, 31)),  # an Excel serial number
        ("46022", date(2025, 12, 31)),
        (datetime(2026, 1, 2, 9, 30), date(2026, 1, 2)),  # noqa: DTZ001 - as a spreadsheet gives it
    ],
)
def test_dates_are_read_in_iso_day_first_and_excel_forms(cell, expected):
    assert parsing.parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["31/13/2026", "tomorrow", "2026-02-30", 12.0])
def test_a_date_that_is_not_one_is_a_problem(cell):
    with pytest.raises(Problem) as problem:
        parsing.parse_date(cell)
    assert problem.value.code == "date_invalid"


@pytest.mark.parametrize(
    ("cell", "decimal_comma", "expected"),
    [
        ("1,234.56", False, Decimal("1234.56")),
        ("1.234,56", False, Decimal("1234.56")),
        ("1 234,56", False, Decimal("1234.56")),
        ("1\u202f234,5", False, Decimal("1234.5")),
        ("1234,5", False, Decimal("1234.5")),
        ("1,200", False, Decimal("1200")),
        ("1,200", True, Decimal("1.2")),
        ("1.200", True, Decimal("1200")),
        ("€ 2,500", False, Decimal("2500")),
        ("2500 EUR", False, Decimal("2500")),
        ("1.234.567", False, Decimal("1234567")),
        (1499.5, False, Decimal("1499.5")),
    ],
)
def test_numbers_take_decimal_commas_and_thousands_separators(cell, decimal_comma, expected):
    assert parsing.parse_decimal(cell, decimal_comma=decimal_comma) == expected


def test_negative_or_non_numeric_money_is_refused():
    with pytest.raises(Problem) as negative:
        parsing.parse_money("-50")
    assert negative.value.code == "amount_negative"
    with pytest.raises(Problem) as words:
        parsing.parse_money("lots")
    assert words.value.code == "number_invalid"


def test_arr_becomes_a_monthly_amount():
    assert parsing.monthly_from_annual(parsing.parse_money("120,000")) == Decimal("10000.00")


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("UK", "GB"),
        ("Deutschland", "DE"),
        ("Côte d'Ivoire", "CI"),
        ("Allemagne", "DE"),
        ("fr", "FR"),
        ("United States", "US"),
        ("Royaume-Uni", "GB"),
        ("DEU", "DE"),
    ],
)
def test_countries_are_found_in_english_french_native_names_and_codes(cell, code):
    assert parsing.parse_country(cell) == code


def test_an_unknown_country_comes_with_a_suggestion():
    with pytest.raises(Problem) as problem:
        parsing.parse_country("Germny")
    assert problem.value.code == "country_unknown_suggest"
    assert problem.value.params["suggestion"] == "DE"


@pytest.mark.parametrize(
    ("cell", "months"),
    [
        ("12", 12),
        (12.0, 12),
        ("12 months", 12),
        ("2 years", 24),
        ("annual", 12),
        ("Monthly", 1),
        ("36 mois", 36),
        ("quarterly", 3),
    ],
)
def test_contract_terms_are_months(cell, months):
    assert parsing.parse_months(cell) == months


def test_phases_segments_and_funding_stages_read_labels_in_two_languages():
    assert parsing.parse_choice("Onboarding", parsing.PHASES, code="x") == "deployment"
    assert parsing.parse_choice("Croissance", parsing.PHASES, code="x") == "growth"
    assert parsing.parse_choice("Series C", parsing.FUNDING_STAGES, code="x") == "series_b_plus"
    assert parsing.parse_free_choice("Mid-Market", parsing.SEGMENTS, max_length=32) == (
        "mid_market",
        True,
    )
    assert parsing.parse_free_choice("Internet", parsing.INDUSTRIES, max_length=64) == (
        "Internet",
        False,
    )


def test_signals_are_numbers_or_categories():
    assert parsing.parse_signal("4,5", decimal_comma=True) == (Decimal("4.5000"), "")
    assert parsing.parse_signal(87.0) == (Decimal("87.0000"), "")
    assert parsing.parse_signal("Pro plan") == (None, "Pro plan")
    assert parsing.slugify_signal("Seats used (#)") == "seats-used"


def test_headers_match_without_case_punctuation_or_unit():
    assert normalise_header("Discount at signing (%)") == "discount at signing"
    targets = recognise(["Record ID", "Company name", "Country/Region", "CSAT", "MRR (€)"])
    assert targets == ["external_id", "name", "country", SIGNAL, "mrr"]
