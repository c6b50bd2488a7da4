"""Dates, times, money, numbers and percentages read naturally in en-GB, en-US and French."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from churnguard.formats import (
    NARROW_NBSP,
    NBSP,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    locale_for,
)

DAY = date(2026, 11, 29)
AFTERNOON = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en-gb", "29 Nov 2026"), ("en-us", "Nov 29, 2026"), ("fr", "29 nov. 2026")],
)
def test_a_date_reads_the_locale_s_way(locale, expected):
    assert format_date(DAY, locale) == expected


def test_french_months_are_abbreviated_as_french_writes_them():
    months = [format_date(date(2026, m, 1), "fr").split()[1] for m in range(1, 13)]
    assert months[:3] == ["janv.", "févr.", "mars"]
    assert months[6:8] == ["juil.", "août"]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-gb", "29 Nov 2026, 14:05"),
        ("en-us", f"Nov 29, 2026, 2:05{NBSP}PM"),
        ("fr", "29 nov. 2026, 14:05"),
    ],
)
def test_a_date_time_reads_the_locale_s_way(locale, expected):
    assert format_datetime(AFTERNOON, locale) == expected


def test_midnight_and_noon_in_twelve_hour_time():
    midnight, noon = (datetime(2026, 1, 2, h, 7, tzinfo=UTC) for h in (0, 12))
    assert format_datetime(midnight, "en-us").endswith(f"12:07{NBSP}AM")
    assert format_datetime(noon, "en-us").endswith(f"12:07{NBSP}PM")


@pytest.mark.parametrize(
    ("locale", "amount", "currency", "expected"),
    [
        ("en-gb", Decimal("2654"), "EUR", "€2,654"),
        ("en-us", Decimal("2654"), "EUR", "€2,654"),
        ("fr", Decimal("2654"), "EUR", f"2{NARROW_NBSP}654{NBSP}€"),
        ("fr", Decimal("2654.5"), "EUR", f"2{NARROW_NBSP}654,50{NBSP}€"),
        ("en-us", Decimal("1234567.891"), "USD", "$1,234,567.89"),
        ("en-gb", Decimal("99.99"), "USD", "US$99.99"),
        ("en-gb", Decimal("12"), "GBP", "£12"),
        ("fr", Decimal("12"), "USD", f"12{NBSP}$US"),
        ("en-gb", Decimal("-250"), "EUR", "-€250"),
        ("fr", Decimal("-250"), "EUR", f"-250{NBSP}€"),
        ("en-gb", Decimal("4000"), "CHF", f"CHF{NBSP}4,000"),
        ("fr", Decimal("4000"), "CHF", f"4{NARROW_NBSP}000{NBSP}CHF"),
    ],
)
def test_money_always_carries_its_currency(locale, amount, currency, expected):
    assert format_money(amount, currency, locale) == expected


def test_whole_money_rounds_half_up_to_the_unit():
    assert format_money(Decimal("2654.50"), "EUR", "en-gb", whole=True) == "€2,655"
    assert format_money(Decimal("0.40"), "EUR", "fr", whole=True) == f"0{NBSP}€"


def test_missing_amounts_print_nothing():
    assert format_money(None, "EUR", "fr") == ""
    assert format_number("", "en-gb") == ""
    assert format_percent(None, "fr") == ""


@pytest.mark.parametrize(
    ("locale", "expected"), [("en-gb", "12.5%"), ("en-us", "12.5%"), ("fr", f"12,5{NARROW_NBSP}%")]
)
def test_percentages(locale, expected):
    assert format_percent(Decimal("12.50"), locale) == expected


def test_numbers_are_grouped_and_trimmed():
    assert format_number(Decimal("12500.50"), "en-us") == "12,500.5"
    assert format_number(Decimal("12500.00"), "fr") == f"12{NARROW_NBSP}500"
    assert format_number(-3.25, "fr") == "-3,25"


@pytest.mark.parametrize(
    ("language", "locale"),
    [
        ("en", "en-gb"),
        ("en-gb", "en-gb"),
        ("en-us", "en-us"),
        ("en-au", "en-gb"),
        ("fr", "fr"),
        ("fr-ca", "fr"),
        (None, "en-gb"),
    ],
)
def test_each_language_has_its_formats(language, locale):
    assert locale_for(language) == locale


TEMPLATE = Template(
    "{% load formats %}{{ day|as_date }} | {{ at|as_datetime }} | {{ mrr|as_money:'EUR' }}"
    " | {{ mrr|as_money_whole:'EUR' }} | {{ pct|as_percent }} | {{ day|as_day_month }}"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "29 Nov 2026 | 29 Nov 2026, 15:05 | €2,654.40 | €2,654 | 10% | 29 Nov"),
        (
            "en-us",
            f"Nov 29, 2026 | Nov 29, 2026, 3:05{NBSP}PM | €2,654.40 | €2,654 | 10% | Nov 29",
        ),
        (
            "fr",
            f"29 nov. 2026 | 29 nov. 2026, 15:05 | 2{NARROW_NBSP}654,40{NBSP}€ | "
            f"2{NARROW_NBSP}654{NBSP}€ | 10{NARROW_NBSP}% | 29 nov.",
        ),
    ],
)
def test_template_filters_follow_the_active_language_and_local_time(language, expected):
    context = Context(
        {
            "day": DAY,
            "at": datetime(2026, 11, 29, 14, 5, tzinfo=UTC),  # 15:05 in Paris
            "mrr": Decimal("2654.40"),
            "pct": Decimal("10.0"),
        }
    )
    with translation.override(language):
        assert TEMPLATE.render(context) == expected


def test_filters_print_nothing_for_a_missing_value():
    template = Template(
        "{% load formats %}[{{ x|as_date }}{{ x|as_datetime }}{{ x|as_money:'EUR' }}]"
    )
    assert template.render(Context({"x": None})) == "[]"


# --- pages and e-mails -----------------------------------------------------------------------


@pytest.fixture
def renewing_account(account):
    account.mrr = Decimal("12500")
    account.currency = "USD"
    account.renewal_date = DAY
    account.save(update_fields=["mrr", "currency", "renewal_date"])
    return account


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "renewal", "mrr"),
    [
        ("en-GB,en;q=0.9", "29 Nov 2026", "US$12,500"),
        ("en-US,en;q=0.9", "Nov 29, 2026", "$12,500"),
        ("fr-FR,fr;q=0.9", "29 nov. 2026", f"12{NARROW_NBSP}500{NBSP}$US"),
    ],
)
def test_a_browser_s_language_picks_the_triage_list_s_formats(
    csm_client, renewing_account, accept_language, renewal, mrr
):
    response = csm_client.get("/accounts/", headers={"Accept-Language": accept_language})
    row = response.content.decode().split("Nordwind Voyages", 1)[1].split("</tr>", 1)[0]
    assert f'<td class="num">{mrr}</td>' in row
    assert f">{renewal}</td>" in row


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "renewal", "mrr"),
    [
        ("en-US", "Nov 29, 2026", "$12,500"),
        ("en-GB", "29 Nov 2026", "US$12,500"),
        ("fr", "29 nov. 2026", f"12{NARROW_NBSP}500{NBSP}$US"),
    ],
)
def test_the_account_page_shows_dates_and_money_in_the_reader_s_formats(
    csm_client, renewing_account, accept_language, renewal, mrr
):
    url = f"/accounts/{renewing_account.pk}/"
    content = csm_client.get(url, headers={"Accept-Language": accept_language}).content.decode()
    assert f"<dd>{renewal}</dd>" in content
    assert f"<dd>{mrr}</dd>" in content
