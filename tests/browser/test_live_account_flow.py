"""The account page in a real Chromium: a phase change moves the score at the top in place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Account
from risk.services.scores import rescore_account

if TYPE_CHECKING:
    from playwright.sync_api import Page


def expect(target):  # type: ignore[no-untyped-def]
    # Imported lazily so that a machine without Playwright skips instead of failing to collect.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def test_changing_the_phase_moves_the_score_at_the_top_without_a_reload(
    logged_in_page: Page,
    account,  # type: ignore[no-untyped-def]
) -> None:
    page = logged_in_page
    rescore_account(account=account)
    before = Account.objects.get(pk=account.pk).risk_score
    page.goto(f"/accounts/{account.pk}/")
    score = page.locator("#risk-head .badge-large b")
    expect(score).to_have_text(str(before))
    # A marker on the window: a reload would lose it.
    page.evaluate("window.stillTheSamePage = true")

    page.locator("#account-summary summary").click()
    page.locator("#account-summary select[name=phase]").select_option("defense")
    page.locator("#account-summary").get_by_role("button", name="Change phase").click()

    expect(page.locator("#account-summary")).to_contain_text("In Defense since")
    expect(score).not_to_have_text(str(before))
    after = Account.objects.get(pk=account.pk).risk_score
    expect(score).to_have_text(str(after))
    expect(page.locator("#risk-why")).to_contain_text("In defense since")
    expect(page.locator("#play-checklist")).to_contain_text("Plays for the Defense phase")
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_key_stakeholder_leaving_moves_the_score_without_a_reload(
    logged_in_page: Page,
    account,  # type: ignore[no-untyped-def]
) -> None:
    page = logged_in_page
    rescore_account(account=account)
    before = Account.objects.get(pk=account.pk).risk_score
    page.goto(f"/accounts/{account.pk}/")
    page.evaluate("window.stillTheSamePage = true")

    section = page.locator("#stakeholders")
    section.locator("summary").click()
    section.get_by_label("Name").fill("Ada Budget")
    section.get_by_label("Level").select_option("economic")
    section.get_by_label("Key stakeholder").check()
    section.get_by_role("button", name="Add").click()
    expect(section.locator("tbody")).to_contain_text("Ada Budget")

    section.get_by_role("button", name="Mark as left").click()
    expect(section).to_contain_text("Left on")
    after = Account.objects.get(pk=account.pk).risk_score
    assert before is not None and after is not None and after > before
    expect(page.locator("#risk-head .badge-large b")).to_have_text(str(after))
    expect(page.locator("#risk-why")).to_contain_text("left")
    assert page.evaluate("window.stillTheSamePage") is True
