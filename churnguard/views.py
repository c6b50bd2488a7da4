"""Site-wide views: health probes for the orchestrator and the error pages.

Error pages extend the site's layout and speak the reader's language. A 404 never lists the URL
patterns, even with DEBUG on (`churnguard.middleware.SiteNotFoundMiddleware`).
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from churnguard.broker import broker_available

logger = logging.getLogger(__name__)


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe, and the trivial view the web benchmark compares pages against."""
    return HttpResponse("ok", content_type="text/plain")


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # every backend raises its own errors
        logger.warning("Readiness: database unreachable: %s", error)
        return False
    return True


@require_GET
@login_not_required
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness probe: 200 when the database and the task broker answer, 503 otherwise."""
    checks = {"database": _database_reachable(), "broker": broker_available()}
    body = "\n".join(f"{name}: {'ok' if ok else 'unreachable'}" for name, ok in checks.items())
    status = 200 if all(checks.values()) else 503
    return HttpResponse(body + "\n", content_type="text/plain", status=status)


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    response = render(request, template, status=status)
    response.is_site_error_page = True  # type: ignore[attr-defined]
    return response


@requires_csrf_token
@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "400.html", 400)


@requires_csrf_token
@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "403.html", 403)


@requires_csrf_token
@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "404.html", 404)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(request, "403_csrf.html", 403)


@requires_csrf_token
@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # The layout needs the request (user, language); if rendering with it fails too, the same
    # page without it still beats Django's bare default.
    try:
        return _error_page(request, "500.html", 500)
    except Exception:
        logger.exception("The 500 page could not be rendered with its request")
        return HttpResponse(loader.get_template("500.html").render(), status=500)
