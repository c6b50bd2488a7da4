"""A CSM's morning, clicked through in a real Chromium: My day → an overdue task → the account →
log a touchpoint with a follow-up → the task closes and the follow-up is on the list."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from django.utils import timezone

from accounts.models import Account, Touchpoint
from tasks.models import SourceKind, Task, TaskStatus
from tests.factories import AccountFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page


def expect(target):  # type: ignore[no-untyped-def]
    # Imported lazily so that a machine without Playwright skips instead of failing to collect.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def test_a_csms_morning_closes_an_overdue_task_with_a_touchpoint(
    logged_in_page: Page, csm, team
) -> None:
    today = timezone.localdate()
    account = cast(Account, AccountFactory(team=team, owner=csm, name="Nordwind Voyages"))
    overdue = Task.objects.create(
        account=account, owner=csm, title="Call Anna about the renewal",
        due_on=today - timedelta(days=2), created_by=csm, created_at=timezone.now(),
    )  # fmt: skip
    page = logged_in_page

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My day").click()
    overdue_section = page.locator("#overdue-tasks")
    expect(overdue_section).to_contain_text("overdue since")
    overdue_section.get_by_role("link", name="Call Anna about the renewal").click()

    expect(page.locator("h1")).to_contain_text("Nordwind Voyages")
    touchpoints = page.locator("#touchpoints")
    expect(touchpoints).to_contain_text("Working on: Call Anna about the renewal")
    page.evaluate("window.__marker = 1")
    touchpoints.get_by_label("Kind").select_option("call")
    touchpoints.get_by_label("Summary").fill("Anna confirms the renewal; wants the new pricing.")
    touchpoints.get_by_label("Follow up on").fill((today + timedelta(days=7)).isoformat())
    touchpoints.get_by_label("Follow-up task").fill("Send the new pricing to Anna")
    touchpoints.get_by_role("button", name="Log touchpoint").click()

    expect(page.locator("#touchpoints")).to_contain_text("Done: Call Anna about the renewal")
    tasks_panel = page.locator("#account-tasks")
    expect(tasks_panel).to_contain_text("Send the new pricing to Anna")
    expect(tasks_panel).not_to_contain_text("Call Anna about the renewal")
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping in place"

    overdue.refresh_from_db()
    assert overdue.status == TaskStatus.DONE and overdue.done_by == csm
    follow_up = Task.objects.get(status=TaskStatus.OPEN)
    assert follow_up.source_kind == SourceKind.TOUCHPOINT
    assert follow_up.source_id == str(Touchpoint.objects.get().pk)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My day").click()
    expect(page.locator("#overdue-tasks")).to_contain_text("Nothing overdue")
