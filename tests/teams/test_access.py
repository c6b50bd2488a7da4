import pytest

from accounts.queries import get_account_for_user, visible_accounts
from teams.models import Role
from tests.conftest import client_for
from tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_csm_sees_only_their_teams_accounts(csm, account, other_team):
    AccountFactory(team=other_team, owner=None)
    assert list(visible_accounts(csm)) == [account]


def test_teammate_sees_the_team_account(teammate, account):
    assert get_account_for_user(teammate, account.pk) == account


def test_manager_sees_the_teams_they_lead_and_no_other(manager, account, other_team):
    AccountFactory(team=other_team, owner=None)
    assert list(visible_accounts(manager)) == [account]


def test_admin_sees_everything(admin_user, account, other_team):
    AccountFactory(team=other_team, owner=None)
    assert visible_accounts(admin_user).count() == 2


def test_inactive_user_sees_nothing(csm, account):
    csm.is_active = False
    assert not visible_accounts(csm).exists()


def test_csm_without_team_sees_nothing(account):
    from tests.factories import UserFactory

    loner = UserFactory(team=None)
    assert not visible_accounts(loner).exists()


@pytest.mark.parametrize("url_name", ["accounts:detail", "accounts:edit"])
def test_outsider_gets_404_by_url(outsider, account, url_name):
    from django.urls import reverse

    response = client_for(outsider).get(reverse(url_name, args=[account.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("accounts:edit", {"name": "Hijacked"}),
        ("accounts:phase-change", {"phase": "defense"}),
        ("accounts:touchpoint-create", {"kind": "call", "summary": "x"}),
        ("accounts:stakeholder-create", {"name": "Spy", "level": "user"}),
    ],
)
def test_outsider_cannot_write_by_url(outsider, account, url_name, data):
    from django.urls import reverse

    response = client_for(outsider).post(reverse(url_name, args=[account.pk]), data)
    assert response.status_code == 404
    account.refresh_from_db()
    assert account.name == "Nordwind Voyages"
    assert account.phase == "maturation"
    assert not account.touchpoints.exists()
    assert not account.stakeholders.exists()


def test_every_page_needs_a_login(client, account):
    from django.urls import reverse

    for url in (reverse("accounts:list"), reverse("accounts:detail", args=[account.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_triage_list_shows_no_other_teams_account(csm_client, account):
    other = AccountFactory(team=TeamFactory(name="Elsewhere"), owner=None, name="Secret Hotels")
    content = csm_client.get("/accounts/").content.decode()
    assert account.name in content
    assert other.name not in content


def test_templates_ask_the_same_role_rule_as_the_views(csm, manager, admin_user):
    from teams.access import is_admin, is_manager

    superuser_csm = UserFactory(username="root", role=Role.CSM, is_superuser=True)
    for user in (csm, manager, admin_user, superuser_csm):
        assert user.is_manager == is_manager(user)
        assert user.is_admin_role == is_admin(user)
    assert superuser_csm.is_manager and superuser_csm.is_admin_role
    assert not csm.is_manager and manager.is_manager and not manager.is_admin_role


def test_a_manager_decides_for_the_teams_they_lead_only(manager, team, other_team, csm):
    from teams.access import managed_team_ids

    assert managed_team_ids(manager) == {team.pk}
    assert managed_team_ids(csm) == set()
