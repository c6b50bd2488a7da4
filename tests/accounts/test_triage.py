from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.queries import TriageFilters, quarter_bounds, triage_accounts
from risk.models import BandOverride
from risk.services.scores import rescore_account
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
LIST = reverse("accounts:list")


def names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


@pytest.fixture
def portfolio(csm, team):
    today = timezone.localdate()
    accounts = {
        "big-soon": AccountFactory(
            team=team,
            owner=csm,
            name="Big Soon",
            mrr=Decimal(9000),
            renewal_date=today + timedelta(days=10),
            phase="defense",
            industry="travel",
            country="ES",
        ),
        "big-late": AccountFactory(
            team=team,
            owner=csm,
            name="Big Late",
            mrr=Decimal(9000),
            renewal_date=today + timedelta(days=300),
        ),
        "small-soon": AccountFactory(
            team=team,
            owner=csm,
            name="Small Soon",
            mrr=Decimal(300),
            renewal_date=today + timedelta(days=10),
            phase="growth",
            industry="logistics",
        ),
        "churned": AccountFactory(
            team=team,
            owner=csm,
            name="Gone Ltd",
            status="churned",
            churned_on=today - timedelta(days=40),
            churn_reason="budget",
        ),
    }
    for account in accounts.values():
        rescore_account(account=account)
    return accounts


def test_default_order_puts_big_accounts_renewing_soon_first(csm_client, portfolio):
    assert names(csm_client.get(LIST)) == ["Big Soon", "Big Late", "Small Soon"]


def test_churned_accounts_are_not_in_the_morning_list(csm_client, portfolio):
    assert "Gone Ltd" not in names(csm_client.get(LIST))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"phase": "defense"}, ["Big Soon"]),
        ({"industry": "logistics"}, ["Small Soon"]),
        ({"country": "ES"}, ["Big Soon"]),
        ({"renewal": "30"}, ["Big Soon", "Small Soon"]),
        ({"q": "small"}, ["Small Soon"]),
        ({"sort": "name"}, ["Big Late", "Big Soon", "Small Soon"]),
        ({"sort": "renewal", "phase": "growth"}, ["Small Soon"]),
        ({"sort": "mrr", "renewal": "30"}, ["Big Soon", "Small Soon"]),
        ({"expected_churn": "yes"}, []),
    ],
)
def test_filters_and_sorts(csm_client, portfolio, query, expected):
    assert names(csm_client.get(LIST, query)) == expected


def test_owner_filter(csm_client, portfolio, csm):
    assert len(names(csm_client.get(LIST, {"owner": csm.pk}))) == 3


def test_invalid_filter_value_is_reported_and_ignored(csm_client, portfolio):
    response = csm_client.get(LIST, {"phase": "bogus", "industry": "logistics"})
    assert response.status_code == 200
    assert names(response) == ["Small Soon"]
    assert "Select a valid choice" in response.content.decode()


def test_garbage_page_number_shows_a_page_not_an_error(csm_client, portfolio):
    assert csm_client.get(LIST, {"page": "abc"}).status_code == 200
    assert csm_client.get(LIST, {"page": "999"}).status_code == 200


def test_empty_state_says_nothing_matches(csm_client, portfolio):
    content = csm_client.get(LIST, {"q": "no such account"}).content.decode()
    assert "No account matches these filters." in content


def test_pagination_shows_fifty_rows_a_page(csm_client, csm, team):
    AccountFactory.create_batch(55, team=team, owner=csm)
    first = csm_client.get(LIST)
    assert len(first.context["rows"]) == 50
    assert len(csm_client.get(LIST, {"page": 2}).context["rows"]) == 5


def test_htmx_request_gets_only_the_table_partial(csm_client, portfolio):
    response = csm_client.get(LIST, {"phase": "defense"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="account-table"')
    assert "<html" not in content
    assert "Big Soon" in content


def test_partial_and_page_vary_on_the_htmx_header(csm_client, portfolio):
    response = csm_client.get(LIST, headers={"HX-Request": "true"})
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(csm_client, portfolio):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in csm_client.get(LIST, headers=headers).content.decode()


def test_full_page_has_the_filters_and_the_table(csm_client, portfolio):
    content = csm_client.get(LIST).content.decode()
    assert "<html" in content
    assert 'id="account-table"' in content
    assert 'hx-push-url="true"' in content


def test_list_query_count_does_not_grow_with_rows(csm_client, csm, team):
    from django.core.cache import cache

    AccountFactory.create_batch(3, team=team, owner=csm)
    cache.clear()  # measure cold requests: nothing served from the cache
    with CaptureQueriesContext(connection) as few:
        csm_client.get(LIST, {"sort": "mrr"})
    AccountFactory.create_batch(40, team=team, owner=csm)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        csm_client.get(LIST, {"sort": "mrr"})
    # Cold: the reader's facts (own book, columns, teams to share with, saved views) cost four
    # small queries; with the fragment cache on they are read once per portfolio change.
    assert len(many) == len(few) <= 9


def test_quarter_bounds():
    from datetime import date

    assert quarter_bounds(date(2026, 11, 23)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_bounds(date(2026, 2, 1)) == (date(2026, 1, 1), date(2026, 3, 31))


def test_renewal_this_quarter_filter(csm, team):
    today = timezone.localdate()
    _, end = quarter_bounds(today)
    inside = AccountFactory(team=team, owner=csm, renewal_date=end)
    AccountFactory(team=team, owner=csm, renewal_date=end + timedelta(days=1))
    accounts = triage_accounts(
        user=csm, filters=TriageFilters(renewal_this_quarter=True), today=today
    )
    assert list(accounts) == [inside]


def test_only_a_band_override_that_counts_today_shows_beside_the_band(csm_client, csm, team):
    today = timezone.localdate()
    overridden = AccountFactory(team=team, owner=csm, name="Overridden", risk_band="medium")
    lapsed = AccountFactory(team=team, owner=csm, name="Lapsed", risk_band="medium")
    lifted = AccountFactory(team=team, owner=csm, name="Lifted", risk_band="medium")
    for account, band, expires, lifted_at in (
        (overridden, "high", today, None),  # counts through its last day
        (lapsed, "critical", today - timedelta(days=1), None),
        (lifted, "critical", today + timedelta(days=5), timezone.now()),
    ):
        BandOverride.objects.create(
            account=account, band=band, reason="Judgement", expires_on=expires, lifted_at=lifted_at
        )
    rows = {
        row.split("</a>")[0].rsplit(">", 1)[-1]: row
        for row in csm_client.get(LIST).content.decode().split("<tr>")[1:]
    }
    assert '<span class="badge band-high override">CSM says High</span>' in rows["Overridden"]
    assert "CSM says" not in rows["Lapsed"]
    assert "CSM says" not in rows["Lifted"]


def test_rows_come_from_an_autoescaping_template(csm_client, csm, team):
    AccountFactory(team=team, owner=csm, name='<script>alert("x")</script> & Co')
    content = csm_client.get(LIST).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in content
