"""Every page a French admin and a French CSM reach, read in a real Chromium: no English left.

The nav links are discovered from the rendered page (`nav a[href]`), so a page added to the menu
is walked without touching this test. Each page's visible text is searched for English words and
phrases of the interface and of the default data (levers, phases, factors): each of them is a
msgid of locale/fr/LC_MESSAGES/django.po whose French differs, so it only shows untranslated.
Words that read the same in French (Triage, Phase, Maturation, Score, Menu, Notes, Date, Admin,
Webhooks...), acronyms (MRR, ARR, CSM, API, CSV) and data typed by users are not in the list.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.utils import timezone

from playbooks.catalogue import seed_defaults
from playbooks.models import Lever, Play
from playbooks.services import approve_proposal, propose_lever
from risk.models import ExpectedChurn, ExpectedChurnStatus
from teams.models import Role
from tests.browser.conftest import PASSWORD, TIMEOUT_MS
from tests.factories import AccountFactory, TeamFactory, UserFactory

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response

ENGLISH = [
    # Navigation and buttons
    "Dashboard",
    "Alerts",
    "Approvals",
    "Expected churn",
    "Rescoring",
    "Risk model",
    "Password",
    "API tokens",
    "Log out",
    "Save",
    "Cancel",
    "Approve",
    "Reject",
    "Confirm",
    "Dismiss",
    "Propose",
    "Apply",
    "Withdraw",
    "Submit for approval",
    "Search",
    "Next",
    "Previous",
    "Back to",
    "Edit facts",
    "Record usage",
    # Headings, labels, table heads
    "Account",
    "Accounts",
    "Owner",
    "Team",
    "Band",
    "Status",
    "Reason",
    "Name",
    "Lever",
    "Months",
    "Day rate",
    "Industry",
    "Geography",
    "Cash stability",
    "Weights",
    "Countries",
    "Published",
    "Draft",
    "History",
    "Settings",
    "Stakeholders",
    "Touchpoints",
    "Why",
    "What if",
    "Risk score",
    "Score trend",
    "Score over time",
    "No change recorded",
    "No usage recorded",
    "Negotiation levers",
    "Levers applied",
    "Plays for the",
    "Contract start",
    "Total cost",
    "Waiting for approval",
    # States, bands, phases
    "Proposed",
    "Approved",
    "Rejected",
    "Applied",
    "Critical",
    "High",
    "Medium",
    "Low",
    "Deployment",
    "Defense",
    "Renewal",
    "Travel",
    # Default levers and give-backs
    "Payment holiday",
    "Temporary upgrade",
    "Temporary downsell",
    "Early access",
    "Free professional services",
    "Instalment",
    "A longer commitment",
    # The default risk model's regions, country notes and signal labels
    "EU-West",
    "EU-South",
    "EU-North",
    "North America",
    "lockdown",
    "lockdowns",
    "recovery",
    "Open support tickets",
    # Model names in the admin site, and the admin's own "Change" (not the what-if "Écart")
    "Digest sents",
    "Rescore chunks",
    "Change",
    # Sentences
    "Renewal on",
    "days left",
    "per month",
    "overdue",
    "since",
    "ends on",
    "Done by",
]
PATTERN = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")


def expect(target):  # type: ignore[no-untyped-def]
    # Imported lazily so that a machine without Playwright skips instead of failing to collect.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def english_in(text: str) -> list[str]:
    return sorted(set(PATTERN.findall(text)))


def french_context(browser: Browser, live_server, errors: list[str]) -> BrowserContext:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))

    def note_server_error(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    context.on("response", note_server_error)
    return context


def read(page: Page, path: str, found: dict[str, list[str]], *, open_details: bool = False) -> str:
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    if open_details:
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    if english_in(text):
        found[path] = [
            f"{m.group()!r} in …{text[max(m.start() - 30, 0) : m.end() + 30]}…".replace("\n", " ")
            for m in PATTERN.finditer(text)
        ]
    return text


def log_in_french(context: BrowserContext, username: str) -> Page:
    """The login page itself is in French already: the browser asks for it."""
    page = context.new_page()
    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    return page


def nav_links(page: Page) -> list[str]:
    hrefs = page.locator("nav a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(hrefs))


@pytest.fixture
def data(transactional_db):  # type: ignore[no-untyped-def]
    seed_defaults(Lever, Play)
    team = TeamFactory(name="Équipe Nord")  # the shared fixture's "Team North" is English data
    csm = UserFactory(username="camille", role=Role.CSM, team=team, language="fr")
    admin = UserFactory(
        username="aurore",
        role=Role.ADMIN,
        team=None,
        is_staff=True,
        is_superuser=True,
        language="fr",
    )
    account = AccountFactory(
        team=team,
        owner=csm,
        name="Nordwind Voyages",
        industry="travel",
        phase="defense",
        risk_score=82,
        risk_band="critical",
        mrr=Decimal("2000.00"),
        renewal_date=timezone.localdate() + timedelta(days=40),
    )
    holiday = Lever.objects.get(kind="payment_holiday")
    today = timezone.localdate()
    pending = propose_lever(
        account=account,
        lever=holiday,
        params={"months": "3"},
        give_back="longer_commitment",
        justification="Les réservations se sont effondrées.",
        user=csm,
        today=today,
    )
    assert pending.state == "submitted"
    ExpectedChurn.objects.create(
        account=account,
        status=ExpectedChurnStatus.PROPOSED,
        rule_reason="phase_band",
        rule_reason_params={"phase": "defense", "band": "critical"},
        band_at_raise="critical",
        raised_at=timezone.now(),
    )
    return {"csm": csm, "admin": admin, "account": account, "pending": pending, "today": today}


def test_every_page_and_the_decision_email_read_in_french(
    browser: Browser, live_server, django_db_serialized_rollback, data
) -> None:
    found: dict[str, list[str]] = {}
    errors: list[str] = []
    account = data["account"]

    admin_context = french_context(browser, live_server, errors)
    try:
        read(admin_context.new_page(), "/login/", found)
        page = log_in_french(admin_context, data["admin"].username)
        links = nav_links(page)
        assert "/playbooks/approvals/" in links and "/risk/models/" in " ".join(links), links
        for href in links:
            read(page, href, found)
        queue = read(page, "/playbooks/approvals/", found)
        assert "Nordwind Voyages" in queue, "the pending lever is not in the approval queue"
        churn = read(page, "/runs/expected-churn/", found)
        assert "Nordwind Voyages" in churn, "the expected-churn proposal is not in the queue"
        read(page, "/playbooks/levers/", found)
        read(page, f"/playbooks/proposals/{data['pending'].pk}/", found)
        read(page, f"/accounts/{account.pk}/", found, open_details=True)
        page.goto("/risk/models/")
        model_links = page.locator("main a[href^='/risk/models/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        details = [h for h in model_links if re.fullmatch(r"/risk/models/\d+/", h)]
        assert details, model_links
        read(page, details[0], found, open_details=True)
    finally:
        admin_context.close()

    csm_context = french_context(browser, live_server, errors)
    try:
        page = log_in_french(csm_context, data["csm"].username)
        for href in nav_links(page):
            read(page, href, found)
        read(page, f"/accounts/{account.pk}/", found, open_details=True)
        read(page, "/profile/", found)
    finally:
        csm_context.close()

    # The decision e-mail, sent the way the app sends it (on commit of the approval).
    mail.outbox.clear()
    approve_proposal(proposal=data["pending"], approver=data["admin"], comment="")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "approuvé" in message.subject, message.subject
    assert message.to == [data["csm"].email]
    if words := english_in(f"{message.subject}\n{message.body}"):
        found["decision e-mail"] = words

    assert not errors, "The server failed: " + "; ".join(errors)
    assert not found, "English on French pages: " + "; ".join(
        f"{where}: {', '.join(words)}" for where, words in found.items()
    )
