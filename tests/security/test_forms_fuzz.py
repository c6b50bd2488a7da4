"""Every form of the site receives generated bad values: no 500, nothing written when refused,
and markup always comes back escaped.

The forms are discovered, not listed: every page the resolver knows is fetched as an admin and
each `<form method="post">` on it (its action and field names) is posted to. A form added later
is covered without editing this file.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.routes import site_routes
from tests.security.test_permission_matrix import row_counts
from tests.security.world import build_world, url_kwargs

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("cg")</script>'
BAD_VALUES = [
    "", " ", "x" * 5000, "NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1",
    "99999999999999999999999", "0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30",
    "0001-01-01T00:00", "a\x00b", "bell\x07", "line\nbreak", "tab\there", "\u2028",
    MARKUP, "<b>bold</b>", "' OR 1=1 --", "１２３", "🙂",
]  # fmt: skip
VALUES = st.one_of(st.sampled_from(BAD_VALUES), st.text(max_size=40))
# Posting these would log the admin out or change what later forms see.
SKIPPED_ACTIONS = ("/logout/", "/i18n/", "/archive/", "/password/")


class FormFinder(HTMLParser):
    """Collects (action, field names) of the POST forms of a page."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[tuple[str, set[str]]] = []
        self._current: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            action = attributes.get("action") or attributes.get("hx-post") or self.page_url
            self._current = (action, set())
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea", "button"):
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._current[1].add(name)
            for key in ("formaction", "hx-post"):
                if tag == "button" and attributes.get(key):
                    self.forms.append((attributes[key] or "", self._current[1]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def discover_forms(client: Client, world) -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {}
    for route in site_routes():
        url = reverse(route.name, kwargs=url_kwargs(world, route.route, list(route.params)))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        finder = FormFinder(url)
        finder.feed(response.content.decode(errors="replace"))
        for action, fields in finder.forms:
            if action.startswith("/") and not action.startswith(SKIPPED_ACTIONS):
                forms.setdefault(action.split("#")[0], set()).update(fields)
    return forms


def fuzz_one_form(client: Client, action: str, fields: list[str], problems: list[str]):
    """A Hypothesis test posting generated values to one form's fields."""

    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def post_bad_values(data: st.DataObject) -> None:
        payload = {name: data.draw(VALUES, label=name) for name in fields}
        htmx = data.draw(st.booleans(), label="htmx")
        before = row_counts()
        response = client.post(action, payload, headers={"HX-Request": "true"} if htmx else {})
        status = response.status_code
        body = response.content.decode(errors="replace")
        if status >= 500:
            problems.append(f"{action} answered {status} to {payload!r}")
        if 400 <= status < 500 and row_counts() != before:
            problems.append(f"{action} refused ({status}) but wrote, for {payload!r}")
        if MARKUP in body:
            problems.append(f"{action} echoed markup unescaped")

    return post_bad_values


def test_every_form_survives_bad_values_and_escapes_markup():
    world = build_world()
    client = Client()
    client.force_login(world.users["admin"])
    forms = discover_forms(client, world)
    assert len(forms) >= 15, sorted(forms)  # the discovery itself works
    problems: list[str] = []

    for action, fields in sorted(forms.items()):
        fuzz_one_form(client, action, sorted(fields), problems)()

    # Whatever was stored shows escaped on the pages that display it.
    for url in (
        reverse("accounts:detail", args=[world.account.pk]),
        reverse("accounts:list"),
        reverse("alerts:list"),
        reverse("playbooks:proposal-detail", args=[world.proposal.pk]),
    ):
        if MARKUP in client.get(url).content.decode(errors="replace"):
            problems.append(f"{url} shows stored markup unescaped")
    assert not problems, "\n".join(problems[:30])
