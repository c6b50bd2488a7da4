from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Account, Status
from teams.models import Role, User

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    # Tests run with DEBUG off, as production does: the demo needs to be told it is not one.
    out = StringIO()
    call_command("seed_demo", "--i-know-this-is-not-production", *args, stdout=out)
    return out.getvalue()


def portfolio() -> list[tuple]:
    return list(
        Account.objects.order_by("external_id").values_list(
            "external_id", "name", "mrr", "industry"
        )
    )


def test_seed_builds_a_scored_portfolio_and_prints_the_logins():
    output = seed("--accounts", "120", "--seed", "7")
    assert Account.objects.count() == 120
    assert "camille" in output and "churnguard-demo" in output
    assert {Role.CSM, Role.MANAGER, Role.ADMIN} <= set(User.objects.values_list("role", flat=True))
    active = Account.objects.filter(status=Status.ACTIVE)
    assert not active.filter(risk_score__isnull=True).exists()
    churned = Account.objects.filter(status=Status.CHURNED)
    assert churned.exists() and not churned.filter(churn_reason="").exists()
    assert Account.objects.values("industry").distinct().count() > 5
    assert Account.objects.values("country").distinct().count() > 5


def test_same_seed_same_portfolio():
    seed("--accounts", "40", "--seed", "3")
    first = portfolio()
    seed("--accounts", "40", "--seed", "3", "--reset")
    assert portfolio() == first


def test_existing_portfolio_is_kept_unless_reset():
    seed("--accounts", "10")
    with pytest.raises(CommandError, match="--reset"):
        seed("--accounts", "10")
    assert "nothing to do" in seed("--accounts", "99", "--if-empty")
    assert Account.objects.count() == 10


@pytest.mark.parametrize("command", ["seed_demo", "prepare_demo"])
def test_demo_commands_refuse_to_run_with_debug_off(command, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command(command, "--accounts", "3", stdout=StringIO())
    assert not Account.objects.exists()
    assert not User.objects.filter(username="camille").exists()


def test_seed_demo_runs_with_debug_on(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--accounts", "5", "--no-score", stdout=StringIO())
    assert Account.objects.count() == 5
