"""Decisions made in the app reach the webhook endpoints that listen for them, once committed."""

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from playbooks.services import approve_proposal
from risk.models import ExpectedChurn
from risk.services import expected_churn as churn
from tests.factories import AccountFactory
from tests.playbooks.conftest import at_risk, holiday, levers  # noqa: F401 - fixtures
from tests.webhooks.receiver import start_receiver
from webhooks.models import Delivery, Event
from webhooks.services import create_endpoint

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def _listen(receiver, admin_user, *events):
    return create_endpoint(url=receiver.url, events=list(events), description="", user=admin_user)


def _payloads(receiver, endpoint):
    return [Webhook(endpoint.secret).verify(r.body, r.headers) for r in receiver.requests]


def test_a_confirmed_expected_churn_is_announced(receiver, admin_user, manager, csm, team):
    endpoint = _listen(receiver, admin_user, Event.EXPECTED_CHURN_CONFIRMED)
    account = AccountFactory(team=team, owner=csm, phase="defense", risk_band="high")
    churn.raise_proposals(today=timezone.localdate())
    churn.confirm(proposal=ExpectedChurn.objects.get(), manager=manager, reason="Budget cut")
    [payload] = _payloads(receiver, endpoint)
    assert payload["type"] == "expected_churn.confirmed"
    assert payload["data"]["account"]["external_id"] == account.external_id
    assert payload["data"]["decision"] == "confirmed"


def test_a_dismissal_goes_only_to_endpoints_that_want_it(receiver, admin_user, manager, csm, team):
    endpoint = _listen(receiver, admin_user, Event.EXPECTED_CHURN_CONFIRMED)
    AccountFactory(team=team, owner=csm, phase="defense", risk_band="high")
    churn.raise_proposals(today=timezone.localdate())
    churn.dismiss(
        proposal=ExpectedChurn.objects.get(),
        manager=manager,
        reason="Renewal signed",
        today=timezone.localdate(),
    )
    assert _payloads(receiver, endpoint) == []
    assert not Delivery.objects.exists()


def test_an_approved_proposal_is_announced(receiver, admin_user, manager, holiday):  # noqa: F811
    endpoint = _listen(receiver, admin_user, Event.PROPOSAL_DECIDED)
    approve_proposal(proposal=holiday, approver=manager, comment="Go.")
    [payload] = _payloads(receiver, endpoint)
    assert payload["data"]["decision"] == "approved"
    assert payload["data"]["proposal_id"] == holiday.pk
    assert payload["data"]["lever"]["kind"] == "payment_holiday"


def test_a_rolled_back_decision_announces_nothing(receiver, admin_user, manager, holiday):  # noqa: F811
    _listen(receiver, admin_user, Event.PROPOSAL_DECIDED)
    with pytest.raises(RuntimeError), transaction.atomic():
        approve_proposal(proposal=holiday, approver=manager, comment="Go.")
        raise RuntimeError("the surrounding work failed")
    assert receiver.requests == []
    assert not Delivery.objects.exists()
