"""The expected-churn queue at scale: lifted flags held back, filters, sorts, pages, bulk
decisions with one reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from risk.models import ExpectedChurn, ExpectedChurnStatus
from risk.services import expected_churn as churn
from risk.signals import expected_churn_decided
from tests.conftest import client_for
from tests.factories import AccountFactory, UserFactory

QUEUE = "runs:expected-churn-queue"
BULK = "runs:expected-churn-bulk"


def _risky(team, owner, **fields):
    defaults = {"phase": "defense", "risk_band": "high", "risk_score": 60}
    return AccountFactory(team=team, owner=owner, **{**defaults, **fields})


def _proposals(count, team, owner, **fields):
    accounts = [_risky(team, owner, **fields) for _ in range(count)]
    churn.raise_proposals(today=timezone.localdate())
    return list(ExpectedChurn.objects.filter(account__in=accounts).order_by("pk"))


# -- a lifted flag is held back like a dismissal ----------------------------------------------


@pytest.fixture
def lifted(csm, team, manager):
    account = _risky(team, csm)
    today = timezone.localdate()
    churn.raise_proposals(today=today)
    proposal = churn.confirm(proposal=ExpectedChurn.objects.get(), manager=manager, reason="lost")
    churn.lift(proposal=proposal, manager=manager, reason="New sponsor signed", today=today)
    return account


@pytest.mark.django_db
def test_a_lifted_flag_is_not_proposed_again_within_30_days(lifted):
    today = timezone.localdate()
    assert churn.raise_proposals(today=today) == 0
    assert churn.raise_proposals(today=today + timedelta(days=30)) == 0
    assert ExpectedChurn.objects.filter(status=ExpectedChurnStatus.PROPOSED).count() == 0


@pytest.mark.django_db
def test_a_lifted_flag_is_proposed_again_when_the_band_worsens(lifted):
    Account.objects.filter(pk=lifted.pk).update(risk_band="critical")
    assert churn.raise_proposals(today=timezone.localdate() + timedelta(days=3)) == 1


@pytest.mark.django_db
def test_a_lifted_flag_is_proposed_again_after_30_days(lifted):
    assert churn.raise_proposals(today=timezone.localdate() + timedelta(days=31)) == 1


# -- bulk decisions ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_confirm_decides_every_selected_row_and_announces_each(
    csm, team, manager, django_capture_on_commit_callbacks
):
    rows = _proposals(3, team, csm)
    heard = []

    def listen(sender, expected_churn_id, decision, **kwargs):
        heard.append((expected_churn_id, decision))

    expected_churn_decided.connect(listen, dispatch_uid="test-bulk")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(manager).post(
                reverse(BULK),
                {"ids": [r.pk for r in rows], "decision": "confirm", "reason": "Budget cut"},
            )
    finally:
        expected_churn_decided.disconnect(dispatch_uid="test-bulk")
    assert response.status_code == 302
    decided = ExpectedChurn.objects.filter(pk__in=[r.pk for r in rows])
    assert {(r.status, r.decision_reason, r.decided_by) for r in decided} == {
        (ExpectedChurnStatus.CONFIRMED, "Budget cut", manager)
    }
    assert Account.objects.filter(is_expected_churn=True).count() == 3
    assert sorted(heard) == [(r.pk, "confirmed") for r in rows]


@pytest.mark.django_db
def test_bulk_decision_without_a_reason_writes_nothing(csm, team, manager):
    rows = _proposals(2, team, csm)
    response = client_for(manager).post(
        reverse(BULK), {"ids": [r.pk for r in rows], "decision": "dismiss", "reason": "  "}
    )
    assert response.status_code == 400
    assert "A reason is required" in response.content.decode()
    assert set(ExpectedChurn.objects.values_list("status", flat=True)) == {"proposed"}


@pytest.mark.django_db
def test_bulk_decision_without_a_selection_says_so(manager):
    response = client_for(manager).post(reverse(BULK), {"decision": "confirm", "reason": "x"})
    assert response.status_code == 400
    assert "Select at least one account" in response.content.decode()


@pytest.mark.django_db
def test_bulk_is_all_or_nothing_when_one_row_was_decided_meanwhile(csm, team, manager, admin_user):
    rows = _proposals(3, team, csm)
    churn.dismiss(proposal=rows[1], manager=admin_user, reason="mine", today=timezone.localdate())
    response = client_for(manager).post(
        reverse(BULK), {"ids": [r.pk for r in rows], "decision": "confirm", "reason": "lost"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was decided" in content
    assert rows[1].account.name in content
    statuses = dict(ExpectedChurn.objects.values_list("pk", "status"))
    assert statuses == {rows[0].pk: "proposed", rows[1].pk: "dismissed", rows[2].pk: "proposed"}
    assert not Account.objects.filter(is_expected_churn=True).exists()


@pytest.mark.django_db
def test_bulk_refuses_rows_of_another_team(csm, team, other_team, manager):
    mine = _proposals(1, team, csm)
    stranger = UserFactory(role="csm", team=other_team)
    theirs = _proposals(1, other_team, stranger)
    response = client_for(manager).post(
        reverse(BULK),
        {"ids": [mine[0].pk, theirs[0].pk], "decision": "confirm", "reason": "lost"},
    )
    assert response.status_code == 400
    assert set(ExpectedChurn.objects.values_list("status", flat=True)) == {"proposed"}


@pytest.mark.django_db
def test_csm_cannot_bulk_decide(csm, team):
    rows = _proposals(1, team, csm)
    response = client_for(csm).post(
        reverse(BULK), {"ids": [rows[0].pk], "decision": "confirm", "reason": "x"}
    )
    assert response.status_code == 403
    assert ExpectedChurn.objects.get().status == "proposed"


@pytest.mark.django_db
def test_bulk_lift_holds_the_accounts_back(csm, team, manager):
    rows = _proposals(2, team, csm)
    churn.decide_many(
        proposals=rows,
        manager=manager,
        decision="confirm",
        reason="lost",
        today=timezone.localdate(),
    )
    response = client_for(manager).post(
        reverse(BULK) + "?status=confirmed",
        {"ids": [r.pk for r in rows], "decision": "lift", "reason": "Renewed after all"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?status=confirmed")
    assert set(ExpectedChurn.objects.values_list("status", flat=True)) == {"lifted"}
    assert churn.raise_proposals(today=timezone.localdate()) == 0


# -- filters, sorts, pages --------------------------------------------------------------------


def _names(response):
    return [p.account.name for p in response.context["page"].object_list]


@pytest.mark.django_db
def test_queue_filters_by_team_csm_and_band(csm, teammate, team, other_team, manager):
    manager.managed_teams.add(other_team)
    stranger = UserFactory(role="csm", team=other_team)
    _risky(team, csm, name="Mine high")
    _risky(team, teammate, name="Teammate critical", risk_band="critical")
    _risky(other_team, stranger, name="South high")
    churn.raise_proposals(today=timezone.localdate())
    client = client_for(manager)
    assert sorted(_names(client.get(reverse(QUEUE)))) == [
        "Mine high",
        "South high",
        "Teammate critical",
    ]
    assert _names(client.get(reverse(QUEUE), {"team": other_team.pk})) == ["South high"]
    assert _names(client.get(reverse(QUEUE), {"owner": teammate.pk})) == ["Teammate critical"]
    assert _names(client.get(reverse(QUEUE), {"band": "critical"})) == ["Teammate critical"]


@pytest.mark.django_db
def test_queue_sorts_by_mrr_band_age_and_name(csm, team, manager):
    now = timezone.now()
    specs = [
        ("Bravo", "high", "5000", 2),
        ("Alpha", "critical", "1000", 1),
        ("Charlie", "high", "9000", 3),
    ]
    for name, band, mrr, days_ago in specs:
        account = _risky(team, csm, name=name, risk_band=band, mrr=Decimal(mrr))
        ExpectedChurn.objects.create(
            account=account,
            status="proposed",
            rule_reason="phase_band",
            rule_reason_params={"phase": "defense", "band": band},
            band_at_raise=band,
            raised_at=now - timedelta(days=days_ago),
        )
    client = client_for(manager)
    assert _names(client.get(reverse(QUEUE))) == ["Charlie", "Bravo", "Alpha"]
    assert _names(client.get(reverse(QUEUE), {"sort": "band"})) == ["Alpha", "Charlie", "Bravo"]
    assert _names(client.get(reverse(QUEUE), {"sort": "age"})) == ["Charlie", "Bravo", "Alpha"]
    assert _names(client.get(reverse(QUEUE), {"sort": "name"})) == ["Alpha", "Bravo", "Charlie"]


@pytest.mark.django_db
def test_queue_shows_confirmed_flags_with_a_status_filter(csm, team, manager):
    rows = _proposals(2, team, csm)
    churn.confirm(proposal=rows[0], manager=manager, reason="lost")
    response = client_for(manager).get(reverse(QUEUE), {"status": "confirmed"})
    assert _names(response) == [rows[0].account.name]
    assert "Lift selected" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"team": "abc"},
        {"owner": "999999"},
        {"band": "purple"},
        {"sort": "'; drop"},
        {"status": "gone"},
        {"page": "-4"},
        {"page": "x"},
    ],
)
def test_bad_filters_are_ignored_never_a_500(csm, team, manager, query):
    _proposals(1, team, csm)
    response = client_for(manager).get(reverse(QUEUE), query)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def _add_proposals(count, team, owner):
    accounts = Account.objects.bulk_create(
        [
            AccountFactory.build(
                team=team, owner=owner, phase="defense", risk_band="high", risk_score=60
            )
            for _ in range(count)
        ]
    )
    ExpectedChurn.objects.bulk_create(
        [
            ExpectedChurn(
                account=account,
                status="proposed",
                rule_reason="phase_band",
                rule_reason_params={"phase": "defense", "band": "high"},
                band_at_raise="high",
                raised_at=timezone.now(),
            )
            for account in accounts
        ]
    )


def _count_queries(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(QUEUE), query)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"sort": "band"}, {"sort": "age", "page": "2"}])
def test_queue_query_count_is_the_same_at_50_and_500_rows(csm, team, manager, query):
    client = client_for(manager)
    client.get(reverse(QUEUE))  # the first request caches the session's user
    _add_proposals(100 if query.get("page") else 50, team, csm)
    at_50 = _count_queries(client, query)
    _add_proposals(450, team, csm)
    at_500 = _count_queries(client, query)
    assert at_50 == at_500
    assert at_500 <= 10


@pytest.mark.django_db
def test_the_queue_and_its_refusals_read_in_french(csm, team, manager):
    rows = _proposals(1, team, csm)
    client = client_for(manager)
    french = {"Accept-Language": "fr"}
    content = client.get(reverse(QUEUE), headers=french).content.decode()
    for expected in ("Décider des comptes sélectionnés", "Confirmer la sélection", "Trier par"):
        assert expected in content
    refused = client.post(
        reverse(BULK), {"ids": [rows[0].pk], "decision": "confirm", "reason": ""}, headers=french
    )
    assert "Un motif est obligatoire" in refused.content.decode()
