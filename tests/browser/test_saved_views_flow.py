"""My accounts and saved views in a real Chromium: a CSM lands on their book, switches to the
team, filters, saves the view for the team; a teammate opens it and changes the columns."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from accounts.models import SavedView
from tests.browser.conftest import log_in
from tests.factories import AccountFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = pytest.importorskip("playwright.sync_api").expect

ROWS = "#account-table tbody tr"
HEADER = "#account-table thead th"


@pytest.fixture
def book(csm, teammate, team, other_team) -> None:
    AccountFactory.create(team=team, owner=csm, name="Nordwind Voyages", phase="defense")
    AccountFactory.create(team=team, owner=csm, name="Atlas Freight", phase="growth")
    AccountFactory.create(team=team, owner=teammate, name="Borealis Health", phase="defense")
    AccountFactory.create(team=other_team, name="Southern Lights", phase="defense")


def row_names(page: Page) -> list[str]:
    return sorted(page.locator(f"{ROWS} td:first-child a").all_inner_texts())


def test_a_csm_saves_a_team_view_and_a_teammate_opens_it(
    page: Page, csm, teammate, team, book
) -> None:
    log_in(page, csm.username)
    page.goto("/accounts/")
    # The CSM lands on their own book.
    expect(page.locator(ROWS)).to_have_count(2)
    assert row_names(page) == ["Atlas Freight", "Nordwind Voyages"]
    expect(page.get_by_role("link", name="My accounts")).to_have_attribute("aria-current", "page")
    expect(page.locator(".result-count")).to_contain_text("2 accounts")

    # One click for the team.
    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.locator(ROWS)).to_have_count(3)

    # Filter, then save what is on screen for the team.
    page.locator("select[name=phase]").select_option("defense")
    expect(page.locator(ROWS)).to_have_count(2)
    page.locator("summary", has_text="Saved views").click()
    save = page.locator("form.save-view")
    save.locator("input[name=name]").fill("Defense, whole team")
    save.locator("select[name=shared_with_team]").select_option(label=team.name)
    save.get_by_role("button", name="Save these filters").click()
    expect(page.locator(".messages")).to_contain_text("View “Defense, whole team” saved.")
    expect(page.locator(ROWS)).to_have_count(2)
    view = SavedView.objects.get()
    assert (view.shared_with_team, view.owner) == (team, csm)

    # A teammate lands on their own book, finds the view in the menu and opens it.
    page.context.clear_cookies()
    log_in(page, teammate.username)
    page.goto("/accounts/")
    assert row_names(page) == ["Borealis Health"]
    page.locator("summary", has_text="Saved views").click()
    expect(page.locator(".view-list")).to_contain_text("Defense, whole team")
    expect(page.get_by_text("Rename or share")).to_have_count(0)  # not theirs to change
    page.get_by_role("link", name="Defense, whole team").click()
    expect(page).to_have_url(re.compile(r"phase=defense"))
    expect(page.locator(ROWS)).to_have_count(2)
    assert row_names(page) == ["Borealis Health", "Nordwind Voyages"]

    # They change the columns: Segment in, Industry out; the filters stay.
    expect(page.locator(HEADER, has_text="Industry")).to_have_count(1)
    page.locator("summary", has_text="Columns").click()
    chooser = page.locator(".column-chooser form")
    chooser.get_by_label("Industry").uncheck()
    chooser.get_by_label("Segment").check()
    chooser.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(HEADER, has_text="Segment")).to_have_count(1)
    expect(page.locator(HEADER, has_text="Industry")).to_have_count(0)
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator(f"{ROWS} td", has_text="Mid-market")).to_have_count(2)
