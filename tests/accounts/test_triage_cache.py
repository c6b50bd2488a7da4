"""The triage table is cached under the portfolio version; every write retires it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import update_account
from risk.models import ExpectedChurn
from risk.services import expected_churn as churn
from risk.services.overrides import lift_override, override_band
from risk.services.scores import rescore_account

pytestmark = pytest.mark.django_db
LIST = reverse("accounts:list")


@pytest.fixture(autouse=True)
def _fragment_cache(settings):
    settings.TRIAGE_FRAGMENT_CACHE = True


def test_a_repeated_request_is_served_from_the_cache(csm_client, account):
    csm_client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        assert "Nordwind Voyages" in csm_client.get(LIST).content.decode()
    assert not any("accounts_account" in q["sql"] for q in queries.captured_queries)


def test_editing_an_account_shows_at_once(
    csm_client, account, csm, django_capture_on_commit_callbacks
):
    csm_client.get(LIST)
    with django_capture_on_commit_callbacks(execute=True):
        update_account(account=account, changes={"name": "Renamed Voyages"}, user=csm)
    content = csm_client.get(LIST).content.decode()
    assert "Renamed Voyages" in content and "Nordwind Voyages" not in content


def test_a_new_score_shows_at_once(csm_client, account, django_capture_on_commit_callbacks):
    assert "–" in csm_client.get(LIST).content.decode()  # not scored yet
    with django_capture_on_commit_callbacks(execute=True):
        rescore_account(account=account)
    account.refresh_from_db()
    assert f"<b>{account.risk_score}</b>" in csm_client.get(LIST).content.decode()


def test_confirming_expected_churn_shows_the_flag_at_once(
    csm_client, account, manager, django_capture_on_commit_callbacks
):
    account.phase, account.risk_band = "defense", "high"
    account.save()
    churn.raise_proposals(today=timezone.localdate())
    assert "tag expected" not in csm_client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        churn.confirm(proposal=ExpectedChurn.objects.get(), manager=manager, reason="Lost budget")
    assert "tag expected" in csm_client.get(LIST).content.decode()


def test_other_teams_never_share_a_cached_table(csm_client, account, outsider):
    from tests.conftest import client_for

    csm_client.get(LIST)
    assert "Nordwind Voyages" not in client_for(outsider).get(LIST).content.decode()


def test_a_band_override_and_its_lifting_show_at_once(
    csm_client, account, csm, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    assert "CSM says" not in csm_client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        override = override_band(
            account=account,
            band="critical",
            reason="Their champion resigned this morning.",
            expires_on=today + timedelta(days=30),
            user=csm,
            today=today,
        )
    assert "CSM says Critical" in csm_client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        lift_override(override=override)
    assert "CSM says" not in csm_client.get(LIST).content.decode()


def test_my_accounts_by_default_or_by_link_is_one_cached_table(csm_client, account, csm):
    csm_client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        assert "Nordwind Voyages" in csm_client.get(LIST, {"owner": csm.pk}).content.decode()
    assert not any("accounts_account" in q["sql"] for q in queries.captured_queries)


def test_the_columns_are_part_of_the_cached_table(
    csm_client, account, django_capture_on_commit_callbacks
):
    assert "<td>Mid-market</td>" not in csm_client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        csm_client.post(reverse("accounts:columns"), {"columns": ["segment"]})
    content = csm_client.get(LIST).content.decode()
    assert "<td>Mid-market</td>" in content and "<td>Travel</td>" not in content
    assert "<td>Travel</td>" in csm_client.get(LIST, {"cols": "industry"}).content.decode()


def test_a_view_shared_with_the_team_shows_at_once_in_a_teammates_menu(
    csm, teammate, team, account, django_capture_on_commit_callbacks
):
    from tests.conftest import client_for

    teammate_client = client_for(teammate)
    assert "Renewals at risk" not in teammate_client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(csm).post(
            reverse("accounts:view-create"),
            {"name": "Renewals at risk", "shared_with_team": team.pk, "query": "renewal=90"},
        )
    assert "Renewals at risk" in teammate_client.get(LIST).content.decode()


def test_a_warm_reader_costs_no_query(csm_client, account):
    csm_client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        csm_client.get(LIST)
    tables = ("accounts_", "teams_team")
    assert not [q for q in queries.captured_queries if any(t in q["sql"] for t in tables)]


def test_a_new_owner_opens_on_their_book_once_the_portfolio_changed(
    teammate, team, account, django_capture_on_commit_callbacks
):
    from tests.conftest import client_for

    client = client_for(teammate)
    assert "My accounts" not in client.get(LIST).content.decode()  # no book yet: the team
    with django_capture_on_commit_callbacks(execute=True):
        update_account(account=account, changes={"owner": teammate}, user=teammate)
    assert "My accounts</a>" in client.get(LIST).content.decode()
