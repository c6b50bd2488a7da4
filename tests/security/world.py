"""One of everything, owned by one team, for the tests that walk every URL and form."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from accounts.models import Account, SavedView, Stakeholder
from alerts.models import Alert
from playbooks.catalogue import seed_defaults
from playbooks.models import Lever, Play, Proposal
from playbooks.services import propose_lever
from risk.models import BandOverride, ExpectedChurn, RescoreRun, RiskModel, Score
from risk.queries import published_model
from risk.risk_models.services import create_draft
from tasks.models import Task
from teams.models import Role, Team, User
from tests.factories import AccountFactory, StakeholderFactory, TeamFactory, UserFactory

ACCOUNT_NAME = "Nordwind Voyages"
# Objects of the whole portfolio, owned by no team (a rescoring run): every role that passes the
# page's role check reaches them, and their page must not show another team's account.
PORTFOLIO_SEGMENTS = {"runs"}


@dataclass
class World:
    team: Team
    users: dict[str, User | None]
    account: Account
    stakeholder: Stakeholder
    proposal: Proposal
    draft: RiskModel
    expected_churn: ExpectedChurn
    alert: Alert
    override: BandOverride
    play: Play
    task: Task
    run: RescoreRun
    by_segment: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    team = cast(Team, TeamFactory(name="Team North"))
    other_team = cast(Team, TeamFactory(name="Team South"))
    csm = cast(User, UserFactory(username="owner", role=Role.CSM, team=team))
    outsider = cast(User, UserFactory(username="outsider", role=Role.CSM, team=other_team))
    manager = cast(User, UserFactory(username="manager", role=Role.MANAGER, team=None))
    manager.managed_teams.add(team)
    other_manager = cast(User, UserFactory(username="other-manager", role=Role.MANAGER, team=None))
    other_manager.managed_teams.add(other_team)
    admin = cast(User, UserFactory(username="admin", role=Role.ADMIN, team=None, is_staff=True))
    account = cast(Account, AccountFactory(
        team=team, owner=csm, name=ACCOUNT_NAME, industry="travel", phase="defense",
        risk_score=82, risk_band="critical", mrr=Decimal("2000.00"),
    ))  # fmt: skip
    AccountFactory(team=other_team, name="Southern Lights")
    seed_defaults(Lever, Play)
    lever = Lever.objects.get(kind="payment_holiday")
    proposal = propose_lever(
        account=account, lever=lever, params={"months": "3"}, give_back="",
        justification="Cash crunch after bookings collapsed.", user=csm,
        today=timezone.localdate(), submit=True,
    )  # fmt: skip
    now = timezone.now()
    expected = ExpectedChurn.objects.create(
        account=account, status="proposed", rule_reason="Critical in defense",
        band_at_raise="critical", raised_at=now,
    )  # fmt: skip
    alert = Alert.objects.create(account=account, cause="high_risk", opened_at=now)
    override = BandOverride.objects.create(
        account=account, band="high", reason="Knows the sponsor well",
        expires_on=timezone.localdate() + timedelta(days=30), created_by=csm,
    )  # fmt: skip
    run = RescoreRun.objects.create(
        trigger="nightly", risk_model=published_model(), as_of=now.date(), started_at=now,
        finished_at=now, status="succeeded", accounts_total=2, accounts_done=2,
    )  # fmt: skip
    Score.objects.create(
        account=account, risk_model=run.risk_model, score=82, band="critical",
        previous_band="high", contributions_json="[]", computed_at=now, run=run,
    )  # fmt: skip
    play = Play.objects.filter(phase="defense", is_active=True).first() or Play.objects.first()
    assert play is not None  # seed_defaults() above created the plays
    world = World(
        team=team,
        users={
            "anonymous": None,
            "csm": csm,
            "outsider": outsider,
            "manager": manager,
            "other_manager": other_manager,
            "admin": admin,
        },
        account=account,
        stakeholder=cast(Stakeholder, StakeholderFactory(account=account)),
        proposal=proposal,
        draft=create_draft(source=published_model(), user=admin),
        expected_churn=expected,
        alert=alert,
        override=override,
        play=play,
        task=Task.objects.create(
            account=account, owner=csm, title="Call the sponsor", due_on=timezone.localdate(),
            created_by=csm, created_at=now,
        ),
        run=run,
    )  # fmt: skip
    # `pk` is read by the path segment before it: /accounts/<pk>/, /proposals/<pk>/...
    world.by_segment = {
        "accounts": account.pk,
        "proposals": proposal.pk,
        "models": world.draft.pk,
        "expected-churn": expected.pk,
        "alerts": alert.pk,
        "tasks": world.task.pk,
        "levers": lever.pk,
        # A triage view of the CSM, shared with their team.
        "views": SavedView.objects.create(
            owner=csm, name="Defense", query="phase=defense", shared_with_team=team
        ).pk,
        "runs": run.pk,
    }
    return world


def url_kwargs(world: World, route: str, params: list[str]) -> dict[str, Any]:
    """Arguments for a URL pattern, by parameter name (and, for `pk`, the segment before it)."""
    by_name: dict[str, Any] = {
        "stakeholder_pk": world.stakeholder.pk,
        "override_pk": world.override.pk,
        "play_pk": world.play.pk,
        "decision": "confirm",
        "uidb64": "MQ",
        "token": "set-password",
    }
    kwargs = {}
    for name in params:
        if name == "pk":
            parts = route.split("/")
            at = next(i for i, part in enumerate(parts) if part.endswith("pk>"))
            kwargs[name] = world.by_segment.get(parts[at - 1] if at else "", world.account.pk)
        elif name in by_name:
            kwargs[name] = by_name[name]
        elif name.endswith("pk") or name.endswith("id"):
            # A parameter this file does not know yet: the account is the likeliest owner.
            kwargs[name] = world.account.pk
        else:
            kwargs[name] = "x"
    return kwargs
