"""Bearer-token authentication and the per-token rate limit of the API."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from api.errors import ApiError
from api.models import ApiToken
from api.tokens import authenticate_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cg_...`: the request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = authenticate_token(token.strip())
        if api_token is None:
            return None
        enforce_rate_limit(api_token)
        request.user = api_token.user
        return api_token


def enforce_rate_limit(token: ApiToken) -> None:
    """A fixed-window counter per token in the shared cache (Redis in production), so every
    web process counts against the same limit. Raises a 429 with Retry-After when exceeded."""
    limit = settings.API_RATE_LIMIT_REQUESTS
    window = settings.API_RATE_LIMIT_WINDOW_SECONDS
    if limit <= 0:
        return
    now = int(time.time())
    window_start = now - now % window
    key = f"api-rate:{token.pk}:{window_start}"
    # add() sets the counter only when absent; incr() is atomic in Redis.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window + 1)
        count = 1
    # A cache that is down (count None) lets requests through: the limit protects, never blocks.
    if count is not None and count > limit:
        retry_after = window_start + window - now
        raise ApiError(
            429,
            _("Rate limit exceeded: %(limit)s requests per %(window)s seconds.")
            % {"limit": limit, "window": window},
            headers={"Retry-After": str(max(retry_after, 1))},
        )
