"""An account imported from a sparse export (no dates, no phase, a CRM's own industry) works on
every page and in every scoring path."""

from typing import cast

import pytest
from django.urls import reverse

from accounts.models import Account
from risk.services.scores import rescore_account
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sparse(csm, team) -> Account:
    account = cast(
        Account,
        AccountFactory(
            team=team,
            owner=None,
            industry="Internet",
            segment="Scale-up",
            contract_start=None,
            renewal_date=None,
            phase="",
            funding_stage="",
            cash_runway_months=None,
            monthly_burn=None,
            cash_facts_as_of=None,
        ),
    )
    rescore_account(account=account)
    return account


def test_a_sparse_account_is_scored(sparse):
    sparse.refresh_from_db()
    assert sparse.risk_score is not None
    assert sparse.risk_band


def test_a_sparse_account_shows_on_the_triage_list_and_its_page(sparse, csm):
    client = client_for(csm)
    listing = client.get(reverse("accounts:list"))
    page = client.get(reverse("accounts:detail", args=[sparse.pk]))

    assert listing.status_code == 200
    assert sparse.name in listing.content.decode()
    assert page.status_code == 200
    assert "Internet" in page.content.decode()


def test_a_sparse_account_exports(sparse, csm):
    response = client_for(csm).get(reverse("dataio:export", args=["scores", "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert sparse.external_id in text
