"""Churn drivers beyond the account's own fields: KPI attainment and every named signal."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account, OutcomeKpi, SignalReading
from analytics import presenters, queries
from analytics.formulas import OTHER_BUCKET
from analytics.queries import Filters
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2026, 1, 1)


def _portfolio(team, csm, n=400, seed=11, prefix="K"):
    """Accounts with no planted driver on their own fields (same discount, industry...)."""
    rows = [
        AccountFactory.build(
            team=team,
            owner=csm,
            external_id=f"{prefix}-{i}",
            signing_discount_pct=0,
            industry="software",
            country="FR",
            status="active",
            contract_start=date(2023, 1, 1),
            renewal_date=date(2026, 6, 1),
        )
        for i in range(n)
    ]
    return Account.objects.bulk_create(rows), random.Random(seed)


def _churn(accounts):
    Account.objects.filter(pk__in=[a.pk for a in accounts]).update(
        status="churned", churned_on=date(2025, 6, 1), churn_reason="budget"
    )


def _drivers(user, **filters):
    drivers = queries.churn_drivers(user=user, filters=Filters(**filters), today=TODAY)
    return {d.attribute: d for d in drivers}, [d.attribute for d in drivers]


def test_kpi_attainment_is_bucketed_in_the_database_and_finds_a_planted_driver(
    team, csm, manager, django_assert_num_queries
):
    accounts, rng = _portfolio(team, csm)
    kpis, lost = [], []
    for i, account in enumerate(accounts):
        if i % 4 == 3:
            continue  # no KPI: left out of this attribute
        attainment = rng.choice((10, 30, 60, 80, 95, 120, 400))
        # A lower-is-better KPI (e.g. time to answer) at half its target counts as 200 %,
        # capped at 150 %: both count as met.
        lower = i % 5 == 0
        kpis.append(
            OutcomeKpi(
                account=account,
                name="Leads",
                target=D(100),
                actual=D(100 * 100 / attainment) if lower else D(attainment),
                higher_is_better=not lower,
                as_of=TODAY,
            )
        )
        if rng.random() < (0.6 if attainment < 50 else 0.05):
            lost.append(account)
    OutcomeKpi.objects.bulk_create(kpis)
    _churn(lost)
    with django_assert_num_queries(2):  # the reader's teams, then the buckets
        buckets = queries.kpi_buckets(user=manager, filters=Filters())
    assert [b.label for b in buckets] == ["< 25", "25-49", "50-74", "75-89", "90-99", "100 +"]
    assert sum(b.total for b in buckets) == len(kpis)
    assert sum(b.churned for b in buckets) == len(lost)
    by_label, ranked = _drivers(manager)
    assert ranked[0] == "kpi"
    worst = max(by_label["kpi"].buckets, key=lambda b: b.churn_rate)
    assert worst.label in ("< 25", "25-49") and worst.lift > 2
    low, high = worst.interval
    assert low < worst.churn_rate < high
    assert presenters.driver_label("kpi") == "KPI attainment against target"


def test_the_kpi_average_caps_each_kpi_and_honours_lower_is_better(team, csm, manager):
    accounts, _ = _portfolio(team, csm, n=3)
    a, b, c = accounts
    # A: 400 % and 0 % average to 75 % (capped at 150 %), not 200 %.
    OutcomeKpi.objects.create(account=a, name="x", target=D(10), actual=D(40), as_of=TODAY)
    OutcomeKpi.objects.create(account=a, name="y", target=D(10), actual=D(0), as_of=TODAY)
    # B: lower is better, twice the target = 50 %.
    OutcomeKpi.objects.create(
        account=b, name="x", target=D(10), actual=D(20), higher_is_better=False, as_of=TODAY
    )
    # C: a zero target met.
    OutcomeKpi.objects.create(account=c, name="x", target=D(0), actual=D(3), as_of=TODAY)
    buckets = {b.label: b.total for b in queries.kpi_buckets(user=manager, filters=Filters())}
    assert buckets == {"75-89": 1, "50-74": 1, "100 +": 1}


def test_tenure_counts_calendar_years_to_today_three_and_more_together(team, csm, manager):
    """Hand-counted tenures on TODAY (1 Jan 2026), at each year's edges; a contract starting
    next year counts -1, one without a start date has no tenure ("")."""
    starts = {
        None: "",
        date(2021, 5, 1): "3",
        date(2023, 12, 31): "3",
        date(2024, 1, 1): "2",
        date(2024, 12, 31): "2",
        date(2025, 1, 1): "1",
        date(2026, 1, 1): "0",
        date(2026, 12, 31): "0",
        date(2027, 3, 1): "-1",
    }
    accounts, _ = _portfolio(team, csm, n=len(starts))
    for account, start in zip(accounts, starts, strict=True):
        Account.objects.filter(pk=account.pk).update(contract_start=start)
    _churn([a for a, start in zip(accounts, starts, strict=True) if start and start.year == 2024])
    tenure = queries.attribute_buckets(user=manager, filters=Filters(), today=TODAY)["tenure"]
    assert [(b.label, b.total, b.churned) for b in tenure] == [
        ("", 1, 0),
        ("-1", 1, 0),
        ("0", 2, 0),
        ("1", 1, 0),
        ("2", 2, 2),
        ("3", 2, 0),
    ]


def test_the_drivers_read_the_accounts_once_for_their_attributes_and_kpis(
    team, csm, manager, other_team, django_assert_num_queries
):
    """Every attribute (the account's own, its KPI attainment, its signals) comes from one
    query: the same buckets as each breakdown on its own."""
    accounts, _ = _portfolio(team, csm, n=40)
    for i, account in enumerate(accounts[:30]):
        OutcomeKpi.objects.create(
            account=account, name="x", target=D(100), actual=D(10 + 4 * i), as_of=TODAY
        )
        SignalReading.objects.create(account=account, name="nps", value=D(i % 5), as_of=TODAY)
    _churn(accounts[::3])
    # Another team's accounts, KPIs and an archived account: none counts.
    hidden = AccountFactory(team=other_team, external_id="H-1", status="active")
    OutcomeKpi.objects.create(account=hidden, name="x", target=D(1), actual=D(1), as_of=TODAY)
    Account.objects.filter(pk=accounts[-1].pk).update(archived_at=timezone.now())
    with django_assert_num_queries(2):  # the reader's teams, then every attribute's counts
        drivers = queries.churn_drivers(user=manager, filters=Filters(), today=TODAY, min_total=1)
    by_label = {d.attribute: d for d in drivers}
    kpis = queries.kpi_buckets(user=manager, filters=Filters())
    own = queries.attribute_buckets(user=manager, filters=Filters(), today=TODAY)
    assert sum(b.total for b in kpis) == 30 and sum(b.churned for b in kpis) == 10
    assert [(b.label, b.total, b.churned) for b in by_label["kpi"].buckets] == [
        (b.label, b.total, b.churned) for b in kpis
    ]
    assert (
        [(b.label, b.total, b.churned) for b in by_label["tenure"].buckets]
        == [(b.label, b.total, b.churned) for b in own["tenure"]]
        == [("3", 39, 13)]
    )


def test_every_named_signal_becomes_an_attribute(team, csm, manager, django_assert_num_queries):
    accounts, rng = _portfolio(team, csm)
    readings, lost = [], []
    for i, account in enumerate(accounts):
        csat = D(rng.randint(1, 10))
        # An older reading that must not count: only the latest reading of a signal does.
        readings.append(
            SignalReading(account=account, name="csat", value=D(10), as_of=date(2025, 1, 1))
        )
        readings.append(SignalReading(account=account, name="csat", value=csat, as_of=TODAY))
        plan = "starter" if i % 2 else "enterprise"
        if i < 5:
            plan = f"legacy-{i}"  # rare: grouped into "other"
        readings.append(SignalReading(account=account, name="plan", category=plan, as_of=TODAY))
        if rng.random() < (0.5 if csat <= 3 else 0.04):
            lost.append(account)
    SignalReading.objects.bulk_create(readings)
    _churn(lost)
    with django_assert_num_queries(2):  # the reader's teams, then every signal's buckets
        signals = queries.signal_buckets(user=manager, filters=Filters())
    csat = signals["csat"]
    assert len(csat) == 4 and sum(b.total for b in csat) == len(accounts)
    ranges = [tuple(D(v) for v in b.label.split(":")) for b in csat]
    assert ranges[0][0] == 1 and ranges[-1][1] == 10
    # Quantile buckets never overlap: equal values share one bucket.
    assert all(prev[1] < nxt[0] for prev, nxt in zip(ranges, ranges[1:], strict=False))
    assert sum(b.churned for b in csat) == len(lost)
    assert {b.label for b in signals["plan"]} == {"starter", "enterprise"} | {
        f"legacy-{i}" for i in range(5)
    }

    by_label, ranked = _drivers(manager)
    assert ranked[0] == "signal:csat"
    worst = max(by_label["signal:csat"].buckets, key=lambda b: b.churn_rate)
    assert worst.label.startswith("1:") and worst.lift > 2
    assert [b.label for b in by_label["signal:plan"].buckets][-1] == OTHER_BUCKET
    assert presenters.driver_label("signal:csat") == "Signal csat"
    assert presenters.bucket_label("signal:csat", "1:3") == "1 to 3"
    assert presenters.bucket_label("signal:csat", "2.5:2.5") == "2.5"
    assert presenters.bucket_label("signal:plan", "starter") == "starter"


def test_signal_quartiles_are_cut_where_percentile_disc_cuts_and_ties_share_a_bucket(
    team, csm, manager
):
    """Ten latest readings, hand-cut: the quartiles' upper values are the readings at
    positions ceil(n/4), ceil(n/2) and ceil(3n/4) in value order (3rd: 2, 5th: 4, 8th: 5); a
    value equal to a cut stays in that cut's bucket, however many share it."""
    accounts, _ = _portfolio(team, csm, n=10)
    values = [1, 1, 2, 3, 4, 4, 4, 5, 9, 10]
    SignalReading.objects.bulk_create(
        [
            *(
                SignalReading(account=a, name="seats", value=D(v), as_of=TODAY)
                for a, v in zip(accounts, values, strict=True)
            ),
            # Older readings, far off: only the latest reading of each account counts.
            *(
                SignalReading(account=a, name="seats", value=D(500), as_of=date(2025, 1, 1))
                for a in accounts
            ),
        ]
    )
    _churn([accounts[0], accounts[9]])
    seats = queries.signal_buckets(user=manager, filters=Filters())["seats"]
    assert [(b.label, b.total, b.churned) for b in seats] == [
        ("1:2", 3, 1),
        ("3:4", 4, 0),
        ("5:5", 1, 0),
        ("9:10", 2, 1),
    ]


def test_signal_and_kpi_drivers_keep_to_the_readers_teams(team, csm, manager, other_team, outsider):
    accounts, _ = _portfolio(team, csm, n=30)
    theirs = AccountFactory(team=other_team, status="churned", churned_on=date(2025, 1, 1))
    for account in [*accounts, theirs]:
        SignalReading.objects.create(account=account, name="nps", value=D(5), as_of=TODAY)
        OutcomeKpi.objects.create(account=account, name="x", target=D(1), actual=D(1), as_of=TODAY)
    mine = queries.signal_buckets(user=manager, filters=Filters())
    assert [(b.total, b.churned) for b in mine["nps"]] == [(30, 0)]
    assert [(b.total, b.churned) for b in queries.kpi_buckets(user=manager, filters=Filters())] == [
        (30, 0)
    ]
    assert queries.signal_buckets(user=manager, filters=Filters(industry="travel")) == {}


def test_the_drivers_page_shows_kpi_and_signal_attributes(client, team, csm, manager):
    accounts, _ = _portfolio(team, csm, n=100)
    for i, account in enumerate(accounts):
        SignalReading.objects.create(account=account, name="nps", value=D(i % 8), as_of=TODAY)
        OutcomeKpi.objects.create(
            account=account, name="x", target=D(100), actual=D(30 + i), as_of=TODAY
        )
    _churn(accounts[:6])
    client.force_login(manager)
    response = client.get("/analytics/churn-drivers/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "KPI attainment against target" in text
    assert "Signal nps" in text
    assert "0 to 1" in text


def test_the_last_tenure_bucket_reads_as_and_more_in_both_languages():
    from django.utils import translation

    assert presenters.bucket_label("tenure", "2") == "2"
    assert presenters.bucket_label("tenure", "3") == "3 and more"
    with translation.override("fr"):
        assert presenters.bucket_label("tenure", "3") == "3 et plus"
