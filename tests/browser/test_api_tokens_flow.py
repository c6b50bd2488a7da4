"""A CSM creates an API token in the browser, a program uses it, the CSM revokes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from tests.factories import AccountFactory

if TYPE_CHECKING:
    pass

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def urls_loaded() -> None:
    # Building the API's schema models when the URLconf first loads takes seconds on a busy
    # machine: done here, not inside the browser's first page load and its time-out.
    from django.urls import reverse

    reverse("api:tokens")


def test_a_token_is_created_shown_once_used_and_revoked(urls_loaded, live_server, csm, page):
    from tests.browser.conftest import log_in

    account = AccountFactory(team=csm.team, owner=csm, name="Nordwind Voyages")
    log_in(page, csm.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".menu-button").click()  # on a phone the header's links fold into the menu
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("CRM sync")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("cg_")
    page.screenshot(path="test-artifacts/api-tokens-390.png", full_page=True)

    api = f"{live_server.url}/api/v1"
    headers = {"Authorization": f"Bearer {token}"}
    listed = httpx.get(f"{api}/accounts", headers=headers).json()
    assert [item["name"] for item in listed["items"]] == [account.name]

    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)  # shown once only
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Token “CRM sync” revoked.")).to_be_visible()
    assert httpx.get(f"{api}/accounts", headers=headers).status_code == 401
