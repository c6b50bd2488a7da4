"""My day: what a CSM does first this morning, composed from tasks and alerts.

Overdue tasks, tasks due today and the new alerts on their accounts (opened since their last
visit to this page, or within the last day, whichever reaches further back), each linking to
the account. A manager also sees the overdue tasks of the teams they lead. The last visit is
kept in the session: "new" means new to this browser's user, and costs no write to the database.
"""

from datetime import datetime, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from alerts.queries import new_alerts_for
from churnguard.http import AuthedRequest
from tasks.queries import due_today, overdue_tasks, team_overdue_tasks
from tasks.titles import with_titles
from teams.access import managed_team_ids

# Each section shows this many rows and links to the full list for the rest.
SECTION_ROWS = 50
# An alert opened within this window counts as new even if the user visited since.
NEW_ALERT_WINDOW = timedelta(hours=24)
LAST_VISIT_KEY = "my_day_last_visit"


def _new_since(request: AuthedRequest, now: datetime) -> datetime:
    since = now - NEW_ALERT_WINDOW
    stored = request.session.get(LAST_VISIT_KEY)
    if isinstance(stored, str):
        try:
            last = datetime.fromisoformat(stored)
        except ValueError:
            last = since
        since = min(since, last) if timezone.is_aware(last) else since
    request.session[LAST_VISIT_KEY] = now.isoformat()
    return since


@require_GET
def my_day(request: AuthedRequest):
    now = timezone.now()
    today = timezone.localdate()
    user = request.user
    overdue = list(overdue_tasks(user, today=today)[:SECTION_ROWS])
    today_tasks = list(due_today(user, today=today)[:SECTION_ROWS])
    teams = managed_team_ids(user)
    team_overdue = (
        list(team_overdue_tasks(team_ids=teams, today=today).exclude(owner=user)[:SECTION_ROWS])
        if teams
        else []
    )
    with_titles([*overdue, *today_tasks, *team_overdue])
    context = {
        "today": today,
        "overdue": overdue,
        "due_today": today_tasks,
        "team_overdue": team_overdue,
        "is_team_lead": bool(teams),
        "new_alerts": list(new_alerts_for(user, since=_new_since(request, now))[:SECTION_ROWS]),
        "section_rows": SECTION_ROWS,
    }
    return render(request, "workspace/my_day.html", context)
