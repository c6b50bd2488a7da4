"""A run's own page: what a finished rescoring run changed, within the reader's teams.

The run is the whole portfolio's; every list on its page is scoped to the accounts the reader
may see (`visible_accounts`), so a manager learns nothing about another team from it. Composed
in `workspace` because it reads alerts, which sit above risk.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from accounts.queries import visible_accounts
from alerts.models import Cause
from alerts.queries import visible_alerts
from risk.churn_rule import BAND_ORDER
from risk.models import ExpectedChurn, RescoreRun, Score
from teams.models import User

MOVES_PER_PAGE = 50
# New proposals are a handful on a normal night; past this the queue (sortable) is the place.
PROPOSALS_SHOWN = 50
DIRECTIONS = ("up", "down")


def _band_rank(field: str) -> Case:
    return Case(
        *(When(**{field: band}, then=Value(rank)) for band, rank in BAND_ORDER.items() if band),
        default=Value(0),
        output_field=IntegerField(),
    )


def moved_scores(run: RescoreRun, *, user: User) -> QuerySet[Score]:
    """The run's history rows where a visible account changed band (first scores excluded:
    they had no band to move from)."""
    return (
        Score.objects.filter(run=run, account__in=visible_accounts(user))
        .exclude(previous_band="")
        .exclude(previous_band=F("band"))
        .annotate(rank=_band_rank("band"), previous_rank=_band_rank("previous_band"))
    )


def band_moves(run: RescoreRun, *, user: User, direction: str) -> QuerySet[Score]:
    """The accounts whose band went `direction` ("up": riskier), biggest MRR first."""
    scores = moved_scores(run, user=user)
    went_up = Q(rank__gt=F("previous_rank"))
    scores = scores.filter(went_up) if direction == "up" else scores.exclude(went_up)
    return scores.select_related("account", "account__owner").order_by("-account__mrr", "pk")


@dataclass(frozen=True, slots=True)
class MoveCounts:
    up: int
    down: int


def count_moves(run: RescoreRun, *, user: User) -> MoveCounts:
    counts = moved_scores(run, user=user).aggregate(
        up=Count("pk", filter=Q(rank__gt=F("previous_rank"))),
        down=Count("pk", filter=Q(rank__lt=F("previous_rank"))),
    )
    return MoveCounts(up=counts["up"], down=counts["down"])


def new_proposals(run: RescoreRun, *, user: User) -> QuerySet[ExpectedChurn]:
    """Expected-churn proposals the run raised on visible accounts, biggest MRR first."""
    return (
        ExpectedChurn.objects.filter(run=run, account__in=visible_accounts(user))
        .select_related("account", "account__owner", "decided_by")
        .order_by("-account__mrr", "pk")
    )


@dataclass(frozen=True, slots=True)
class AlertChanges:
    cause: str
    label: str
    opened: int
    closed: int


def alerts_of_run(run: RescoreRun, *, user: User) -> list[AlertChanges]:
    """Alerts opened and closed by the run, per cause, on visible accounts (each alert records
    the run that opened or closed it; a manager's decision closing one is not the run's)."""
    opened, closed = Q(opened_by_run=run), Q(closed_by_run=run)
    rows = (
        visible_alerts(user)
        .filter(opened | closed)
        .values("cause")
        .annotate(opened=Count("pk", filter=opened), closed=Count("pk", filter=closed))
        .order_by()
    )
    found = {row["cause"]: row for row in rows}
    return [
        AlertChanges(cause, str(label), found[cause]["opened"], found[cause]["closed"])
        for cause, label in Cause.choices
        if cause in found
    ]


@dataclass(frozen=True, slots=True)
class RunPage:
    run: RescoreRun
    duration: tuple[int, int] | None  # minutes and seconds, once finished
    counts: MoveCounts
    direction: str
    moves: Page
    proposals: list[ExpectedChurn]
    proposals_total: int
    alerts: list[AlertChanges]


def run_page(run: RescoreRun, *, user: User, direction: str, page_number: str | None) -> RunPage:
    """Everything the run's page shows; `direction` picks the list of band moves."""
    direction = direction if direction in DIRECTIONS else DIRECTIONS[0]
    moves = Paginator(band_moves(run, user=user, direction=direction), MOVES_PER_PAGE)
    proposals = new_proposals(run, user=user)
    shown = list(proposals[:PROPOSALS_SHOWN])
    seconds = round((run.finished_at - run.started_at).total_seconds()) if run.finished_at else None
    return RunPage(
        run=run,
        duration=divmod(seconds, 60) if seconds is not None else None,
        counts=count_moves(run, user=user),
        direction=direction,
        moves=moves.get_page(page_number),
        proposals=shown,
        proposals_total=len(shown) if len(shown) < PROPOSALS_SHOWN else proposals.count(),
        alerts=alerts_of_run(run, user=user),
    )
