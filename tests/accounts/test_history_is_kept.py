"""Nothing history depends on is hard-deleted: accounts are archived, users deactivated."""

from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from alerts.models import Alert, AlertStatus
from risk.models import ModelStatus, RiskModel, Score
from risk.services.runs import start_rescore_run
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_a_manager_archives_an_account_and_it_disappears_but_keeps_its_scores(
    account, manager, csm
):
    start_rescore_run(trigger="command", synchronous=True)
    scores = Score.objects.filter(account=account).count()
    response = client_for(manager).post(reverse("accounts:archive", args=[account.pk]))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.archived_at is not None and account.archived_by == manager
    assert Score.objects.filter(account=account).count() == scores
    client = client_for(csm)
    assert client.get(reverse("accounts:detail", args=[account.pk])).status_code == 404
    assert account.name not in client.get(reverse("accounts:list")).content.decode()
    run = start_rescore_run(trigger="command", synchronous=True)
    assert run.accounts_total == 0


def test_a_csm_may_not_archive(account, csm):
    response = client_for(csm).post(reverse("accounts:archive", args=[account.pk]))
    assert response.status_code == 403
    assert Account.objects.get(pk=account.pk).archived_at is None


def test_deleting_an_account_with_history_is_refused_by_the_database(account):
    start_rescore_run(trigger="command", synchronous=True)
    with pytest.raises(ProtectedError):
        account.delete()


def test_the_admin_refuses_to_delete_an_account_and_says_why(account, admin_user):
    client = client_for(admin_user)
    url = reverse("admin:accounts_account_changelist")
    response = client.post(
        url, {"action": "refuse_deletion", "_selected_action": [account.pk]}, follow=True
    )
    assert "Accounts are never deleted" in response.content.decode()
    assert Account.objects.filter(pk=account.pk).exists()
    delete_page = reverse("admin:accounts_account_delete", args=[account.pk])
    response = client.post(delete_page, {"post": "yes"}, follow=True)
    assert "Archive the account instead" in response.content.decode()
    assert Account.objects.filter(pk=account.pk).exists()


def test_the_published_model_is_read_only_in_the_admin(admin_user):
    published = RiskModel.objects.get(status=ModelStatus.PUBLISHED)
    url = reverse("admin:risk_riskmodel_change", args=[published.pk])
    response = client_for(admin_user).post(url, {"notes": "tampered", "config": "{}"})
    published.refresh_from_db()
    assert published.notes != "tampered"
    assert response.status_code in (200, 403)


def test_a_user_who_owns_accounts_cannot_be_deactivated(account, csm, admin_user):
    url = reverse("admin:teams_user_changelist")
    response = client_for(admin_user).post(
        url, {"action": "deactivate_selected", "_selected_action": [csm.pk]}, follow=True
    )
    assert "give them a new owner first" in response.content.decode()
    csm.refresh_from_db()
    assert csm.is_active


def test_a_user_without_accounts_is_deactivated_not_deleted(teammate, admin_user):
    url = reverse("admin:teams_user_changelist")
    client_for(admin_user).post(
        url, {"action": "deactivate_selected", "_selected_action": [teammate.pk]}
    )
    teammate.refresh_from_db()
    assert not teammate.is_active


def test_snoozing_a_closed_alert_is_refused_and_it_stays_closed(csm, team):
    account = AccountFactory(team=team, owner=csm)
    alert = Alert.objects.create(
        account=account, cause="high_risk", status=AlertStatus.CLOSED,
        opened_at=timezone.now(), closed_at=timezone.now(),
    )  # fmt: skip
    until = (timezone.localdate() + timedelta(days=5)).isoformat()
    prefix = f"alert-{alert.pk}"
    response = client_for(csm).post(
        reverse("alerts:snooze", args=[alert.pk]),
        {f"{prefix}-until": until, f"{prefix}-reason": "Customer on holiday"},
        follow=True,
    )
    assert response.status_code == 200
    assert "This alert is closed" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
