"""A lever from proposal to approval, clicked through in a real Chromium by a CSM and a manager."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from playbooks.catalogue import seed_defaults
from playbooks.models import Lever, Play, Proposal
from tests.browser.conftest import log_in
from tests.factories import AccountFactory

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def expect(target):  # type: ignore[no-untyped-def]
    # Imported lazily so that a machine without Playwright skips instead of failing to collect.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def catalogue(transactional_db) -> None:
    # serialized_rollback restores the seeded catalogue; seeding again is a no-op then.
    seed_defaults(Lever, Play)


@pytest.fixture
def at_risk(csm, team):  # type: ignore[no-untyped-def]
    """In Defense with a critical score: a payment holiday is on the table."""
    return AccountFactory(
        team=team,
        owner=csm,
        name="Nordwind Voyages",
        phase="defense",
        risk_score=82,
        risk_band="critical",
        mrr=Decimal("2000.00"),
    )


def manager_page(browser: Browser, live_server) -> Page:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return context.new_page()


def test_csm_proposes_a_payment_holiday_manager_approves_csm_applies_it(
    logged_in_page: Page, browser: Browser, live_server, catalogue, at_risk, manager
) -> None:
    page = logged_in_page
    page.goto(f"/accounts/{at_risk.pk}/")
    panel = page.locator("#playbook-panel")
    holiday_row = panel.locator("table.lever-table tr", has_text="Payment holiday")
    expect(holiday_row).to_contain_text("€6,000")
    page.evaluate("window.__marker = 1")

    # "Propose" on the recommendation loads the form for that lever, prefilled, in place.
    holiday_row.get_by_role("link", name="Propose").click()
    form = page.locator("#proposal-form")
    expect(form.get_by_label("Lever", exact=True)).to_have_value(
        str(Lever.objects.get(kind="payment_holiday").pk)
    )
    expect(form.get_by_label("Months")).to_have_value("3")
    form.get_by_label("Ask in return").select_option("longer_commitment")
    form.get_by_label("Why this lever, for this account, now").fill(
        "Bookings collapsed; three months off buys them the summer season."
    )
    form.get_by_role("button", name="Submit for approval").click()

    expect(panel).to_contain_text("Submitted: A manager decides on it.")
    expect(panel.locator("table.proposals")).to_contain_text("Waiting for approval")
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping the panel"
    proposal = Proposal.objects.get()
    assert (proposal.state, proposal.params) == ("submitted", {"months": "3"})

    # The manager decides from the queue, in a browser of their own.
    boss = manager_page(browser, live_server)
    try:
        log_in(boss, manager.username)
        boss.goto("/playbooks/approvals/")
        row = boss.locator(f"#proposal-{proposal.pk}")
        expect(row).to_contain_text("Nordwind Voyages")
        expect(row).to_contain_text("A longer commitment")
        row.get_by_role("button", name="Approve").click()
        expect(row).to_contain_text("Approved")
        expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    finally:
        boss.context.close()

    # Back on the account page the CSM sees the approval and applies the lever.
    page.reload()
    proposals = page.locator("#playbook-panel table.proposals")
    expect(proposals).to_contain_text("Approved")
    proposals.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(rf"/accounts/{at_risk.pk}/#playbook-panel$"))
    expect(page.locator(".messages")).to_contain_text("Lever applied")
    expect(page.locator("#playbook-panel table.proposals")).to_contain_text("Applied")
    expect(page.locator("#playbook-panel .applied-levers")).to_contain_text("Payment holiday")
    expect(page.locator("#playbook-panel .applied-levers")).to_contain_text("ends on")
    proposal.refresh_from_db()
    assert proposal.state == "applied"


def test_ticking_a_play_updates_the_checklist_in_place(
    logged_in_page: Page, catalogue, at_risk
) -> None:
    page = logged_in_page
    page.goto(f"/accounts/{at_risk.pk}/")
    checklist = page.locator("#play-checklist")
    page.evaluate("window.__marker = 1")
    checklist.get_by_label("Write a proactive recovery plan").check()
    expect(checklist).to_contain_text("Done by")
    assert page.evaluate("window.__marker") == 1
    page.reload()
    expect(
        page.locator("#play-checklist").get_by_label("Write a proactive recovery plan")
    ).to_be_checked()
