"""The layout on a phone (390 px) and a laptop (1366 px), in a real Chromium.

Screenshots of the triage list and the account page are written to test-artifacts/screenshots/;
with UPDATE_SCREENSHOTS=1 they replace the ones that document the look in docs/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from django.utils import timezone

from accounts.models import Account
from risk.services.scores import rescore_account
from tests.browser.conftest import log_in
from tests.factories import AccountFactory, TouchpointFactory

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

expect = pytest.importorskip("playwright.sync_api").expect

PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1366, "height": 900}
ROOT = Path(__file__).resolve().parents[2]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def portfolio(csm, team) -> dict[str, Account]:
    """A handful of accounts a CSM would recognise, scored like the nightly run does."""
    today = timezone.localdate()
    specs = [
        ("Nordwind Voyages", "travel", "DE", "defense", 9_400, 12),
        ("Atlas Freight Logistics International", "logistics", "NL", "maturation", 3_250, 70),
        ("Borealis Health", "healthcare", "FR", "deployment", 12_800, 200),
        ("Cobalt Studios", "media", "GB", "growth", 740, 35),
        ("Éclair Événements", "events", "FR", "defense", 2_654, 45),
    ]
    accounts = {}
    for name, industry, country, phase, mrr, renews_in in specs:
        account = cast(
            Account,
            AccountFactory(
                team=team,
                owner=csm,
                name=name,
                industry=industry,
                country=country,
                phase=phase,
                mrr=Decimal(mrr),
                renewal_date=today + timedelta(days=renews_in),
            ),
        )
        TouchpointFactory(account=account, author=csm)
        rescore_account(account=account)
        accounts[name] = account
    return accounts


@pytest.fixture
def phone(browser: Browser, live_server, transactional_db, django_db_serialized_rollback):
    yield from _context(browser, live_server, PHONE)


@pytest.fixture
def laptop(browser: Browser, live_server, transactional_db, django_db_serialized_rollback):
    yield from _context(browser, live_server, LAPTOP)


def _context(browser: Browser, live_server, viewport: ViewportSize) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=viewport)
    context.set_default_timeout(5_000)
    page = context.new_page()
    yield page
    context.close()


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the {PHONE['width']} px screen"


def screenshot(page: Page, name: str) -> None:
    folder = ROOT / "test-artifacts" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=False)


def test_no_page_of_the_navigation_scrolls_sideways_on_a_phone(
    phone: Page, portfolio, admin_user
) -> None:
    page = log_in(phone, admin_user.username)
    page.goto("/accounts/")
    # Every page the navigation offers an admin (the Django admin site is not ours to lay out).
    links = page.locator("nav.nav a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    ours = [h for h in hrefs if h and not h.startswith("/admin/")]
    assert len(ours) >= 6
    account = portfolio["Atlas Freight Logistics International"]
    for href in [*ours, f"/accounts/{account.pk}/", "/playbooks/levers/"]:
        page.goto(href)
        assert_no_sideways_scroll(page)
    # The triage table scrolls inside its own box instead.
    page.goto("/accounts/")
    scroller = page.locator("#account-table .table-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")


def test_the_menu_folds_on_a_phone_and_opens_without_javascript(  # type: ignore[no-untyped-def]
    browser: Browser, live_server, transactional_db, django_db_serialized_rollback, csm, portfolio
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = log_in(context.new_page(), csm.username)
    page.goto("/accounts/")
    alerts = page.locator("nav.nav").get_by_role("link", name="Alerts")
    expect(alerts).to_be_hidden()
    page.locator(".menu-button").click()
    expect(alerts).to_be_visible()
    alerts.click()
    expect(page).to_have_url(f"{live_server.url}/alerts/")
    context.close()


@pytest.mark.parametrize("device", ["phone", "laptop"])
def test_the_login_form_stacks_each_label_above_its_field(request, device: str) -> None:
    page: Page = request.getfixturevalue(device)
    page.goto("/login/")
    username, password = page.locator("#id_username"), page.locator("#id_password")
    for field in (username, password):
        label, box = page.locator(f"label[for={field.get_attribute('id')}]"), field.bounding_box()
        label_box = label.bounding_box()
        assert label_box and box and label_box["y"] + label_box["height"] <= box["y"] + 1
        assert abs(label_box["x"] - box["x"]) < 2  # aligned on the same left edge
    name_box, password_box = username.bounding_box(), password.bounding_box()
    assert name_box and password_box and name_box["y"] < password_box["y"]
    assert_no_sideways_scroll(page)


def test_the_nav_shows_inline_on_a_laptop(laptop: Page, csm, portfolio) -> None:
    page = log_in(laptop, csm.username)
    expect(page.locator(".menu-button")).to_be_hidden()
    expect(page.locator("nav.nav").get_by_role("link", name="Alerts")).to_be_visible()


def test_account_page_puts_why_first_and_opens_forms_on_demand(laptop: Page, csm, portfolio):
    account = portfolio["Nordwind Voyages"]
    page = log_in(laptop, csm.username)
    page.goto(f"/accounts/{account.pk}/")
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0] == "Why"
    badge = page.locator(".risk-head .badge").first
    expect(badge).to_contain_text(str(Account.objects.get(pk=account.pk).risk_score))
    # Every form waits behind its summary until asked for.
    expect(page.get_by_label("Summary")).to_be_hidden()
    page.get_by_text("Log a touchpoint", exact=True).click()
    expect(page.get_by_label("Summary")).to_be_visible()

    # What if: a change of one fact redraws each factor's change, server-side.
    page.get_by_text("What if…", exact=True).click()
    page.get_by_label("Late payments (12 months)").fill("6")
    page.get_by_label("Funding stage").select_option("seed")
    changes = page.locator("#what-if-result table")
    expect(changes).to_contain_text("Cash stability")
    expect(page.locator("#what-if-result")).to_contain_text("Nothing was saved")


def test_screenshots_of_the_triage_list_and_the_account_page(
    phone: Page, laptop: Page, csm, portfolio
) -> None:
    account = portfolio["Nordwind Voyages"]
    for size, page in (("1366", laptop), ("390", phone)):
        log_in(page, csm.username)
        page.goto("/accounts/")
        expect(page.locator("#account-table tbody tr")).to_have_count(len(portfolio))
        screenshot(page, f"triage-{size}")
        page.goto(f"/accounts/{account.pk}/")
        expect(page.locator(".risk-head .badge").first).to_be_visible()
        screenshot(page, f"account-{size}")
        assert_no_sideways_scroll(page)
