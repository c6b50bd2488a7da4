from datetime import date
from decimal import Decimal

import pytest

from accounts.ledger import change_mrr, open_ledger, record_churn
from accounts.models import Account
from tests.factories import AccountFactory
from tests.playbooks.conftest import at_risk, levers  # noqa: F401  (lever fixtures)

START = date(2025, 1, 10)


def opened(**fields):
    account = AccountFactory(contract_start=START, **fields)
    open_ledger(account=account)
    return account


@pytest.fixture
def small_ledger(team, csm):
    """The hand-computed ledger of test_formulas, written through the ledger services.

    January 2025: A 1000, B 500, C 300. February: A +400, C churns. March: B -100, C back at 200.
    """
    a = opened(
        team=team,
        owner=csm,
        name="A",
        mrr=Decimal(1000),
        phase="defense",
        risk_band="critical",
        risk_score=80,
    )
    b = opened(team=team, owner=csm, name="B", mrr=Decimal(500))
    c = opened(team=team, owner=csm, name="C", mrr=Decimal(300))
    change_mrr(account=a, new_mrr=Decimal(1400), on=date(2025, 2, 10), source="test")
    record_churn(account=c, on=date(2025, 2, 20), reason="budget")
    change_mrr(account=b, new_mrr=Decimal(400), on=date(2025, 3, 5), source="test")
    change_mrr(account=c, new_mrr=Decimal(200), on=date(2025, 3, 15), source="test")
    # The ledger rescored the accounts; the tests want A critical whatever the engine says.
    Account.objects.filter(pk=a.pk).update(risk_band="critical", risk_score=80)
    a.refresh_from_db()
    return {"a": a, "b": b, "c": c}
