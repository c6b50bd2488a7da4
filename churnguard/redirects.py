"""Where an action goes back to: the `next` the page asked for, if it is one of our paths."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, fallback: str) -> str:
    """The request's `next` (POST, else GET) when it is a local path, otherwise `fallback`.

    Only a path of this site is followed: not another host, not a scheme, not a bare word such
    as `x` (which `redirect()` would try to reverse as a view name), not a header-breaking
    control character. The action has already been saved, so a bad `next` must never fail it.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback
