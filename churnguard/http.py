from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from teams.models import User


class AuthedRequest(HttpRequest):
    """A request behind login: `user` is a real User and `htmx` is set by the middleware."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails
