"""The alerts inbox in a real Chromium: select every alert of the page, close them with a reason."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertStatus
from alerts.services import refresh_alerts
from tests.factories import AccountFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = pytest.importorskip("playwright.sync_api").expect

ROWS = "table.alert-inbox tbody tr"


@pytest.fixture
def inbox(csm, team) -> None:
    for name, band in [("Nordwind Voyages", "critical"), ("Atlas Freight", "high")]:
        AccountFactory(team=team, owner=csm, name=name, risk_band=band)
    refresh_alerts(today=timezone.localdate())


def test_select_all_then_close_needs_a_reason_and_closes_every_alert(
    logged_in_page: Page, inbox
) -> None:
    page = logged_in_page
    page.goto("/alerts/?cause=high_risk")
    expect(page.locator(ROWS)).to_have_count(2)
    if os.environ.get("ALERTS_SCREENSHOTS"):  # a look at the layout, on demand
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"/tmp/alerts-inbox-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})

    master = page.get_by_label("Select all alerts on this page")
    master.check()
    rows = page.locator("input[name=alerts]")
    for index in range(rows.count()):
        expect(rows.nth(index)).to_be_checked()
    rows.nth(0).uncheck()
    assert page.evaluate("document.querySelector('[data-select-all]').indeterminate")
    master.check()

    # No reason: the browser asks for one before sending anything (the server refuses too).
    page.get_by_role("button", name="Close selected").click()
    reason = page.get_by_label("Reason for the selected alerts")
    assert reason.evaluate("field => !field.validity.valid")
    assert Alert.objects.filter(status=AlertStatus.CLOSED).count() == 0
    expect(page.locator("input[name=alerts]:checked")).to_have_count(2)

    reason.fill("Both sponsors met this week")
    page.get_by_role("button", name="Close selected").click()
    expect(page.get_by_text("2 alerts closed.")).to_be_visible()
    expect(page.locator(ROWS)).to_have_count(0)
    closed = Alert.objects.filter(cause="high_risk", status=AlertStatus.CLOSED)
    assert closed.count() == 2
    assert set(closed.values_list("close_reason", flat=True)) == {"Both sponsors met this week"}
