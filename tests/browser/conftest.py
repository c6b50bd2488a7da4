"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work here, so we always launch an existing Chromium:
$CHROMIUM_PATH, else `chromium` on the PATH, else /usr/bin/chromium. Without one the tests skip.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # Playwright may be missing: the tests then skip instead of failing to import
    from playwright.sync_api import Browser, Page, Response

HERE = Path(__file__).resolve().parent
PASSWORD = "correct horse battery"  # UserFactory's password
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # Chromium's sandbox refuses root, which containers and CI run as
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium calls home (updates, sync, safe browsing): refused hosts here.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 5_000  # every auto-waiting action and `expect`; a local page answers in milliseconds


def chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: mark before `-m "not browser"` deselects.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


_reports_key = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    # Keep each phase's report on the item so the page fixture can screenshot a failed test.
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture(scope="package")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """One Chromium for the browser tests, closed after the last of them.

    Package scope rather than session: while Playwright runs, its event loop counts as "running"
    in this thread, which changes how Django behaves (see `_while_playwright_runs`); the tests
    that run after this folder must not inherit that.
    """
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found: install Debian's chromium or set CHROMIUM_PATH")
    sync_api = pytest.importorskip("playwright.sync_api")
    # django_db_setup ran already (it is a parameter), outside Playwright's loop.
    serialized = _serialized_test_databases()
    with sync_api.sync_playwright() as playwright, _while_playwright_runs(serialized):
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        sync_api.expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()


def _serialized_test_databases() -> dict[str, str]:
    from django.db import connections

    return {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }


@contextmanager
def _while_playwright_runs(serialized: dict[str, str]) -> Iterator[None]:
    """Make Django usable from the test thread while Playwright's sync API is up.

    Playwright's sync API drives Chromium from an asyncio event loop that it runs in this very
    thread (switching to it through greenlets), so Django sees a "running event loop" and:

    1. refuses every ORM call the test itself makes (factories, assertions on the database, the
       transactional_db flush) with SynchronousOnlyOperation. Nothing async touches the database
       here: the loop only talks to Chromium, and the app runs in the live server's own thread,
       so DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly as long as Playwright runs.
    2. keeps its connections in context-local storage instead of the thread-local one, so the
       test sees new connection objects, without the data that the migrations shipped and that
       django_db_setup serialized (the published risk model, the playbook catalogue):
       serialized_rollback would silently restore nothing (pytest-django issue #1117). The
       serialized data is handed over to the new connection objects.
    """
    from django.db import connections

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server,
    transactional_db,
    django_db_serialized_rollback,
) -> Iterator[Page]:
    """A fresh browser context (no cookies, no storage) pointed at the live server.

    The live server answers from another thread, so the test data must be committed:
    transactional_db, which empties every table after the test. serialized_rollback puts back
    what the migrations ship (risk model, playbook catalogue) before each test.
    """
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    # No favicon in the app: answer it here rather than log a 404 for every new context.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    # htmx swaps nothing on a 500, so a test would only see "element not found": name the cause.
    server_errors: list[str] = []

    def note_server_error(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", note_server_error)
    yield page
    reports = request.node.stash.get(_reports_key, {})
    if any(r.failed for r in reports.values()):
        artifacts = request.config.rootpath / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        screenshot = artifacts / f"{name}.png"
        page.screenshot(path=screenshot, full_page=True)
        print(f"Screenshot of the failed page: {screenshot}")
    context.close()
    if server_errors:
        pytest.fail("The server failed during the test: " + "; ".join(server_errors), pytrace=False)


def log_in(page: Page, username: str, password: str = PASSWORD) -> Page:
    """Log in through the real login form, as a person would."""
    from playwright.sync_api import expect

    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    return page


@pytest.fixture
def logged_in_page(page: Page, csm) -> Page:  # type: ignore[no-untyped-def]
    """The page, logged in as the owning CSM of tests/conftest.py (user "owner", Team North)."""
    return log_in(page, csm.username)
