"""Cache invalidation only (no business rules): a saved or deleted user drops its cached copy."""

from typing import Any

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from teams.auth import user_cache_key
from teams.models import User


@receiver([post_save, post_delete], sender=User)
def forget_cached_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    cache.delete(user_cache_key(instance.pk))


@receiver(m2m_changed, sender=User.managed_teams.through)
def forget_cached_manager(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, User):
        cache.delete(user_cache_key(instance.pk))
