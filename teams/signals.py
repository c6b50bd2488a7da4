"""Cache invalidation only (no business rules).

- A saved or deleted user drops its cached copy (the session's user).
- Renaming a user or a team changes what the triage list shows (owner names), wherever the
  rename comes from (the admin, a profile page, a script): it calls `portfolio_changed()`.
"""

from typing import Any

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from churnguard.portfolio import portfolio_changed
from teams.auth import user_cache_key
from teams.models import Team, User

# What the portfolio shows of a user or a team.
SHOWN_FIELDS: dict[type, tuple[str, ...]] = {
    User: ("first_name", "last_name", "username"),
    Team: ("name",),
}


@receiver([post_save, post_delete], sender=User)
def forget_cached_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    cache.delete(user_cache_key(instance.pk))


@receiver(m2m_changed, sender=User.managed_teams.through)
def forget_cached_manager(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, User):
        cache.delete(user_cache_key(instance.pk))


@receiver(pre_save, sender=User)
@receiver(pre_save, sender=Team)
def note_rename(
    sender: type[User | Team],
    instance: User | Team,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """Compare the shown names with the stored row (one read, and only for saves that may
    rename: a login's `last_login` update costs nothing)."""
    shown = SHOWN_FIELDS[sender]
    if instance.pk is None or (update_fields is not None and not update_fields & set(shown)):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list(*shown).first()
    if stored is not None and stored != tuple(getattr(instance, name) for name in shown):
        instance._renamed = True  # type: ignore[union-attr]


@receiver(post_save, sender=User)
@receiver(post_save, sender=Team)
def announce_rename(sender: type[User | Team], instance: User | Team, **kwargs: Any) -> None:
    if instance.__dict__.pop("_renamed", False):
        portfolio_changed()
