from datetime import date
from decimal import Decimal

import pytest

from playbooks.catalogue import seed_defaults
from playbooks.models import Lever, Play
from playbooks.services import propose_lever
from teams.models import Role
from tests.factories import AccountFactory, UserFactory

TODAY = date(2026, 3, 2)


@pytest.fixture
def levers(db) -> dict[str, Lever]:
    """The default catalogue by kind. The migration seeds it, but a transactional test elsewhere
    may have emptied the tables since: seeding again is a no-op when the rows are there."""
    seed_defaults(Lever, Play)
    return {lever.kind: lever for lever in Lever.objects.all()}


@pytest.fixture
def at_risk(team, csm):
    """An account in Defense, critical risk, 2,000 EUR a month: payment relief applies."""
    return AccountFactory(
        team=team,
        owner=csm,
        name="Nordwind Voyages",
        industry="travel",
        phase="defense",
        risk_score=82,
        risk_band="critical",
        mrr=Decimal("2000.00"),
    )


@pytest.fixture
def other_manager(other_team):
    """A manager of another team: sees nothing of ours."""
    user = UserFactory(username="other-manager", role=Role.MANAGER, team=None)
    user.managed_teams.add(other_team)
    return user


@pytest.fixture
def second_manager(team):
    user = UserFactory(username="second-manager", role=Role.MANAGER, team=None)
    user.managed_teams.add(team)
    return user


@pytest.fixture
def plain_admin():
    """An admin by role (not a superuser), to prove the role is what counts."""
    return UserFactory(username="head-of-cs", role=Role.ADMIN, team=None)


def propose(account, lever, user, *, params=None, submit=True, today=TODAY, **extra):
    return propose_lever(
        account=account,
        lever=lever,
        params=params or {},
        give_back=extra.pop("give_back", ""),
        justification=extra.pop("justification", "Cash crunch after bookings collapsed."),
        user=user,
        today=today,
        submit=submit,
    )


@pytest.fixture
def holiday(at_risk, levers, csm):
    """A 3-month payment holiday: 6,000 EUR of cash, so a manager decides."""
    return propose(at_risk, levers["payment_holiday"], csm, params={"months": "3"})
