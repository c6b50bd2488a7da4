"""Importing churns and renewals: through the ledger, once each, with the same report."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account, MrrMovement, Status
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def command(*args):
    out = StringIO()
    try:
        call_command("import_outcomes", *map(str, args), "--json", stdout=out)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, json.loads(out.getvalue())


def test_churns_and_renewals_are_recorded_once_through_the_ledger(files, team):
    AccountFactory(
        external_id="O-1", team=team, mrr=Decimal("1000"), contract_start=date(2024, 1, 1)
    )
    AccountFactory(
        external_id="O-2",
        team=team,
        mrr=Decimal("500"),
        renewal_date=date(2026, 1, 31),
        contract_term_months=12,
        contract_start=date(2024, 1, 1),
    )
    path = files.csv(
        "outcomes.csv",
        [
            ["External ID", "Outcome", "Churn date", "Churn reason", "Renewal date", "New MRR"],
            ["O-1", "Churned", "15/10/2025", "Moved to a competitor", "", ""],
            ["O-2", "renewal", "", "", "2026-01-31", "650"],
            ["O-9", "churn", "2025-10-01", "budget", "", ""],
        ],
    )
    status, report = command(path)
    again_status, again = command(path)

    assert (status, report["updated"], report["rejected"]) == (1, 2, 1)
    assert report["rows"][0]["row"] == 3
    assert (again_status, again["updated"], again["unchanged"]) == (1, 0, 2)
    churned = Account.objects.get(external_id="O-1")
    assert (churned.status, churned.churned_on, churned.churn_reason) == (
        Status.CHURNED,
        date(2025, 10, 15),
        "competitor",
    )
    renewed = Account.objects.get(external_id="O-2")
    assert (renewed.mrr, renewed.renewal_date) == (Decimal("650.00"), date(2027, 1, 31))
    kinds = sorted(MrrMovement.objects.values_list("account__external_id", "kind"))
    assert kinds == [("O-1", "churn"), ("O-1", "new"), ("O-2", "expansion"), ("O-2", "new")]


def test_an_outcomes_dry_run_writes_nothing(files, team):
    AccountFactory(external_id="P-1", team=team)
    path = files.csv("dry.csv", [["External ID", "Churn date"], ["P-1", "2025-10-01"]])
    status, report = command(path, "--dry-run")

    assert (status, report["updated"]) == (0, 1)
    assert Account.objects.get(external_id="P-1").status == Status.ACTIVE
    assert not MrrMovement.objects.exists()
