from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.ledger import LedgerError, change_mrr, open_ledger, record_churn, record_renewal
from accounts.models import Account, FactChange, MrrMovement, Status
from tests.accounts.test_account_page import edit_data
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def kinds(account: Account) -> list[tuple[str, Decimal]]:
    return [(m.kind, m.amount) for m in account.mrr_movements.order_by("on", "id")]


def accounts_whose_mrr_is_not_their_ledger() -> list[int]:
    total = (
        MrrMovement.objects.filter(account=OuterRef("pk"))
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return list(
        Account.objects.annotate(ledger=Coalesce(Subquery(total), Decimal(0)))
        .exclude(mrr=F("ledger"))
        .values_list("pk", flat=True)
    )


@pytest.fixture
def account(team, csm):
    account = AccountFactory(
        mrr=Decimal("1000.00"), contract_start=date(2025, 1, 10), team=team, owner=csm
    )
    open_ledger(account=account)
    return account


def test_opening_the_ledger_records_the_mrr_once(account):
    assert kinds(account) == [("new", Decimal("1000.00"))]
    assert open_ledger(account=account) is None
    assert account.mrr_movements.count() == 1


def test_expansion_and_contraction_are_dated_movements_and_mrr_is_their_sum(account):
    change_mrr(account=account, new_mrr=Decimal("1500"), on=TODAY, source="edit")
    change_mrr(account=account, new_mrr=Decimal("1200"), on=TODAY, source="edit")
    account.refresh_from_db()
    assert account.mrr == Decimal("1200.00")
    assert kinds(account) == [
        ("new", Decimal("1000.00")),
        ("expansion", Decimal("500.00")),
        ("contraction", Decimal("-300.00")),
    ]
    assert account.mrr_movements.last().mrr_after == Decimal("1200.00")
    assert accounts_whose_mrr_is_not_their_ledger() == []


def test_an_unchanged_mrr_writes_nothing(account):
    assert change_mrr(account=account, new_mrr=Decimal("1000"), on=TODAY, source="edit") is None
    assert account.mrr_movements.count() == 1


def test_negative_mrr_is_refused_and_nothing_is_written(account):
    with pytest.raises(LedgerError):
        change_mrr(account=account, new_mrr=Decimal("-1"), on=TODAY, source="edit")
    assert account.mrr_movements.count() == 1


def test_churn_moves_the_whole_mrr_out_once(account):
    assert record_churn(account=account, on=TODAY, reason="budget") is True
    assert record_churn(account=account, on=TODAY, reason="budget") is False
    account.refresh_from_db()
    assert (account.status, account.mrr, account.churned_on) == ("churned", Decimal(0), TODAY)
    assert kinds(account)[-1] == ("churn", Decimal("-1000.00"))
    assert account.mrr_movements.count() == 2
    assert FactChange.objects.filter(account=account, field="status").count() == 1


def test_an_unknown_churn_reason_is_refused(account):
    with pytest.raises(LedgerError):
        record_churn(account=account, on=TODAY, reason="aliens")
    account.refresh_from_db()
    assert account.status == Status.ACTIVE


def test_mrr_given_back_to_a_churned_account_is_a_reactivation(account):
    record_churn(account=account, on=TODAY, reason="budget")
    change_mrr(account=account, new_mrr=Decimal("800"), on=TODAY + timedelta(days=40), source="x")
    account.refresh_from_db()
    assert (account.status, account.churned_on, account.mrr) == ("active", None, Decimal("800"))
    assert kinds(account)[-1] == ("reactivation", Decimal("800.00"))
    assert accounts_whose_mrr_is_not_their_ledger() == []


def test_renewal_moves_the_renewal_date_one_term_and_is_idempotent(account):
    account.renewal_date, account.contract_term_months = date(2026, 7, 1), 12
    account.save(update_fields=["renewal_date", "contract_term_months"])
    assert record_renewal(account=account, on=date(2026, 6, 20), new_mrr=Decimal("1100")) is True
    assert record_renewal(account=account, on=date(2026, 6, 20), new_mrr=Decimal("1100")) is False
    account.refresh_from_db()
    assert account.renewal_date == date(2027, 7, 1)
    assert account.renewed_on == date(2026, 6, 20)
    assert kinds(account)[-1] == ("expansion", Decimal("100.00"))


def test_a_late_renewal_lands_after_the_day_it_was_recorded(account):
    account.renewal_date, account.contract_term_months = date(2025, 3, 1), 1
    account.save(update_fields=["renewal_date", "contract_term_months"])
    record_renewal(account=account, on=date(2025, 5, 10))
    account.refresh_from_db()
    assert account.renewal_date == date(2025, 6, 1)


def test_a_churned_account_cannot_renew(account):
    record_churn(account=account, on=TODAY, reason="budget")
    with pytest.raises(LedgerError):
        record_renewal(account=account, on=TODAY + timedelta(days=1))


def test_an_account_without_movements_gets_its_opening_before_a_change():
    account = AccountFactory(mrr=Decimal("700.00"))
    change_mrr(account=account, new_mrr=Decimal("900"), on=TODAY, source="import")
    assert kinds(account) == [("new", Decimal("700.00")), ("expansion", Decimal("200.00"))]


def test_editing_mrr_and_status_in_the_form_goes_through_the_ledger(csm_client, account):
    url = reverse("accounts:edit", args=[account.pk])
    csm_client.post(url, edit_data(account, mrr="1300.00"))
    churn_day = timezone.localdate().isoformat()
    churn = edit_data(
        account, mrr="1300.00", status="churned", churned_on=churn_day, churn_reason="competitor"
    )
    response = csm_client.post(url, churn)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == "churned" and account.churn_reason == "competitor"
    assert kinds(account)[1:] == [
        ("expansion", Decimal("300.00")),
        ("churn", Decimal("-1300.00")),
    ]
    assert str(account.mrr_movements.last().on) == churn_day
    assert accounts_whose_mrr_is_not_their_ledger() == []


def test_the_form_reactivates_a_churned_account_only_with_mrr(csm_client, account):
    record_churn(account=account, on=TODAY, reason="budget")
    url = reverse("accounts:edit", args=[account.pk])
    refused = csm_client.post(url, edit_data(account, mrr="0", status="active"))
    assert refused.status_code == 200 and "needs its new MRR" in refused.content.decode()
    csm_client.post(url, edit_data(account, mrr="950.00", status="active"))
    account.refresh_from_db()
    assert account.status == "active" and kinds(account)[-1] == ("reactivation", Decimal("950"))


def test_demo_portfolio_mrr_is_the_sum_of_its_movements():
    call_command(
        "seed_demo",
        "--i-know-this-is-not-production",
        "--accounts",
        "60",
        "--no-score",
        stdout=StringIO(),
    )
    assert MrrMovement.objects.filter(kind="churn").exists()
    assert not Account.objects.filter(status="churned").exclude(mrr=0).exists()
    assert accounts_whose_mrr_is_not_their_ledger() == []


def test_the_migration_opens_a_ledger_for_existing_accounts():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0007_opening_mrr_movements")
    active = AccountFactory(mrr=Decimal("500.00"))
    churned = AccountFactory(
        mrr=Decimal("300.00"), status="churned", churned_on=TODAY, churn_reason="budget"
    )
    migration.open_ledgers(apps, None)
    migration.open_ledgers(apps, None)  # a second run finds every account opened
    assert kinds(active) == [("new", Decimal("500.00"))]
    assert kinds(churned) == [("new", Decimal("300.00")), ("churn", Decimal("-300.00"))]
    churned.refresh_from_db()
    assert churned.mrr == 0
    assert accounts_whose_mrr_is_not_their_ledger() == []
