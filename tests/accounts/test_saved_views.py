"""My accounts, saved views (private or shared with a team), the column chooser and the totals."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, SavedView, TriagePreference
from accounts.queries import get_saved_view_for_user, visible_saved_views
from accounts.services import save_view
from tests.conftest import client_for
from tests.factories import AccountFactory, TeamFactory

pytestmark = pytest.mark.django_db
LIST = reverse("accounts:list")
CREATE = reverse("accounts:view-create")
COLUMNS = reverse("accounts:columns")


def names(response) -> list[str]:
    return sorted(row.name for row in response.context["rows"])


@pytest.fixture
def book(csm, teammate, team, other_team):
    """Two accounts of the CSM, one of their teammate, one of another team."""
    AccountFactory(team=team, owner=csm, name="Mine A", phase="defense", mrr=Decimal(1000))
    AccountFactory(team=team, owner=csm, name="Mine B", mrr=Decimal(500), currency="USD")
    AccountFactory(team=team, owner=teammate, name="Theirs", phase="defense")
    AccountFactory(team=other_team, name="Elsewhere")


def view_of(owner, *, team=None, query="phase=defense&owner=", columns=("mrr",), name="Defense"):
    return save_view(owner=owner, name=name, query=query, columns=columns, shared_with_team=team)


# My accounts


def test_a_csm_opens_on_their_own_book_and_the_team_is_one_click_away(csm_client, book, csm):
    mine = csm_client.get(LIST)
    assert names(mine) == ["Mine A", "Mine B"]
    content = mine.content.decode()
    assert f'href="?owner={csm.pk}" aria-current="page">My accounts' in content
    assert 'href="?owner=">Team</a>' in content
    assert names(csm_client.get(LIST, {"owner": ""})) == ["Mine A", "Mine B", "Theirs"]


def test_the_default_owner_keeps_the_other_filters(csm_client, book):
    assert names(csm_client.get(LIST, {"phase": "defense"})) == ["Mine A"]
    assert names(csm_client.get(LIST, {"phase": "defense", "owner": ""})) == ["Mine A", "Theirs"]


def test_the_filter_form_remembers_the_default_owner(csm_client, book, csm):
    content = csm_client.get(LIST).content.decode()
    # The browser falls back on data-default for a field missing from the URL (back button).
    assert f'<select name="owner" data-default="{csm.pk}"' in content


def test_a_manager_without_a_book_opens_on_everything_they_see(manager, book):
    response = client_for(manager).get(LIST)
    assert names(response) == ["Mine A", "Mine B", "Theirs"]
    assert "My accounts" not in response.content.decode()


def test_a_csm_without_accounts_opens_on_the_team(teammate, team):
    AccountFactory(team=team, name="Someone else's")
    assert names(client_for(teammate).get(LIST)) == ["Someone else's"]


# Totals


def test_count_and_mrr_of_the_view_per_currency(csm_client, book):
    content = csm_client.get(LIST).content.decode()
    assert "2 accounts · MRR <b>€1,000</b> + <b>US$500</b>" in content
    team = csm_client.get(LIST, {"owner": "", "phase": "defense"}).content.decode()
    assert "2 accounts · MRR <b>€3,000</b>" in team  # 1,000 + the factory's 2,000


def test_totals_in_french(csm, book):
    client = client_for(csm)
    content = client.get(LIST, headers={"accept-language": "fr"}).content.decode()
    assert "2 comptes · MRR <b>1\u202f000\xa0€</b> + <b>500\xa0$US</b>" in content


# Query counts: the same at 50 and at 500 rows


def test_list_query_count_is_the_same_at_50_and_500_rows(csm_client, csm, team):
    def count_queries() -> int:
        cache.clear()  # cold: nothing served from the cache
        with CaptureQueriesContext(connection) as queries:
            response = csm_client.get(LIST, {"cols": "mrr,segment,owner"})
        assert response.status_code == 200
        return len(queries)

    Account.objects.bulk_create(AccountFactory.build_batch(50, team=team, owner=csm))
    view_of(csm, team=team)
    at_50 = count_queries()
    Account.objects.bulk_create(AccountFactory.build_batch(450, team=team, owner=csm))
    at_500 = count_queries()
    assert at_50 == at_500 <= 9


# Saved views: who sees them


def test_a_private_view_is_its_owners_only(csm, teammate, manager, outsider, admin_user):
    view = view_of(csm)
    assert list(visible_saved_views(csm)) == [view]
    for other in (teammate, manager, outsider, admin_user):
        assert not visible_saved_views(other).exists()
        assert (
            client_for(other).get(reverse("accounts:view-open", args=[view.pk])).status_code == 404
        )


def test_a_shared_view_reaches_its_team_and_managers_not_other_teams(
    csm, teammate, manager, outsider, team
):
    view = view_of(csm, team=team)
    for reader in (csm, teammate, manager):
        assert get_saved_view_for_user(reader, view.pk) == view
    assert not visible_saved_views(outsider).exists()
    assert (
        client_for(outsider).get(reverse("accounts:view-open", args=[view.pk])).status_code == 404
    )


def test_an_archived_view_is_gone_from_every_menu(csm, teammate, team):
    view = view_of(csm, team=team, name="Old renewals")
    response = client_for(csm).post(reverse("accounts:view-archive", args=[view.pk]))
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.archived_at is not None  # kept, not deleted
    assert not visible_saved_views(teammate).exists()
    assert "Old renewals" not in client_for(csm).get(LIST).content.decode()


def test_the_menu_lists_own_and_shared_views(csm, teammate, team, book):
    view_of(csm, team=team, name="Team defense")
    view_of(csm, name="My secret")
    content = client_for(teammate).get(LIST).content.decode()
    assert "Team defense" in content and "My secret" not in content
    assert "Rename or share" not in content  # not theirs to change


# Saved views: only the owner changes them


def test_only_the_owner_renames_or_archives(csm, teammate, manager, outsider, team):
    view = view_of(csm, team=team)
    for other in (teammate, manager, outsider):
        client = client_for(other)
        edit = reverse("accounts:view-update", args=[view.pk])
        assert client.post(edit, {"name": "Hijacked"}).status_code == 404
        archive = reverse("accounts:view-archive", args=[view.pk])
        assert client.post(archive).status_code == 404
    view.refresh_from_db()
    assert (view.name, view.archived_at, view.shared_with_team) == ("Defense", None, team)


def test_the_owner_renames_and_unshares(csm, team):
    view = view_of(csm, team=team)
    response = client_for(csm).post(
        reverse("accounts:view-update", args=[view.pk]),
        {"name": "Defense accounts", "shared_with_team": ""},
    )
    assert response.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.shared_with_team) == ("Defense accounts", None)


def test_a_view_cannot_be_shared_with_a_team_one_is_not_in(csm, other_team):
    response = client_for(csm).post(
        CREATE, {"name": "Leak", "shared_with_team": other_team.pk, "query": "phase=defense"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not SavedView.objects.exists()


def test_a_view_needs_a_name(csm):
    response = client_for(csm).post(CREATE, {"name": "", "query": "phase=defense"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not SavedView.objects.exists()


# Saving and opening


def test_save_the_filters_on_screen_and_a_teammate_opens_them(csm, teammate, team, book):
    response = client_for(csm).post(
        CREATE,
        {
            "name": "Defense, whole team",
            "shared_with_team": team.pk,
            "query": "phase=defense&owner=&page=3&bogus=1",
            "columns": "owner,mrr,nonsense",
        },
    )
    view = SavedView.objects.get()
    assert response.url == reverse("accounts:view-open", args=[view.pk])
    assert (view.owner, view.shared_with_team) == (csm, team)
    assert view.query == "phase=defense&owner="  # only the filters, validated
    assert view.columns == ["mrr", "owner"]

    opened = client_for(teammate).get(reverse("accounts:view-open", args=[view.pk]))
    assert opened.status_code == 302
    listed = client_for(teammate).get(opened.url)
    assert names(listed) == ["Mine A", "Theirs"]
    header = listed.content.decode().split("<thead>")[1].split("</thead>")[0]
    assert ">MRR<" in header and ">Owner<" in header and ">Phase<" not in header


def test_a_stale_view_opens_without_its_invalid_filters(csm, book):
    view = view_of(csm, query="phase=retired-phase&owner=999999&industry=software&sort=zzz")
    opened = client_for(csm).get(reverse("accounts:view-open", args=[view.pk]))
    assert opened.url == f"{LIST}?industry=software&owner=&cols=mrr"
    assert client_for(csm).get(opened.url).status_code == 200


def test_a_view_without_an_owner_filter_shows_the_team_to_whoever_opens_it(
    csm, teammate, team, book
):
    view = view_of(csm, team=team, query="phase=defense")
    opened = client_for(teammate).get(reverse("accounts:view-open", args=[view.pk]))
    assert names(client_for(teammate).get(opened.url)) == ["Mine A", "Theirs"]


# Columns


def test_the_column_choice_is_remembered_per_user(csm_client, csm, teammate, book):
    response = csm_client.post(
        COLUMNS, {"columns": ["segment", "mrr"], "query": "phase=defense&cols=owner&page=2"}
    )
    assert response.url == f"{LIST}?phase=defense"
    assert TriagePreference.objects.get(user=csm).columns == ["mrr", "segment"]
    content = csm_client.get(LIST).content.decode()
    header = content.split("<thead>")[1].split("</thead>")[0]
    assert ">Segment<" in header and ">Country<" not in header
    assert "<td>Mid-market</td>" in content
    # A teammate keeps the default columns.
    teammate_header = client_for(teammate).get(LIST).content.decode().split("<thead>")[1]
    assert ">Country<" in teammate_header.split("</thead>")[0]


def test_columns_in_the_url_win_and_unknown_ones_are_ignored(csm_client, book):
    content = csm_client.get(LIST, {"cols": "country,<script>,owner"}).content.decode()
    header = content.split("<thead>")[1].split("</thead>")[0]
    assert ">Country<" in header and ">Owner<" in header and ">MRR<" not in header
    assert "<script>" not in content.split("</thead>")[1].split("</table>")[0]


def test_an_unknown_column_is_refused(csm_client, csm):
    response = csm_client.post(COLUMNS, {"columns": ["mrr", "password"]})
    assert response.status_code == 400
    assert not TriagePreference.objects.filter(user=csm).exists()


def test_the_filter_form_keeps_the_columns_of_the_url(csm_client, book):
    content = csm_client.get(LIST, {"cols": "mrr"}).content.decode()
    assert '<input type="hidden" name="cols" value="mrr">' in content


def test_refused_requests_write_nothing_for_anonymous_users(client, csm):
    view = view_of(csm)
    assert client.post(CREATE, {"name": "x"}).status_code == 302
    assert client.post(COLUMNS, {"columns": ["mrr"]}).status_code == 302
    assert client.get(reverse("accounts:view-open", args=[view.pk])).status_code == 302
    assert SavedView.objects.count() == 1 and not TriagePreference.objects.exists()


def test_team_names_are_offered_for_sharing(csm_client, team):
    TeamFactory(name="Team Elsewhere")
    content = csm_client.get(LIST).content.decode()
    assert f'<option value="{team.pk}">Team North</option>' in content
    assert "Team Elsewhere" not in content


def test_the_toolbar_in_french(csm, book):
    content = client_for(csm).get(LIST, headers={"accept-language": "fr"}).content.decode()
    for text in ("Mes comptes", "Vues enregistrées", "Enregistrer ces filtres", "Moi seul"):
        assert text in content
