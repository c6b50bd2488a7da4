"""Every URL of the site, for every kind of visitor, with GET and POST, plain and htmx.

The URLs come from the resolver, so a view added later is covered without editing this file.
For each request: never a 500; no access beyond the role (anonymous visitors go to the login
page, a wrong role gets 403, another team's objects 404); and a refused request writes nothing
(every table's row count is unchanged).
"""

from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.security.routes import Route, site_routes
from tests.security.world import (
    ACCOUNT_NAME,
    PORTFOLIO_SEGMENTS,
    World,
    build_world,
    url_kwargs,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "csm", "outsider", "manager", "other_manager", "admin"]
# Rows these write on any request (sessions, login throttling, admin log) are not the domain's.
UNCOUNTED_APPS = {"sessions", "axes", "admin", "contenttypes", "auth"}
# Actions that change who is looking or hide the objects: run last, so the others see the world.
LAST = ("archive", "logout")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in UNCOUNTED_APPS and model._meta.managed
    }


def client_as(world: World, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def can_see_the_team(world: World, role: str) -> bool:
    return role in ("csm", "manager", "admin")


def is_portfolio_wide(route: Route) -> bool:
    """The page of an object no team owns (/runs/<pk>/, not /runs/expected-churn/<pk>/...):
    reached like a list page."""
    parts = route.route.split("/")
    if route.params != ("pk",) or "<int:pk>" not in parts:
        return False
    return parts[parts.index("<int:pk>") - 1] in PORTFOLIO_SEGMENTS


def expectation(world: World, role: str, route: Route) -> Callable[[int, str], str | None]:
    """A check of (status, location) for this visitor on this route: None when fine."""
    user = world.users[role]

    def check(status: int, location: str) -> str | None:
        if status >= 500:
            return f"answered {status}"
        if user is None:
            if route.login_required and not (status == 302 and location.startswith("/login/")):
                return f"anonymous got {status} instead of the login page"
            return None
        if route.required_role is not None and not route.required_role(user):
            return None if status in (403, 404, 405) else f"wrong role got {status}, not 403"
        if (
            route.params
            and route.login_required
            and not can_see_the_team(world, role)
            and not is_portfolio_wide(route)
        ):
            return None if status in (403, 404, 405) else f"outsider got {status}, not 404"
        return None

    return check


def is_refusal(role: str, route: Route, status: int, location: str) -> bool:
    if role == "anonymous" and route.login_required:
        return True
    return status in (400, 403, 404, 405, 429)


def ordered_routes() -> list[Route]:
    return sorted(site_routes(), key=lambda r: any(word in r.name for word in LAST))


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_within_its_rights(role):
    world = build_world()
    problems: list[str] = []
    counts = row_counts()
    for route in ordered_routes():
        url = reverse(route.name, kwargs=url_kwargs(world, route.route, list(route.params)))
        check = expectation(world, role, route)
        for method in ("get", "post"):
            for htmx in (False, True):
                headers = {"HX-Request": "true"} if htmx else {}
                client = client_as(world, role)
                response = getattr(client, method)(url, headers=headers)
                location = response.get("Location", "")
                label = f"{method.upper()} {url}{' (htmx)' if htmx else ''}"
                if problem := check(response.status_code, location):
                    problems.append(f"{label}: {problem}")
                if is_refusal(role, route, response.status_code, location):
                    after = row_counts()
                    if after != counts:
                        changed = {k for k in after if after[k] != counts.get(k)}
                        problems.append(f"{label}: refused but wrote to {sorted(changed)}")
                    counts = after
                elif method == "post":  # an allowed action may write: the new baseline
                    counts = row_counts()
                if (
                    method == "get"
                    and (not route.params or is_portfolio_wide(route))
                    and not can_see_the_team(world, role)
                    and response.status_code == 200
                    and ACCOUNT_NAME in response.content.decode(errors="replace")
                ):
                    problems.append(f"{label}: shows another team's account")
    assert not problems, "\n".join(problems)
