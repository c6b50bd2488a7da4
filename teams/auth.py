"""Authentication backend that keeps the logged-in user's row in the cache.

Every page loads the user from the session; on the triage list that query was the largest
single cost left (docs/performance.md: template and ORM overhead dominate). The cached copy is
dropped whenever the user is saved or deleted (teams/signals.py), so a password change, a
deactivation or a new role takes effect on the next request; USER_CACHE_SECONDS bounds what a
write that bypasses the ORM (raw SQL) could leave stale.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

USER_CACHE_SECONDS = 60


def user_cache_key(user_id: Any) -> str:
    return f"auth-user:{user_id}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, USER_CACHE_SECONDS)
        return user if user is not None and self.user_can_authenticate(user) else None
