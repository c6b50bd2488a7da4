"""Every URL pattern of the site, read from the resolver, so new views are covered unasked."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own admin has its own permission system (is_staff and model permissions).
SKIPPED_PREFIXES = ("admin/", "static/", "media/", "__debug__/")


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    params: tuple[str, ...]
    callback: Callable[..., Any]

    @property
    def login_required(self) -> bool:
        return getattr(self.callback, "login_required", True)

    @property
    def required_role(self) -> Callable[..., bool] | None:
        return getattr(self.callback, "required_role", None)

    def __str__(self) -> str:
        return self.name or self.route


def _walk(
    patterns: list[Any], prefix: str, namespace: str, params: tuple[str, ...]
) -> Iterator[Route]:
    for entry in patterns:
        pattern = entry.pattern
        here = params + tuple(getattr(pattern, "converters", {}) or pattern.regex.groupindex)
        route = prefix + str(pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner, here)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Route(route=route, name=name, params=here, callback=entry.callback)


def site_routes() -> list[Route]:
    routes = _walk(get_resolver().url_patterns, "", "", ())
    return [r for r in routes if not r.route.startswith(SKIPPED_PREFIXES) and r.name]
