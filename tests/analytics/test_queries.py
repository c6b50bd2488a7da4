import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account
from analytics import queries
from analytics.formulas import add_months
from analytics.queries import Filters
from playbooks.services import apply_proposal, approve_proposal, end_proposal
from risk.queries import published_model
from tests.analytics.conftest import opened
from tests.playbooks.conftest import propose

pytestmark = pytest.mark.django_db
D = Decimal
MAR = date(2025, 3, 1)


def series(user, last_month=MAR, months=3, **filters):
    return queries.revenue_series(
        user=user, filters=Filters(**filters), last_month=last_month, months=months
    )


def test_the_database_gives_the_hand_computed_figures(small_ledger, manager):
    jan, feb, mar = series(manager)
    assert [m.end_mrr for m in (jan, feb, mar)] == [D(1800), D(1900), D(2000)]
    assert (feb.nrr, feb.grr) == (D("1.0556"), D("0.8333"))
    assert feb.nrr > 1 > feb.grr  # expansion hides churn
    assert feb.logo_churn_rate == D("0.3333")
    assert (mar.movements.reactivation, mar.movements.contraction) == (D(200), D(100))
    assert mar.nrr == mar.grr == D("0.9474")
    assert mar.end_logos == 3


def test_the_series_is_one_query_whatever_the_portfolio(
    small_ledger, admin_user, team, csm, django_assert_num_queries
):
    with django_assert_num_queries(1):
        series(admin_user)
    for i in range(5):
        opened(team=team, owner=csm, name=f"More {i}", mrr=D(100 + i))
    with django_assert_num_queries(1):
        series(admin_user)


def test_a_lever_moves_mrr_while_it_runs_then_gives_it_back(small_ledger, levers, csm, manager):
    a = small_ledger["a"]
    proposal = propose(
        a,
        levers["temporary_downsell"],
        csm,
        params={"percent": "20", "months": "2"},
        today=date(2025, 4, 1),
    )
    if proposal.state == "submitted":
        proposal = approve_proposal(proposal=proposal, approver=manager)
    apply_proposal(proposal=proposal, user=csm, today=date(2025, 4, 1))
    a.refresh_from_db()
    assert a.mrr == D(1120)
    end_proposal(proposal=proposal, user=csm, today=date(2025, 6, 1))
    a.refresh_from_db()
    assert a.mrr == D(1400)
    apr, may, jun = series(manager, last_month=date(2025, 6, 1))
    assert apr.movements.contraction == D(280) and apr.end_mrr == D(1720)
    assert may.end_mrr == D(1720)
    assert jun.movements.expansion == D(280) and jun.end_mrr == D(2000)
    sources = set(a.mrr_movements.filter(source="lever").values_list("source_id", flat=True))
    assert sources == {str(proposal.pk)}


def test_a_longer_commitment_lever_moves_the_renewal_date(levers, csm, manager, team):
    account = opened(
        team=team,
        owner=csm,
        name="Committed",
        mrr=D(1000),
        phase="maturation",
        risk_band="high",
        risk_score=60,
    )
    Account.objects.filter(pk=account.pk).update(risk_band="high", risk_score=60)
    account.refresh_from_db()
    before = account.renewal_date
    proposal = propose(
        account,
        levers["price_cut_for_commitment"],
        csm,
        params={"percent": "10", "extra_months": "12"},
        today=date(2025, 4, 1),
    )
    if proposal.state == "submitted":
        proposal = approve_proposal(proposal=proposal, approver=manager)
    apply_proposal(proposal=proposal, user=csm, today=date(2025, 4, 1))
    account.refresh_from_db()
    assert account.mrr == D(900)
    assert account.renewal_date == add_months(before.replace(day=1), 12).replace(day=before.day)


def test_filters_and_teams_scope_the_figures(small_ledger, outsider, other_team, manager):
    opened(team=other_team, owner=outsider, name="Elsewhere", mrr=D(9999))
    assert series(manager)[-1].end_mrr == D(2000)
    assert series(outsider)[-1].end_mrr == D(9999)
    assert series(manager, segment="enterprise")[-1].end_mrr == D(0)


def test_cohorts_follow_their_start_month(small_ledger, manager):
    rows = queries.cohort_table(user=manager, filters=Filters(), last_month=MAR, cohorts=3)
    assert [(r.cohort, r.accounts, r.base_mrr) for r in rows] == [(date(2025, 1, 1), 3, D(1800))]
    assert rows[0].retention == [D(1), D("1.0556"), D("1.1111")]


def test_mrr_at_risk_and_forecast_count_active_accounts_by_band(small_ledger, manager):
    today = date(2025, 3, 20)
    a = small_ledger["a"]
    a.renewal_date = date(2025, 3, 28)
    a.save(update_fields=["renewal_date"])
    assert queries.mrr_at_risk(user=manager, filters=Filters()) == D(1400)
    this_quarter, _next = queries.forecast(user=manager, filters=Filters(), today=today)
    assert (this_quarter.at_risk, this_quarter.at_risk_accounts) == (D(1400), 1)
    listed = queries.forecast_accounts(
        user=manager,
        filters=Filters(),
        start=this_quarter.start,
        end=this_quarter.end,
        bucket="at_risk",
    )
    assert [x.name for x in listed] == ["A"]


def test_churn_drivers_find_a_planted_discount_driver(team, csm, manager):
    """A generated portfolio where churn depends on the discount at signing only."""
    import random

    from accounts.models import Account
    from tests.factories import AccountFactory

    rng = random.Random(7)
    today = date(2026, 1, 1)
    rows = []
    for i in range(600):
        discount = rng.choice((0, 0, 0, 10, 20, 30, 40))
        churned = rng.random() < 0.05 + discount / 60
        start = date(2022, 1, 1) + timedelta(days=rng.randint(0, 1000))
        left = start + timedelta(days=rng.randint(30, (today - start).days))
        rows.append(
            AccountFactory.build(
                team=team,
                owner=csm,
                external_id=f"P-{i}",
                signing_discount_pct=discount,
                industry=rng.choice(("travel", "software", "retail", "logistics")),
                country=rng.choice(("FR", "DE", "ES")),
                status="churned" if churned else "active",
                contract_start=start,
                renewal_date=start + timedelta(days=365),
                churned_on=left if churned else None,
                churn_reason="budget" if churned else "",
            )
        )
    Account.objects.bulk_create(rows)
    drivers = queries.churn_drivers(user=manager, filters=Filters(), today=today)
    top = drivers[0]
    assert top.attribute == "discount"
    worst = max(top.buckets, key=lambda b: b.churn_rate)
    assert worst.label == "30 % +" and worst.lift > 2
    low, high = worst.interval
    assert low < worst.churn_rate < high
    assert top.separation > 2 * drivers[1].separation


def _history(account, run, *, when, band, previous, contributions):
    from risk.models import Score

    return Score.objects.create(
        account=account,
        risk_model=run.risk_model if run else published_model(),
        score=50,
        band=band,
        previous_band=previous,
        contributions_json=json.dumps(contributions),
        computed_at=when,
        run=run,
    )


def test_what_moved_overnight_names_the_factor_that_moved_in_bounded_queries(
    team, csm, manager, django_assert_num_queries
):
    from risk.models import RescoreRun, RunStatus, RunTrigger

    now = timezone.now()
    run = RescoreRun.objects.create(
        trigger=RunTrigger.NIGHTLY,
        risk_model=published_model(),
        as_of=now.date(),
        started_at=now,
        finished_at=now,
        status=RunStatus.SUCCEEDED,
    )
    yesterday = now - timedelta(days=1)
    moved = []
    for i in range(12):
        account = opened(team=team, owner=csm, name=f"Moved {i}", mrr=D(1000 + i))
        # Industry weighs most in both scores; the stakeholders factor is what changed.
        _history(
            account,
            None,
            when=yesterday,
            band="low",
            previous="",
            contributions=[["industry", 20, "industry.risky", {}], ["stakeholder", 2, "x", {}]],
        )
        _history(
            account,
            run,
            when=now,
            band="high",
            previous="low",
            contributions=[["industry", 20, "industry.risky", {}], ["stakeholder", 15, "x", {}]],
        )
        moved.append(account)
    steady = opened(team=team, owner=csm, name="Steady", mrr=D(9999))
    _history(steady, run, when=now, band="low", previous="low", contributions=[])
    with django_assert_num_queries(4):  # the reader's teams, the run, 10 moves, their count
        overnight = queries.overnight_moves(user=manager, filters=Filters())
    assert overnight.total == 12 and len(overnight.moves) == 10
    assert overnight.moves[0].account_name == "Moved 11"
    assert {m.factor for m in overnight.moves} == {"stakeholder"}
    assert overnight.moves[0].factor_label == "Stakeholders"
    assert overnight.moves[0].is_worse


def test_the_moving_factor_counts_a_factor_that_left_the_score():
    new = json.dumps([["industry", 10, "a", {}]])
    old = json.dumps([["industry", 9, "a", {}], ["usage_trend", 12, "b", {}]])
    assert queries.moving_factor(new, old) == ("usage_trend", None)
    factor, reason = queries.moving_factor(new, None)
    assert factor == "industry" and reason is not None and reason.points == 10
    assert queries.moving_factor("not json", None) == ("", None)
