"""An admin edits a lever's parameters in the app and sees the recommendation change."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

import pytest

from accounts.models import Account
from playbooks.catalogue import seed_defaults
from playbooks.models import Lever, LeverChange, Play
from teams.models import Role
from tests.browser.conftest import log_in
from tests.browser.test_playbook_flow import expect
from tests.factories import AccountFactory, UserFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def head_of_cs(transactional_db):  # type: ignore[no-untyped-def]
    return UserFactory(username="head-of-cs", role=Role.ADMIN, team=None)


def test_admin_edits_a_lever_and_sees_the_recommendation_change(
    page: Page, head_of_cs, csm, team
) -> None:
    seed_defaults(Lever, Play)  # serialized_rollback restored it already: a no-op then
    # In Defense with a critical score: a temporary downsell is among the recommendations.
    at_risk = cast(Account, AccountFactory(
        team=team, owner=csm, phase="defense", risk_score=82, risk_band="critical",
        mrr=Decimal("2000.00"),
    ))  # fmt: skip
    log_in(page, head_of_cs.username)
    page.goto(f"/accounts/{at_risk.pk}/")
    downsell = page.locator("#playbook-panel table.lever-table tr", has_text="Temporary downsell")
    expect(downsell).to_contain_text("Discount percentage: 30")
    expect(downsell).to_contain_text("€1,800")

    # The menu leads to the set-up page, and its list to the lever's form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Set-up").click()
    page.get_by_role("link", name="Temporary downsell", exact=True).click()
    percent = page.get_by_label("Discount percentage: default")
    expect(percent).to_have_value("30")

    # A default above the maximum is refused with the field's own words; nothing is saved.
    percent.fill("150")
    page.get_by_role("button", name="Save the lever").click()
    error = page.locator(".param-setup .error")
    expect(error).to_contain_text("Discount percentage cannot be over 100")
    assert Lever.objects.get(kind="temporary_downsell").default_params["percent"] == "30"

    percent.fill("45")
    page.get_by_label("Why this change (optional)").fill("Summer push on at-risk travel accounts")
    page.get_by_role("button", name="Save the lever").click()
    expect(page.locator(".messages")).to_contain_text("Lever saved")
    history = page.locator(".lever-history")
    expect(history).to_contain_text("Discount percentage: default: 30% → 45%")
    expect(history).to_contain_text("Summer push on at-risk travel accounts")
    assert LeverChange.objects.get().changed_by == head_of_cs

    # The account's recommendation now starts from the new default, and costs accordingly.
    page.goto(f"/accounts/{at_risk.pk}/")
    expect(downsell).to_contain_text("Discount percentage: 45%")
    expect(downsell).to_contain_text("€2,700")
