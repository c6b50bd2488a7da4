"""A CSM's morning, clicked through in a real Chromium: triage list, filters, account page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from accounts.models import Account, Touchpoint
from risk.services.scores import rescore_account
from tests.factories import AccountFactory, TouchpointFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

# A machine without Playwright skips this module instead of failing to collect it.
expect = pytest.importorskip("playwright.sync_api").expect

ROWS = "#account-table tbody tr"


@pytest.fixture
def portfolio(csm, team) -> dict[str, Account]:
    """Four accounts of the CSM's team, two of them in Defense, scored like the nightly run does."""
    phases = {
        "Nordwind Voyages": "defense",
        "Atlas Freight": "maturation",
        "Borealis Health": "defense",
        "Cobalt Studios": "growth",
    }
    accounts = {}
    for name, phase in phases.items():
        account = AccountFactory.create(team=team, owner=csm, name=name, phase=phase)
        rescore_account(account=account)
        accounts[name] = account
    return accounts


def mark_page(page: Page) -> None:
    """Leave a marker in the window: it survives htmx swaps, not a page load."""
    page.evaluate("window.__marker = 1")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping a part"


def test_filter_swaps_the_table_back_restores_it_and_a_name_opens_the_account(
    logged_in_page: Page, portfolio
) -> None:
    page = logged_in_page
    page.goto("/accounts/")
    expect(page.locator(ROWS)).to_have_count(4)
    mark_page(page)

    # Picking a phase is enough: no click on "Apply filters".
    page.locator("select[name=phase]").select_option("defense")

    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator("#account-table")).to_contain_text("Nordwind Voyages")
    expect(page.locator("#account-table")).to_contain_text("Borealis Health")
    expect(page.locator("#account-table")).not_to_contain_text("Atlas Freight")
    expect(page.locator("#account-table .result-count")).to_have_text("2 accounts · MRR €4,000")
    expect(page).to_have_url(re.compile(r"/accounts/\?(.*&)?phase=defense(&|$)"))
    assert_not_reloaded(page)

    page.go_back()

    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.locator(ROWS)).to_have_count(4)
    expect(page.locator("select[name=phase]")).to_have_value("")
    assert_not_reloaded(page)  # htmx restored its snapshot

    page.get_by_role("link", name="Atlas Freight", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/accounts/{portfolio['Atlas Freight'].pk}/$"))
    expect(page).to_have_title(re.compile(r"^Atlas Freight · ChurnGuard$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Atlas Freight")


def test_touchpoint_and_phase_change_update_the_account_page_in_place(
    logged_in_page: Page, account
) -> None:
    TouchpointFactory(
        account=account,
        happened_at=timezone.now() - timedelta(days=7),
        summary="Kick-off call with the ops team.",
    )
    page = logged_in_page
    page.goto(f"/accounts/{account.pk}/")
    timeline = page.locator("#touchpoints .timeline li")
    expect(timeline).to_have_count(1)
    mark_page(page)

    touchpoints = page.locator("#touchpoints")
    touchpoints.get_by_text("Log a touchpoint", exact=True).click()  # forms open on demand
    touchpoints.get_by_label("Kind").select_option("meeting")
    touchpoints.get_by_label("Summary").fill("Renewal prep: the CFO wants a multi-year offer.")
    touchpoints.get_by_role("button", name="Log touchpoint").click()

    expect(timeline).to_have_count(2)
    expect(timeline.first).to_contain_text("Renewal prep: the CFO wants a multi-year offer.")
    expect(timeline.first).to_contain_text("Meeting")
    expect(touchpoints.get_by_label("Summary")).to_have_value("")  # a fresh form for the next one
    assert_not_reloaded(page)
    assert Touchpoint.objects.filter(account=account).count() == 2

    summary = page.locator("#account-summary")
    expect(summary).to_contain_text("In Maturation since")
    summary.get_by_text("Move to another phase", exact=True).click()
    summary.get_by_label("Move to phase").select_option("defense")
    summary.get_by_role("button", name="Change phase").click()

    expect(summary).to_contain_text("In Defense since")
    expect(summary.get_by_label("Move to phase")).to_have_value("defense")
    assert_not_reloaded(page)
    account.refresh_from_db()
    assert account.phase == "defense"
    assert account.phase_entered_on == timezone.localdate()


def test_typed_search_narrows_the_list_after_the_debounce(logged_in_page: Page, portfolio) -> None:
    page = logged_in_page
    page.goto("/accounts/")
    expect(page.locator(ROWS)).to_have_count(4)
    mark_page(page)
    searches: list[str] = []
    page.on(
        "request",
        lambda r: searches.append(r.url) if r.headers.get("hx-request") and "q=" in r.url else None,
    )

    typed = "nordwind"
    page.locator("#id_q").press_sequentially(typed)

    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS)).to_contain_text("Nordwind Voyages")
    expect(page).to_have_url(re.compile(r"[?&]q=nordwind(&|$)"))
    assert_not_reloaded(page)
    # The debounce waits for a pause in the typing: one request, not one per key. (A machine
    # stalling 300 ms between two key presses could send two, hence not `== 1`.)
    assert 1 <= len(searches) < len(typed), searches
    assert "q=nordwind" in searches[-1]

    page.locator("#id_q").fill("no such customer")

    expect(page.locator("#account-table")).to_contain_text("No account matches these filters.")
    expect(page.locator(ROWS)).to_have_count(0)
    assert_not_reloaded(page)
