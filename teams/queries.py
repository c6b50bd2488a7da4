from django.db.models import QuerySet

from teams.access import ALL_TEAMS, visible_team_ids
from teams.models import Team, User


def owners_visible_to(user: User) -> QuerySet[User]:
    """Users who may own the accounts this user sees (for filters and the owner field)."""
    users = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    teams = visible_team_ids(user)
    if teams is ALL_TEAMS:
        return users
    return users.filter(team_id__in=teams)


def teams_visible_to(user: User) -> QuerySet[Team]:
    """Teams whose accounts this user sees (for filters), by name."""
    teams = Team.objects.order_by("name")
    visible = visible_team_ids(user)
    if visible is ALL_TEAMS:
        return teams
    return teams.filter(pk__in=visible)
