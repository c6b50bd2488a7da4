"""The role rule, in one place: which teams' accounts a user may see and edit.

- a CSM: the accounts of their own team;
- a manager: the accounts of the teams they lead (and their own team);
- an admin (or superuser): everything.
Every queryset and lookup of team-owned rows goes through `visible_team_ids`; who decides
(`is_manager`) and who configures (`is_admin`) is asked here too, templates included
(`User.is_manager` and `User.is_admin_role` delegate to these functions).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied

from teams.models import Role, User

ALL_TEAMS = None


def visible_team_ids(user: User) -> set[int] | None:
    """Team ids the user may see, or ALL_TEAMS (None) for an admin."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser or user.role == Role.ADMIN:
        return ALL_TEAMS
    ids = {user.team_id} if user.team_id else set()
    return ids | managed_team_ids(user)


def managed_team_ids(user: User) -> set[int]:
    """Teams a manager leads (their proposals and flags are theirs to decide); empty otherwise."""
    if not user.is_authenticated or not user.is_active or user.role != Role.MANAGER:
        return set()
    # Cached on the instance: one query per request, however many lookups it makes.
    cached: set[int] | None = getattr(user, "_managed_team_ids", None)
    if cached is None:
        cached = set(user.managed_teams.values_list("id", flat=True))
        user._managed_team_ids = cached  # type: ignore[attr-defined]
    return cached


def is_manager(user: User) -> bool:
    """Managers and admins decide: approvals, expected-churn flags, rescoring."""
    return user.is_authenticated and (user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN))


def is_admin(user: User) -> bool:
    """Admins configure: the risk model, the lever catalogue, the strategy."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN)


def role_required(check: Callable[[User], bool]) -> Callable[..., Any]:
    """View decorator: 403 for a logged-in user whose role does not pass `check`."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # Read by the permission-matrix test (functools.wraps carries it to outer decorators).
        wrapper.required_role = check  # type: ignore[attr-defined]
        return wrapper

    return decorator
