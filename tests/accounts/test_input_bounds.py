"""Dates, currencies and names are bounded at the form and at the model."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Touchpoint
from churnguard.validation import (
    validate_currency_code,
    validate_no_control_characters,
    validate_sane_date,
    validate_single_line,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_touchpoint_dated_year_one_is_refused_and_the_page_still_opens(account, csm):
    client = client_for(csm)
    url = reverse("accounts:touchpoint-create", args=[account.pk])
    response = client.post(
        url, {"kind": "call", "happened_at": "0001-01-01T00:00", "summary": "Old call"}
    )
    assert response.status_code in (200, 400)
    assert "between 1900 and 2200" in response.content.decode()
    assert not Touchpoint.objects.exists()
    assert client.get(reverse("accounts:detail", args=[account.pk])).status_code == 200


@pytest.mark.parametrize("value", [date(1, 1, 1), date(1899, 12, 31), date(2201, 1, 1)])
def test_dates_outside_1900_2200_are_refused_by_the_model(value):
    with pytest.raises(ValidationError):
        validate_sane_date(value)


@pytest.mark.parametrize("code", ["ZZZ", "XXX", "eur", "E1", ""])
def test_unknown_currency_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_currency_code(code)


def test_real_currency_codes_pass():
    for code in ("EUR", "USD", "GBP", "JPY", "XOF"):
        validate_currency_code(code)


@pytest.mark.parametrize("name", ["Acme\nCorp", "Acme\rCorp", "Acme\tCorp", "Acme\u2028Corp"])
def test_names_must_be_single_line(name):
    with pytest.raises(ValidationError):
        validate_single_line(name)


def test_free_text_keeps_line_breaks_but_not_other_control_characters():
    validate_no_control_characters("First line\nSecond line\r\n\tindented")
    with pytest.raises(ValidationError):
        validate_no_control_characters("bell\x07")
