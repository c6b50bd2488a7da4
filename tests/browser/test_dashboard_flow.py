"""A manager opens the dashboard and the board report in English and in French: the charts are
drawn (SVG bars and lines with a size), labelled, and every figure has its table."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from accounts.ledger import change_mrr, open_ledger, record_churn
from tests.browser.conftest import log_in
from tests.factories import AccountFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = pytest.importorskip("playwright.sync_api").expect

CHARTS = ("mrr", "waterfall", "retention", "risk-bands", "forecast")


@pytest.fixture
def revenue(team, csm):
    today = timezone.localdate()
    accounts = []
    for i, mrr in enumerate((1200, 800, 500)):
        account = AccountFactory(
            team=team, owner=csm, name=f"Account {i}", mrr=Decimal(mrr), risk_band="high"
        )
        open_ledger(account=account)
        accounts.append(account)
    change_mrr(account=accounts[0], new_mrr=Decimal(1500), on=today, source="test")
    record_churn(account=accounts[2], on=today - timedelta(days=1), reason="budget")
    return accounts


def charts_are_drawn(page: Page) -> None:
    for slug in CHARTS:
        chart = page.locator(f"#chart-{slug}")
        expect(chart.locator("svg")).to_be_visible()
        box = chart.locator("svg").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50
        assert chart.locator("rect.chart-bar, polyline.line").count() > 0
        assert chart.locator("table caption").count() == 1


@pytest.mark.parametrize(
    ("language", "dashboard", "report"),
    [
        ("en", "Portfolio dashboard", "Board report"),
        ("fr", "Tableau de bord", "Rapport au conseil"),
    ],
)
def test_dashboard_and_board_report_draw_their_charts(
    page: Page, revenue, manager, language, dashboard, report
) -> None:
    log_in(page, manager.username)
    if language == "fr":
        page.get_by_role("button", name="FR").click()
    page.goto("/analytics/")
    expect(page.locator("h1")).to_contain_text(dashboard)
    expect(page.locator("nav.nav a").first).to_have_attribute("href", "/analytics/")
    charts_are_drawn(page)
    page.locator("#chart-mrr summary").click()
    expect(page.locator("#chart-mrr table")).to_be_visible()
    page.goto("/analytics/board-report/")
    expect(page.locator("#board-report-title")).to_contain_text(report)
    charts_are_drawn(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/analytics/")
    box = page.locator("#chart-mrr svg").bounding_box()
    assert box and box["width"] <= 390
