from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Account, Status
from teams.models import Role, User

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
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
