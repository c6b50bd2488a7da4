"""The admin's changes to what the analytics figures read retire the cached figures."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import OutcomeKpi, SignalReading
from churnguard.portfolio import figures_version
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_kpi_or_a_signal_changed_in_the_admin_retires_the_cached_figures(
    account, admin_user, django_capture_on_commit_callbacks
):
    kpi = OutcomeKpi.objects.create(
        account=account, name="x", target=Decimal(10), actual=Decimal(5), as_of=date(2026, 1, 1)
    )
    reading = SignalReading.objects.create(
        account=account, name="csat", value=Decimal(3), as_of=date(2026, 1, 1)
    )
    client = client_for(admin_user)
    before = figures_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_outcomekpi_change", args=[kpi.pk]),
            {
                "account": account.pk,
                "name": "x",
                "unit": "",
                "target": "10",
                "actual": "9",
                "higher_is_better": "on",
                "as_of": "2026-01-02",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    after_kpi = figures_version()
    assert after_kpi != before
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_signalreading_delete", args=[reading.pk]), {"post": "yes"}
        )
    assert not SignalReading.objects.filter(pk=reading.pk).exists()
    assert figures_version() != after_kpi
