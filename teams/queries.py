from django.db.models import QuerySet

from teams.access import ALL_TEAMS, visible_team_ids
from teams.models import User


def owners_visible_to(user: User) -> QuerySet[User]:
    """Users who may own the accounts this user sees (for filters and the owner field)."""
    users = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    teams = visible_team_ids(user)
    if teams is ALL_TEAMS:
        return users
    return users.filter(team_id__in=teams)
