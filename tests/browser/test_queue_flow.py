"""The expected-churn queue in a real Chromium: a manager bulk-confirms three flags with one
reason, after the page refused the same click without one."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from accounts.models import Account
from risk.models import ExpectedChurn
from risk.services.expected_churn import raise_proposals
from tests.browser.conftest import log_in
from tests.factories import AccountFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page


def expect(target):  # type: ignore[no-untyped-def]
    # Imported lazily so that a machine without Playwright skips instead of failing to collect.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def test_a_manager_bulk_confirms_three_expected_churn_flags_with_a_reason(
    page: Page, csm, team, manager
) -> None:
    names = ["Aurora Cargo", "Boreal Tours", "Cirrus Hotels", "Delta Ferries"]
    for n, name in enumerate(names):
        AccountFactory(
            team=team,
            owner=csm,
            name=name,
            phase="defense",
            risk_band="high",
            risk_score=65,
            mrr=Decimal(6000 + n * 1000),
        )
    raise_proposals(today=timezone.localdate())
    log_in(page, manager.username)
    page.goto("/runs/expected-churn/")
    rows = page.locator("#expected-churn-rows tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Delta Ferries")  # the largest MRR first

    # Sorted by name through the column header, then three rows ticked.
    page.get_by_role("link", name="Account", exact=True).click()
    expect(rows.first).to_contain_text("Aurora Cargo")
    for name in names[:3]:
        page.get_by_label(f"Select {name}").check()

    # Without a reason nothing is decided and the page says why.
    page.get_by_role("button", name="Confirm selected").click()
    expect(page.get_by_role("alert")).to_contain_text("A reason is required")
    assert not ExpectedChurn.objects.exclude(status="proposed").exists()

    # The ticks survive the refusal; one reason decides the three.
    for name in names[:3]:
        expect(page.get_by_label(f"Select {name}")).to_be_checked()
    page.get_by_label("Decide the selected accounts").fill("Budget frozen until next year")
    page.get_by_role("button", name="Confirm selected").click()
    expect(page.locator("body")).to_contain_text("Decision recorded for 3 accounts.")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Delta Ferries")

    flagged = Account.objects.filter(is_expected_churn=True).values_list("name", flat=True)
    assert sorted(flagged) == names[:3]
    reasons = set(
        ExpectedChurn.objects.filter(status="confirmed").values_list("decision_reason", flat=True)
    )
    assert reasons == {"Budget frozen until next year"}

    # The confirmed flags are one filter away.
    page.get_by_label("Status").select_option("confirmed")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(3)
