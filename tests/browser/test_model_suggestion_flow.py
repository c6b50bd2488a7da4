"""An admin asks for a model learned from the history, compares it with the active model and
publishes it with a reason, in a real Chromium."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import TYPE_CHECKING

from django.core.management import call_command
from django.utils import timezone

from risk.models import ModelPublication, ModelStatus, RiskModel
from tests.browser.conftest import log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Learning and backtesting a few hundred accounts' history takes seconds on a busy machine.
SLOW_MS = 60_000


def expect(target):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def test_admin_learns_a_suggestion_compares_it_and_publishes_it_with_a_reason(
    page: Page, admin_user
):
    call_command(
        "seed_demo",
        "--i-know-this-is-not-production",
        "--accounts",
        "300",
        "--seed",
        "11",
        stdout=StringIO(),
    )
    active = RiskModel.objects.get(status=ModelStatus.PUBLISHED)
    log_in(page, admin_user.username)

    page.goto("/risk/models/")
    train_before = timezone.localdate() - timedelta(days=364)
    page.get_by_label("Learn from the history before").fill(train_before.isoformat())
    page.get_by_role("button", name="Suggest a model").click(timeout=SLOW_MS)
    expect(page.get_by_text("A suggestion is being learned")).to_be_visible(timeout=SLOW_MS)

    # With a real worker the draft appears once learned: reload until it does.
    review = page.get_by_role("link", name="Review", exact=True)
    for _ in range(30):
        if review.count():
            break
        page.wait_for_timeout(2_000)
        page.reload()
    expect(page.get_by_text(re.compile(r"Learned: held-out AUC"))).to_be_visible()
    review.click(timeout=SLOW_MS)

    draft = RiskModel.objects.get(status=ModelStatus.DRAFT)
    expect(page.get_by_role("heading", name=f"Draft v{draft.version}", exact=True)).to_be_visible(
        timeout=SLOW_MS
    )
    expect(
        page.get_by_role("heading", name=f"Active v{active.version}", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("How this suggestion was learned")).to_be_visible()
    expect(page.get_by_text(re.compile(r"would change band"))).to_be_visible()

    page.get_by_label("Why publish this version").fill("Learned from our own renewals.")
    page.get_by_role("button", name=f"Publish v{draft.version} and rescore").click(timeout=SLOW_MS)
    expect(page.get_by_text(f"v{draft.version} is now the active risk model")).to_be_visible(
        timeout=SLOW_MS
    )
    draft.refresh_from_db()
    assert draft.status == ModelStatus.PUBLISHED
    publication = ModelPublication.objects.get(risk_model=draft)
    assert publication.reason == "Learned from our own renewals."
    assert publication.replaced == active
    assert publication.auc is not None and publication.replaced_auc is not None
    assert publication.auc > publication.replaced_auc
