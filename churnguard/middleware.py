"""A 404 is always the site's own page.

With DEBUG on, Django answers a 404 with its technical page, which lists every URL pattern: a
refused account would reveal the site's map. This middleware swaps such an HTML 404 for
`churnguard.views.page_not_found`; with DEBUG off Django calls that view itself (handler404), and
404s in other formats (JSON) are left alone.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from churnguard.views import page_not_found


class SiteNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "is_site_error_page", False)
        ):
            return page_not_found(request)
        return response
