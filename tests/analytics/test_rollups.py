"""The roll-ups the analytics pages read (analytics/models.py): kept exact by PostgreSQL triggers
through every kind of write, and giving the same figures as the ledger and the readings."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from accounts.bulk import bulk_insert
from accounts.demo_safety import delete_with_history
from accounts.ledger import change_mrr, open_ledger, record_churn
from accounts.models import Account, MrrMovement
from analytics import queries
from analytics.queries import Filters
from tests.factories import AccountFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the roll-ups' triggers are PostgreSQL's"
    ),
]
D = Decimal
LAST = date(2025, 12, 1)
NOW = datetime(2025, 5, 9, tzinfo=UTC)


def _ledger_grouped() -> tuple[set, set]:
    """Both roll-ups recomputed from the ledger as it stands (rows of zero movements left out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.team_id, a.owner_id, date_trunc('month', m.\"on\"::timestamp)::date, m.kind,"
            " SUM(m.amount), COUNT(*) FROM accounts_mrrmovement m"
            " JOIN accounts_account a ON a.id = m.account_id GROUP BY 1, 2, 3, 4"
        )
        months = set(cursor.fetchall())
        cursor.execute(
            "SELECT a.team_id, a.owner_id, date_trunc('month', a.contract_start::timestamp)::date,"
            " date_trunc('month', m.\"on\"::timestamp)::date, SUM(m.amount), COUNT(*),"
            " COUNT(*) FILTER (WHERE m.kind = 'new') FROM accounts_mrrmovement m"
            " JOIN accounts_account a ON a.id = m.account_id"
            " WHERE a.contract_start IS NOT NULL GROUP BY 1, 2, 3, 4"
        )
        cohorts = set(cursor.fetchall())
    return months, cohorts


def _rolled_up() -> tuple[set, set]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT team_id, owner_id, month, kind, amount, movements FROM analytics_ledgermonth"
            " WHERE movements <> 0"
        )
        months = set(cursor.fetchall())
        cursor.execute(
            "SELECT team_id, owner_id, cohort, month, amount, movements, started"
            " FROM analytics_cohortmonth WHERE movements <> 0"
        )
        cohorts = set(cursor.fetchall())
    return months, cohorts


def _figures(user, filters, monkeypatch):
    """The series and the cohorts from the roll-ups, then from the ledger itself."""
    both = []
    for use_rollups in (True, False):
        with monkeypatch.context() as patch:
            if not use_rollups:
                patch.setattr(queries, "_ledger_rollup", lambda *a, **k: None)
            both.append(
                (
                    queries.revenue_series(user=user, filters=filters, last_month=LAST),
                    queries.cohort_table(user=user, filters=filters, last_month=LAST),
                )
            )
    return both


def _opened(**fields):
    account = AccountFactory(**fields)
    open_ledger(account=account)
    return account


def test_every_kind_of_write_keeps_the_rollups_equal_to_the_ledger(
    team, other_team, csm, teammate, manager, monkeypatch
):
    a = _opened(team=team, owner=csm, mrr=D(1000), contract_start=date(2025, 1, 10))
    b = _opened(team=team, owner=teammate, mrr=D(500), contract_start=date(2025, 2, 3))
    c = _opened(team=other_team, owner=None, mrr=D(300), contract_start=date(2024, 11, 20))
    d = _opened(team=team, owner=None, mrr=D(200), contract_start=None)
    change_mrr(account=a, new_mrr=D(1400), on=date(2025, 3, 10), source="test")
    record_churn(account=b, on=date(2025, 4, 20), reason="budget")
    assert _rolled_up() == _ledger_grouped()

    # A COPY (as an import writes), then a movement corrected by hand and one deleted.
    bulk_insert(
        MrrMovement,
        (
            "account_id",
            "on",
            "kind",
            "amount",
            "currency",
            "mrr_after",
            "source",
            "source_id",
            "created_at",
        ),
        [
            (c.pk, date(2025, 5, 2), "expansion", D(100), "EUR", D(400), "import", "", NOW),
            (d.pk, date(2025, 5, 9), "expansion", D(50), "EUR", D(250), "import", "", NOW),
        ],
    )
    MrrMovement.objects.filter(account=c, kind="expansion").update(on=date(2025, 6, 2))
    MrrMovement.objects.filter(account=d, kind="expansion").delete()
    assert _rolled_up() == _ledger_grouped()

    # The account's history moves with its CSM, its team and its contract start.
    Account.objects.filter(pk=a.pk).update(owner=teammate)
    Account.objects.filter(pk=c.pk).update(team=team, owner=csm)
    Account.objects.filter(pk=b.pk).update(contract_start=date(2025, 7, 1))
    Account.objects.filter(pk=d.pk).update(contract_start=date(2025, 8, 1))
    Account.objects.filter(pk=a.pk).update(mrr=D(1), risk_band="high")  # no key: no move
    assert _rolled_up() == _ledger_grouped()

    # An account deleted with its history (a demo reset).
    delete_with_history(Account.objects.filter(pk=c.pk))
    assert _rolled_up() == _ledger_grouped()

    for filters in (Filters(), Filters(team=team.pk), Filters(owner=teammate.pk)):
        from_rollups, from_ledger = _figures(manager, filters, monkeypatch)
        assert from_rollups == from_ledger


def test_a_movement_of_a_missing_account_is_refused_not_left_out(team, csm):
    from django.db import DatabaseError, transaction

    account = _opened(team=team, owner=csm, mrr=D(100), contract_start=date(2025, 1, 1))
    with pytest.raises(DatabaseError, match="does not exist"), transaction.atomic():
        MrrMovement.objects.create(
            account_id=account.pk + 1000,
            on=date(2025, 2, 1),
            kind="expansion",
            amount=D(10),
            currency="EUR",
            mrr_after=D(110),
            source="test",
        )
    assert _rolled_up() == _ledger_grouped()


def test_a_truncated_ledger_empties_the_rollups(team, csm):
    _opened(team=team, owner=csm, mrr=D(100), contract_start=date(2025, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign keys checked
        cursor.execute("TRUNCATE accounts_mrrmovement")
    assert _rolled_up() == (set(), set())


def test_filters_the_rollups_are_not_keyed_by_read_the_ledger(team, csm, manager):
    _opened(team=team, owner=csm, mrr=D(100), segment="smb", contract_start=date(2025, 1, 1))
    _opened(team=team, owner=csm, mrr=D(70), segment="enterprise", contract_start=date(2025, 1, 1))
    series = queries.revenue_series(user=manager, filters=Filters(segment="smb"), last_month=LAST)
    assert series[-1].end_mrr == D(100)
    assert queries.revenue_series(user=manager, filters=Filters(), last_month=LAST)[
        -1
    ].end_mrr == D(170)


def _latest_from_readings() -> set:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (account_id, name) account_id, name, value, category, as_of"
            " FROM accounts_signalreading ORDER BY account_id, name, as_of DESC"
        )
        return set(cursor.fetchall())


def _latest_kept() -> set:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_id, name, value, category, as_of FROM analytics_latestsignal"
        )
        return set(cursor.fetchall())


def test_every_kind_of_signal_write_keeps_the_latest_readings(team, csm, manager):
    from accounts.models import SignalReading
    from accounts.services import record_signal

    a = AccountFactory(team=team, owner=csm)
    b = AccountFactory(team=team, owner=csm)
    # One statement with several readings of one signal, and a category signal.
    SignalReading.objects.bulk_create(
        [
            SignalReading(account=a, name="csat", value=D(3), as_of=date(2025, 3, 1)),
            SignalReading(account=a, name="csat", value=D(4), as_of=date(2025, 5, 1)),
            SignalReading(account=a, name="csat", value=D(2), as_of=date(2025, 4, 1)),
            SignalReading(account=b, name="plan", category="pro", as_of=date(2025, 1, 1)),
        ]
    )
    # An older reading arriving later does not replace the latest; a newer one does.
    record_signal(account=a, name="csat", value=D(1), as_of=date(2025, 1, 1))
    record_signal(account=b, name="csat", value=D(5), as_of=date(2025, 6, 1))
    assert _latest_kept() == _latest_from_readings()
    assert (a.pk, "csat", D(4), "", date(2025, 5, 1)) in _latest_kept()

    # The latest corrected, moved back in time, deleted: the one before it takes its place.
    record_signal(account=a, name="csat", value=D(7), as_of=date(2025, 5, 1))
    assert _latest_kept() == _latest_from_readings()
    SignalReading.objects.filter(account=a, name="csat", as_of=date(2025, 5, 1)).update(
        as_of=date(2024, 1, 1)
    )
    assert _latest_kept() == _latest_from_readings()
    SignalReading.objects.filter(account=a, name="csat", as_of=date(2025, 4, 1)).delete()
    SignalReading.objects.filter(account=b, name="plan").delete()
    assert _latest_kept() == _latest_from_readings()
    assert (b.pk, "plan") not in {(k[0], k[1]) for k in _latest_kept()}

    # The churn drivers count each account's latest reading once.
    csat = queries.signal_buckets(user=manager, filters=Filters())["csat"]
    assert sorted((b.label, b.total) for b in csat) == [("3:3", 1), ("5:5", 1)]

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE accounts_signalreading")
    assert _latest_kept() == set()


def _driver_counts(user, filters) -> tuple[set, set]:
    """The churn drivers' raw counts as the triggers keep them, then read from the accounts."""
    kept = queries._counted_rows(user=user, filters=filters, attributes="all")
    read = queries._read_rows(user=user, filters=filters, attributes="all")
    return {r for r in kept if r.accounts}, set(read)


def _drivers_agree(manager, *filters) -> None:
    for scope in (Filters(), *filters):
        kept, read = _driver_counts(manager, scope)
        assert kept == read, scope
    # Each account's attainment as the triggers keep it, and as the KPI formula gives it.
    from analytics.models import AccountKpi

    sql, params = queries._kpi_per_account_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT account_id, FLOOR(pct)::int FROM ({sql}) p", params)
        computed = set(cursor.fetchall())
    assert set(AccountKpi.objects.values_list("account_id", "attainment")) == computed


def test_every_kind_of_write_keeps_the_driver_counts_equal_to_the_accounts(
    team, other_team, csm, teammate, manager
):
    from accounts.models import OutcomeKpi, SignalReading
    from accounts.services import record_kpi, record_signal

    a = AccountFactory(team=team, owner=csm, signing_discount_pct=D(15), industry="retail")
    b = AccountFactory(team=team, owner=teammate, cash_runway_months=D("7.5"), phase="adoption")
    c = AccountFactory(team=other_team, owner=None, contract_start=None)
    record_kpi(account=a, user=None, name="x", target=D(100), actual=D(40), as_of=date(2025, 1, 1))
    record_kpi(account=a, user=None, name="y", target=D(10), actual=D(20), as_of=date(2025, 1, 1))
    OutcomeKpi.objects.create(
        account=b, name="z", target=D(5), actual=D(10), higher_is_better=False, as_of=LAST
    )
    record_signal(account=a, name="csat", value=D(3), as_of=date(2025, 3, 1))
    SignalReading.objects.bulk_create(
        [
            SignalReading(account=b, name="csat", value=D(8), as_of=date(2025, 3, 1)),
            SignalReading(account=c, name="plan", category="pro", as_of=date(2025, 3, 1)),
        ]
    )
    _drivers_agree(manager, Filters(team=team.pk), Filters(owner=csm.pk))
    kept, _read = _driver_counts(manager, Filters(owner=csm.pk))
    # a: KPIs at 40 % and 150 % (capped) average 95; its discount and industry as they are.
    assert {(r.attribute, r.number, r.label, r.accounts) for r in kept} >= {
        ("kpi", D(95), "", 1),
        ("discount", D(15), "", 1),
        ("industry", None, "retail", 1),
        ("signal:csat", D(3), "", 1),
    }

    # An account churns, moves to another CSM and team, is archived and comes back; a score
    # changes (no column the drivers read: nothing moves).
    Account.objects.filter(pk=a.pk).update(status="churned", churned_on=LAST, churn_reason="budget")
    Account.objects.filter(pk=b.pk).update(owner=csm, team=other_team, industry="travel")
    Account.objects.filter(pk=c.pk).update(archived_at=NOW)
    _drivers_agree(manager, Filters(team=team.pk), Filters(owner=csm.pk))
    Account.objects.filter(pk=c.pk).update(archived_at=None, contract_start=date(2021, 1, 1))
    Account.objects.filter(pk=a.pk).update(risk_score=80, risk_band="critical")
    _drivers_agree(manager, Filters(team=other_team.pk))

    # KPIs and readings corrected and deleted; an account deleted with its history.
    record_kpi(account=a, user=None, name="x", target=D(100), actual=D(0), as_of=LAST)
    OutcomeKpi.objects.filter(account=b).update(actual=D(1))
    OutcomeKpi.objects.filter(account=a, name="y").delete()
    record_signal(account=b, name="csat", value=D(2), as_of=date(2025, 6, 1))
    SignalReading.objects.filter(account=a).delete()
    _drivers_agree(manager, Filters(owner=csm.pk))
    delete_with_history(Account.objects.filter(pk=b.pk))
    _drivers_agree(manager, Filters(team=team.pk))

    # An import's COPY of new accounts, then a flush of the accounts.
    AccountFactory.create_batch(3, team=team, owner=teammate, segment="smb")
    _drivers_agree(manager, Filters(owner=teammate.pk))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE accounts_account CASCADE")
    assert queries._counted_rows(user=None, filters=Filters(), attributes="all") == []


def test_the_drivers_page_reads_the_same_buckets_from_the_counts_as_from_the_accounts(
    team, csm, manager, monkeypatch
):
    """Same page, same figures, whichever source: the buckets are cut in one place."""
    for i in range(30):
        account = AccountFactory(
            team=team,
            owner=csm,
            signing_discount_pct=D(i),
            cash_runway_months=D(i) / 2,
            contract_start=date(2020 + i % 7, 1, 1),
            status="churned" if i % 4 == 0 else "active",
            churned_on=LAST if i % 4 == 0 else None,
        )
        from accounts.models import SignalReading

        SignalReading.objects.create(account=account, name="nps", value=D(i % 9), as_of=LAST)
    kept = queries.churn_drivers(user=manager, filters=Filters(), today=LAST, min_total=1)
    monkeypatch.setattr(queries, "_counted_rows", queries._read_rows)
    read = queries.churn_drivers(user=manager, filters=Filters(), today=LAST, min_total=1)
    assert kept == read
    assert {d.attribute for d in kept} >= {"discount", "runway", "tenure", "signal:nps"}


def test_a_kpi_or_a_reading_of_a_missing_account_is_refused_not_left_out(team, csm, manager):
    """A new account counts its own attributes only: a KPI or a reading written before its
    account (the foreign key waits for the commit) would never be counted, so it is refused."""
    from django.db import DatabaseError, transaction

    from accounts.models import OutcomeKpi, SignalReading

    account = AccountFactory(team=team, owner=csm)
    missing = account.pk + 1000
    refused = "KPI of an account that does not exist"
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        OutcomeKpi.objects.create(
            account_id=missing, name="x", target=D(1), actual=D(1), as_of=LAST
        )
    refused = "Signal reading of an account that does not exist"
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        SignalReading.objects.create(account_id=missing, name="csat", value=D(1), as_of=LAST)
    _drivers_agree(manager)
