"""The approval queue at scale: parameters worded with labels and units, filters, sorts, pages,
bulk approve and reject with one reason."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from playbooks.levers import KIND_PARAMS, PARAM_UNITS
from playbooks.models import Proposal
from playbooks.presenters import param_rows, param_value_text
from tests.conftest import client_for
from tests.factories import AccountFactory, UserFactory
from tests.playbooks.conftest import propose

QUEUE = "playbooks:approvals"
BULK = "playbooks:approvals-bulk"


def _names(response):
    return [proposal.account.name for proposal, _ in response.context["rows"]]


# -- parameters with their labels and units ---------------------------------------------------


def test_every_lever_parameter_has_a_unit():
    assert {name for names in KIND_PARAMS.values() for name in names} <= set(PARAM_UNITS)


@pytest.mark.parametrize(
    ("name", "value", "english", "french"),
    [
        ("months", "3", "3 months", "3 mois"),
        ("extra_months", "1", "1 month", "1 mois"),
        ("percent", "10", "10%", "10\u202f%"),
        ("upgrade_mrr", "1500.00", "€1,500/month", "1\u202f500\u00a0€ par mois"),
        ("day_rate", "800", "€800/day", "800\u00a0€ par jour"),
        ("balance", "12000.50", "€12,000.50", "12\u202f000,50\u00a0€"),
        ("days", "2", "2 days", "2 jours"),
        ("instalments", "4", "4", "4"),
        ("months", "oops", "oops", "oops"),
    ],
)
def test_a_parameter_value_reads_with_its_unit(name, value, english, french):
    with translation.override("en"):
        assert param_value_text(name, value, "EUR") == english
    with translation.override("fr"):
        assert param_value_text(name, value, "EUR") == french


@pytest.mark.django_db
def test_queue_shows_parameters_with_labels_and_units_not_raw_keys(team, levers, csm, manager):
    account = AccountFactory(team=team, owner=csm, phase="defense", risk_band="high")
    cut = propose(
        account,
        levers["price_cut_for_commitment"],
        csm,
        params={"percent": "10", "extra_months": "12"},
    )
    with translation.override("en"):
        assert param_rows(cut) == [
            ("Discount percentage", "10%"),
            ("Extra months of commitment", "12 months"),
        ]
    content = client_for(manager).get(reverse(QUEUE)).content.decode()
    assert "extra_months" not in content
    assert "Extra months of commitment: 12 months" in content
    with translation.override("fr"):
        assert param_rows(cut)[1] == ("Mois d’engagement supplémentaires", "12 mois")


# -- bulk decisions ---------------------------------------------------------------------------


@pytest.fixture
def three(at_risk, levers, csm):
    return [propose(at_risk, levers["payment_deferral"], csm) for _ in range(3)]


@pytest.mark.django_db
def test_bulk_approve_with_a_reason_decides_each_and_mails_each_proposer(
    three, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            reverse(BULK),
            {"ids": [p.pk for p in three], "decision": "approve", "comment": "Quarter-end push"},
        )
    assert response.status_code == 302
    rows = Proposal.objects.filter(pk__in=[p.pk for p in three])
    assert {(p.state, p.decided_by) for p in rows} == {("approved", manager)}
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_bulk_decision_requires_a_reason_even_to_approve(three, manager):
    response = client_for(manager).post(
        reverse(BULK), {"ids": [p.pk for p in three], "decision": "approve", "comment": " "}
    )
    assert response.status_code == 400
    assert "A reason is required" in response.content.decode()
    assert set(Proposal.objects.values_list("state", flat=True)) == {"submitted"}


@pytest.mark.django_db
def test_bulk_reject_is_all_or_nothing_when_one_was_decided_meanwhile(
    three, manager, second_manager, django_capture_on_commit_callbacks
):
    from playbooks.services import approve_proposal

    approve_proposal(proposal=three[1], approver=second_manager, comment="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            reverse(BULK),
            {"ids": [p.pk for p in three], "decision": "reject", "comment": "Too costly"},
        )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was decided" in content and "Already approved by" in content
    states = dict(Proposal.objects.values_list("pk", "state"))
    assert states == {three[0].pk: "submitted", three[1].pk: "approved", three[2].pk: "submitted"}
    assert mail.outbox == []


@pytest.mark.django_db
def test_bulk_keeps_the_approval_limits(holiday, at_risk, levers, csm, manager):
    too_big = propose(at_risk, levers["payment_holiday"], csm, params={"months": "6"})
    response = client_for(manager).post(
        reverse(BULK), {"ids": [holiday.pk, too_big.pk], "decision": "approve", "comment": "ok"}
    )
    assert response.status_code == 400
    assert "an admin decides" in response.content.decode()
    assert set(Proposal.objects.values_list("state", flat=True)) == {"submitted"}


@pytest.mark.django_db
def test_bulk_refuses_another_teams_proposal(holiday, levers, other_team, manager):
    stranger = UserFactory(role="csm", team=other_team)
    theirs = propose(
        AccountFactory(team=other_team, owner=stranger, phase="defense", risk_band="high"),
        levers["payment_deferral"],
        stranger,
    )
    response = client_for(manager).post(
        reverse(BULK), {"ids": [holiday.pk, theirs.pk], "decision": "approve", "comment": "ok"}
    )
    assert response.status_code == 400
    assert set(Proposal.objects.values_list("state", flat=True)) == {"submitted"}


@pytest.mark.django_db
def test_csm_cannot_bulk_decide(holiday, teammate):
    response = client_for(teammate).post(
        reverse(BULK), {"ids": [holiday.pk], "decision": "approve", "comment": "ok"}
    )
    assert response.status_code == 403
    assert Proposal.objects.get().state == "submitted"


# -- filters, sorts, pages --------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_filters_by_team_csm_and_band_and_sorts(
    levers, team, other_team, csm, teammate, manager
):
    manager.managed_teams.add(other_team)
    south = UserFactory(role="csm", team=other_team)
    specs = [
        ("Old small", team, csm, "high", "1000"),
        ("Critical", team, teammate, "critical", "3000"),
        ("South big", other_team, south, "high", "2500"),
    ]
    for name, owner_team, owner, band, mrr in specs:
        account = AccountFactory(
            name=name,
            team=owner_team,
            owner=owner,
            phase="defense",
            risk_band=band,
            risk_score=70,
            mrr=Decimal(mrr),
        )
        propose(account, levers["payment_deferral"], owner)
    client = client_for(manager)
    assert _names(client.get(reverse(QUEUE))) == ["Old small", "Critical", "South big"]
    assert _names(client.get(reverse(QUEUE), {"sort": "mrr"})) == [
        "Critical",
        "South big",
        "Old small",
    ]
    assert _names(client.get(reverse(QUEUE), {"sort": "band"}))[0] == "Critical"
    assert _names(client.get(reverse(QUEUE), {"team": other_team.pk})) == ["South big"]
    assert _names(client.get(reverse(QUEUE), {"owner": teammate.pk})) == ["Critical"]
    assert _names(client.get(reverse(QUEUE), {"band": "critical"})) == ["Critical"]
    bad = client.get(reverse(QUEUE), {"team": "x", "band": "nope", "sort": "zz", "page": "9"})
    assert bad.status_code == 200
    assert len(_names(bad)) == 3


def _add_submitted(count, team, owner, lever):
    accounts = [
        AccountFactory.build(team=team, owner=owner, phase="defense", risk_band="high")
        for _ in range(count)
    ]
    from accounts.models import Account

    accounts = Account.objects.bulk_create(accounts)
    Proposal.objects.bulk_create(
        [
            Proposal(
                account=account,
                lever=lever,
                kind=lever.kind,
                params={"months": "2"},
                cash_impact=Decimal("-4000.00"),
                mrr_impact=Decimal("0"),
                currency="EUR",
                months=2,
                is_cash_deferred=True,
                justification="Cash crunch.",
                strategy="secure_mrr",
                state="submitted",
                required_approver="manager",
                proposed_by=owner,
                proposed_at=timezone.now(),
            )
            for account in accounts
        ]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"sort": "band", "page": "2"}])
def test_queue_query_count_is_the_same_at_50_and_500_rows(levers, team, csm, manager, query):
    client = client_for(manager)
    client.get(reverse(QUEUE))  # the first request caches the session's user
    _add_submitted(100 if query else 50, team, csm, levers["payment_deferral"])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(QUEUE), query)
        assert len(response.context["rows"]) == 50
        return len(queries)

    at_50 = count_queries()
    _add_submitted(450, team, csm, levers["payment_deferral"])
    assert count_queries() == at_50
