"""A `next` that is not a path of this site sends the user to the object's page, after the
action was saved: never a 500, never another site."""

import pytest
from django.urls import reverse

from playbooks.models import Proposal
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "next_value",
    ["x", "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_withdraw_with_a_bad_next_goes_to_the_proposal_page(holiday, csm, next_value):
    url = reverse("playbooks:proposal-withdraw", args=[holiday.pk])
    response = client_for(csm).post(url, {"next": next_value, "comment": "Customer said no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("playbooks:proposal-detail", args=[holiday.pk])
    assert Proposal.objects.get(pk=holiday.pk).state == "withdrawn"


def test_withdraw_follows_a_local_next(holiday, csm):
    url = reverse("playbooks:proposal-withdraw", args=[holiday.pk])
    target = reverse("accounts:detail", args=[holiday.account_id])
    response = client_for(csm).post(url, {"next": target})
    assert response["Location"] == target
