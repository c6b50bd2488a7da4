"""In a real Chromium: no page breaks the Content Security Policy, and Back keeps the triage
form and table on the same query."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

import pytest
from django.urls import reverse

from accounts.models import Account
from risk.services.scores import rescore_account
from tests.browser.conftest import log_in
from tests.factories import AccountFactory
from tests.security.routes import site_routes
from tests.security.world import build_world, url_kwargs

if TYPE_CHECKING:
    from playwright.sync_api import Page

playwright_api = pytest.importorskip("playwright.sync_api")
expect, PlaywrightError = playwright_api.expect, playwright_api.Error

ROWS = "#account-table tbody tr"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_no_page_breaks_the_content_security_policy(page: Page) -> None:
    world = build_world()
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    log_in(page, "admin")
    visited = 0
    problems: list[str] = []
    for route in site_routes():
        if route.name in ("logout", "set_language") or "archive" in route.name:
            continue
        url = reverse(route.name, kwargs=url_kwargs(world, route.route, list(route.params)))
        # Ask first with the context's own cookies: navigating to a POST-only URL leaves an
        # error page whose late navigation would interrupt the next page's.
        probe = page.request.get(url)
        if probe.status != 200 or "html" not in (probe.headers.get("content-type") or ""):
            continue
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        policy = response.headers.get("content-security-policy", "")
        if "unsafe-inline" in policy or "script-src 'self'" not in policy:
            problems.append(f"{url}: policy {policy!r}")
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations || []")
        problems += [f"{url}: {v}" for v in violations]
        visited += 1
    assert visited >= 20  # every page a GET opens (the rest are POST-only actions)
    assert not problems and not console, problems + console


def test_back_after_two_filters_shows_the_first_filter_in_form_and_table(
    logged_in_page: Page, csm, team
) -> None:
    for name, phase, industry in [
        ("Nordwind Voyages", "defense", "travel"),
        ("Borealis Health", "defense", "healthcare"),
        ("Atlas Freight", "maturation", "logistics"),
    ]:
        rescore_account(
            account=cast(
                Account,
                AccountFactory(team=team, owner=csm, name=name, phase=phase, industry=industry),
            )
        )
    page = logged_in_page
    page.goto("/accounts/")
    expect(page.locator(ROWS)).to_have_count(3)

    page.locator("select[name=phase]").select_option("defense")
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page).to_have_url(re.compile(r"phase=defense"))
    page.locator("select[name=industry]").select_option("travel")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"industry=travel"))

    page.go_back()

    expect(page).to_have_url(re.compile(r"phase=defense"))
    expect(page).not_to_have_url(re.compile(r"industry=travel"))
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator("select[name=phase]")).to_have_value("defense")
    expect(page.locator("select[name=industry]")).to_have_value("")

    page.go_forward()

    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator("select[name=industry]")).to_have_value("travel")
