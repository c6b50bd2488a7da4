"""A manager imports a CRM export in a real Chromium: preview, dry run, import, triage list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = pytest.importorskip("playwright.sync_api").expect

EXPORT = (
    "Record ID,Company name,Country/Region,MRR,NPS\r\n"
    "HS-1,Harbour Logistics,Deutschland,1200,40\r\n"
    "HS-2,Nowhere Inc,Narnia,300,5\r\n"
    'HS-3,Côte Voyages,Côte d\'Ivoire,"2,500",12\r\n'
)


def test_a_manager_imports_the_valid_rows_of_a_file_with_a_bad_row(
    page: Page, manager, team
) -> None:
    log_in(page, manager.username)
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": "hubspot.csv", "mimeType": "text/csv", "buffer": EXPORT.encode()}
    )
    page.get_by_label("Team of new accounts").select_option(label=team.name)
    page.get_by_role("button", name="Upload and preview").click()

    preview = page.locator("table.preview")
    expect(preview).to_contain_text("Harbour Logistics")
    expect(preview.get_by_label("Country/Region")).to_have_value("country")
    expect(preview.get_by_label("NPS")).to_have_value("signal")
    page.get_by_role("button", name="Check the file (dry run)").click()

    report = page.locator("#job-status")
    expect(report).to_contain_text("Dry run: what the import would do")
    expect(report).to_contain_text("2 accounts created")
    expect(report.locator("table.report-rows")).to_contain_text("Unknown country “Narnia”")
    page.get_by_role("button", name="Import the 2 valid rows").click()

    expect(page.locator("#job-status")).to_contain_text("What the import did")
    page.get_by_role("link", name="See the accounts in the triage list").click()
    rows = page.locator("#account-table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#account-table")).to_contain_text("Harbour Logistics")
    expect(page.locator("#account-table")).to_contain_text("Côte Voyages")
    expect(page.locator("#account-table")).not_to_contain_text("Nowhere Inc")
