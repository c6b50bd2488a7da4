"""Rescoring runs and expected-churn decisions, clicked through in a real Chromium by a manager."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from accounts.models import Account
from risk.models import ExpectedChurn, ExpectedChurnStatus, RescoreRun, RunStatus, RunTrigger
from risk.queries import published_model
from tests.browser.conftest import log_in
from tests.factories import AccountFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

POLL_TIMEOUT_MS = 7_000  # the progress section polls every 2 s


def expect(target):  # type: ignore[no-untyped-def]
    # Imported lazily so that a machine without Playwright skips instead of failing to collect.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def manager_page(page: Page, manager) -> Page:  # type: ignore[no-untyped-def]
    return log_in(page, manager.username)


@pytest.fixture
def proposals(csm, team) -> dict[str, ExpectedChurn]:  # type: ignore[no-untyped-def]
    """Two accounts the nightly rule proposed as expected churn."""
    raised = {}
    for name, mrr in (("Nordwind Voyages", "9000.00"), ("Sable Events", "4000.00")):
        account = AccountFactory.create(
            team=team,
            owner=csm,
            name=name,
            phase="defense",
            risk_score=81,
            risk_band="critical",
            mrr=Decimal(mrr),
        )
        raised[name] = ExpectedChurn.objects.create(
            account=account,
            status=ExpectedChurnStatus.PROPOSED,
            rule_reason="phase_band",
            rule_reason_params={"phase": "defense", "band": "critical"},
            band_at_raise="critical",
            raised_at=timezone.now(),
        )
    return raised


def test_manager_confirms_and_dismisses_in_place_and_a_blank_reason_is_refused(
    manager_page: Page, proposals
) -> None:
    page = manager_page
    page.goto("/runs/expected-churn/")
    page.evaluate("window.__marker = 1")
    nordwind = page.locator(f"#proposal-{proposals['Nordwind Voyages'].pk}")
    sable = page.locator(f"#proposal-{proposals['Sable Events'].pk}")
    expect(nordwind).to_contain_text("Defense phase with a critical risk band")

    # Spaces pass the browser's "required" check; the server refuses them, in the row itself.
    nordwind.get_by_label("Reason").fill("   ")
    nordwind.get_by_role("button", name="Confirm").click()
    expect(nordwind).to_contain_text("A reason is required")
    assert ExpectedChurn.objects.get(pk=proposals["Nordwind Voyages"].pk).status == "proposed"

    nordwind.get_by_label("Reason").fill("The board chose a competitor; renewal is lost.")
    nordwind.get_by_role("button", name="Confirm").click()
    expect(nordwind).to_contain_text("Confirmed")
    expect(nordwind).to_contain_text("The board chose a competitor; renewal is lost.")
    expect(nordwind.get_by_role("button", name="Confirm")).to_have_count(0)

    sable.get_by_label("Reason").fill("New sponsor signed the expansion plan.")
    sable.get_by_role("button", name="Dismiss").click()
    expect(sable).to_contain_text("Dismissed")
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping rows"

    assert Account.objects.get(name="Nordwind Voyages").is_expected_churn
    assert not Account.objects.get(name="Sable Events").is_expected_churn
    dismissed = ExpectedChurn.objects.get(pk=proposals["Sable Events"].pk)
    assert dismissed.status == "dismissed" and dismissed.suppressed_until is not None

    # The flag follows the account into the triage list.
    page.goto("/accounts/")
    expect(page.locator("tr", has_text="Nordwind Voyages")).to_contain_text("expected churn")
    expect(page.locator("tr", has_text="Sable Events")).not_to_contain_text("expected churn")


def test_progress_bar_follows_the_run_and_stops_polling_when_it_ends(manager_page: Page) -> None:
    run = RescoreRun.objects.create(
        trigger=RunTrigger.NIGHTLY,
        risk_model=published_model(),
        as_of=timezone.localdate(),
        started_at=timezone.now(),
        accounts_total=240,
    )
    page = manager_page
    page.goto("/runs/")
    progress = page.locator("#run-progress")
    expect(progress).to_contain_text(f"Run {run.pk} (Nightly) in progress")
    expect(progress).to_contain_text("0 of 240 accounts scored")

    # Workers report chunks as they finish; the page follows without a reload.
    RescoreRun.objects.filter(pk=run.pk).update(accounts_done=120, accounts_changed=31)
    expect(progress).to_contain_text(
        "120 of 240 accounts scored, 31 changed", timeout=POLL_TIMEOUT_MS
    )
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "120")

    RescoreRun.objects.filter(pk=run.pk).update(
        accounts_done=240, status=RunStatus.SUCCEEDED, finished_at=timezone.now()
    )
    expect(progress).to_contain_text("No run in progress", timeout=POLL_TIMEOUT_MS)
    expect(progress.locator("tbody tr").first).to_contain_text("Succeeded")
    expect(progress).not_to_have_attribute("hx-trigger", "every 2s")


def test_rescore_now_scores_the_portfolio_and_lists_the_run(manager_page: Page, csm, team) -> None:
    AccountFactory.create_batch(3, team=team, owner=csm)
    page = manager_page
    page.goto("/runs/")
    expect(page.locator("#run-progress")).to_contain_text("No run yet.")

    page.get_by_role("button", name="Rescore now").click()

    run = RescoreRun.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Rescoring started (run {run.pk}).")
    # Tests run tasks eagerly, so the run is over by the time the page comes back.
    latest = page.locator("#run-progress tbody tr").first
    expect(latest).to_contain_text("Succeeded")
    expect(latest).to_contain_text("3/3")
    assert not Account.objects.filter(risk_score__isnull=True).exists()
