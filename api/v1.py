"""Version 1 of the REST API: /api/v1/, described at /api/v1/openapi.json and /api/v1/docs."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from ninja import NinjaAPI

from api.auth import TokenAuth
from api.endpoints import accounts, outcomes, signals
from api.errors import install_error_handlers

api = NinjaAPI(
    title="ChurnGuard API",
    version="1",
    description=(
        "Accounts with their risk score and its explanation, signals of any name, outcomes. "
        "Authenticate with a personal API token: `Authorization: Bearer cg_...`."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("", accounts.router)
api.add_router("", signals.router)
api.add_router("", outcomes.router)


def _login_not_required(patterns: list[Any]) -> list[Any]:
    """The API authenticates by bearer token, not by session: LoginRequiredMiddleware must let
    its requests, its schema and its docs through. (Its views are CSRF-exempt already: a bearer
    token is not sent by a browser on its own, so a forged cross-site request carries none.)"""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _login_not_required(pattern.url_patterns)
        else:
            login_not_required(pattern.callback)
    return patterns


_patterns, _app_name, _namespace = api.urls
api_urls = (_login_not_required(_patterns), _app_name, _namespace)
