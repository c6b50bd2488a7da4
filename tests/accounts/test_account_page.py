import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import FactChange
from risk.models import stored_contributions
from tests.conftest import client_for
from tests.factories import StakeholderFactory, TouchpointFactory

HX = {"HX-Request": "true"}

pytestmark = pytest.mark.django_db


def edit_data(account, **overrides):
    data = {
        "name": account.name,
        "external_id": account.external_id,
        "industry": account.industry,
        "country": account.country,
        "segment": account.segment,
        "mrr": "2000.00",
        "currency": "EUR",
        "contract_start": account.contract_start.isoformat(),
        "renewal_date": account.renewal_date.isoformat(),
        "signing_discount_pct": "0",
        "phase": account.phase,
        "phase_entered_on": account.phase_entered_on.isoformat(),
        "owner": account.owner_id,
        "funding_stage": account.funding_stage,
        "cash_runway_months": "18.0",
        "monthly_burn": "50000.00",
        "late_payments": "0",
        "cash_facts_as_of": account.cash_facts_as_of.isoformat(),
        "status": account.status,
    }
    data.update(overrides)
    return data


def test_account_page_shows_facts_stakeholders_and_timeline(csm_client, account):
    StakeholderFactory(account=account, name="Ada Budget", level="economic")
    TouchpointFactory(account=account, summary="Talked about the renewal.")
    content = csm_client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "Nordwind Voyages" in content
    assert "Ada Budget" in content
    assert "Talked about the renewal." in content


def test_account_page_empty_states(csm_client, account):
    content = csm_client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "No stakeholder recorded yet." in content
    assert "No touchpoint yet" in content


def test_editing_facts_saves_and_records_the_change(csm_client, account, csm):
    url = reverse("accounts:edit", args=[account.pk])
    response = csm_client.post(url, edit_data(account, cash_runway_months="4.0"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert str(account.cash_runway_months) == "4.0"
    change = FactChange.objects.get(account=account)
    assert (change.field, change.old_value, change.new_value) == (
        "cash_runway_months",
        "18.0",
        "4.0",
    )
    assert change.changed_by == csm


def test_teammate_can_edit_the_team_account(teammate, account):
    url = reverse("accounts:edit", args=[account.pk])
    response = client_for(teammate).post(url, edit_data(account, name="Renamed"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "Renamed"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"mrr": "-5"}, "mrr", "MRR cannot be negative."),
        ({"country": "XX"}, "country", "Unknown country"),
        ({"renewal_date": "2026-02-31"}, "renewal_date", "Enter a valid date."),
        ({"contract_start": "not a date"}, "contract_start", "Enter a valid date."),
        ({"renewal_date": "2020-01-01"}, "renewal_date", "must come after the contract start"),
        ({"signing_discount_pct": "140"}, "signing_discount_pct", "less than or equal to 100"),
        ({"currency": "E1"}, "currency", "ISO 4217 currency code"),
        ({"currency": "ZZZ"}, "currency", "ISO 4217 currency code"),
        ({"contract_start": "0001-01-01"}, "contract_start", "between 1900 and 2200"),
        ({"renewal_date": "9999-12-31"}, "renewal_date", "between 1900 and 2200"),
        ({"name": "Acme\nEvil"}, "name", "single line"),
        ({"name": "Acme\x07"}, "name", "single line"),
        ({"cash_runway_months": "-1"}, "cash_runway_months", "Cash runway cannot be negative."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(
    csm_client, account, overrides, field, message
):
    url = reverse("accounts:edit", args=[account.pk])
    before = account.__dict__.copy()
    response = csm_client.post(
        url,
        edit_data(account, name="Changed", **overrides)
        if field != "name"
        else edit_data(account, **overrides),
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "nothing was saved" in response.content.decode()
    account.refresh_from_db()
    assert account.name == before["name"]
    assert not FactChange.objects.exists()


def test_duplicate_external_id_is_refused(csm_client, account, team, csm):
    from tests.factories import AccountFactory

    other = AccountFactory(team=team, owner=csm, external_id="CRM-42")
    url = reverse("accounts:edit", args=[account.pk])
    response = csm_client.post(url, edit_data(account, external_id=other.external_id))
    assert "Another account already has this external id." in response.content.decode()


def test_log_touchpoint_through_htmx_returns_the_timeline_fragment(csm_client, account):
    url = reverse("accounts:touchpoint-create", args=[account.pk])
    happened = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = csm_client.post(
        url,
        {"kind": "meeting", "happened_at": happened, "summary": "QBR with the sponsor"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="touchpoints"')
    assert "QBR with the sponsor" in content
    assert account.touchpoints.get().author.username == "owner"


def test_touchpoint_in_the_future_is_refused_inline(csm_client, account):
    url = reverse("accounts:touchpoint-create", args=[account.pk])
    later = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = csm_client.post(
        url, {"kind": "call", "happened_at": later, "summary": "x"}, headers={"HX-Request": "true"}
    )
    assert "A touchpoint cannot be in the future." in response.content.decode()
    assert not account.touchpoints.exists()


def test_touchpoint_without_javascript_redirects_back(csm_client, account):
    url = reverse("accounts:touchpoint-create", args=[account.pk])
    happened = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = csm_client.post(url, {"kind": "note", "happened_at": happened, "summary": "Note"})
    assert response.status_code == 302
    assert account.touchpoints.count() == 1


def test_change_phase_through_htmx(csm_client, account):
    url = reverse("accounts:phase-change", args=[account.pk])
    response = csm_client.post(url, {"phase": "defense"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="account-summary"')
    assert "accountChanged" in json.loads(response["HX-Trigger"])
    account.refresh_from_db()
    assert account.phase == "defense"
    assert account.phase_entered_on == timezone.localdate()


def test_unknown_phase_is_refused(csm_client, account):
    url = reverse("accounts:phase-change", args=[account.pk])
    response = csm_client.post(url, {"phase": "exit"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    account.refresh_from_db()
    assert account.phase == "maturation"


def test_mark_key_stakeholder_left(csm_client, account):
    ada = StakeholderFactory(account=account, name="Ada Budget")
    url = reverse("accounts:stakeholder-left", args=[account.pk, ada.pk])
    assert csm_client.post(url).status_code == 302
    ada.refresh_from_db()
    assert ada.left_on == timezone.localdate()


def test_stakeholders_change_live_with_htmx_and_the_score_follows(csm_client, account):
    """Through htmx, adding a stakeholder or marking one gone answers with the stakeholders
    section and the risk panel's parts out of band: no page reload."""
    add = reverse("accounts:stakeholder-create", args=[account.pk])
    response = csm_client.post(
        add, {"name": "Ada Budget", "level": "economic", "is_key": "on"}, headers=HX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="stakeholders"') and "Ada Budget" in body
    assert 'hx-swap-oob="true"' in body  # the score head and the "Why" follow

    ada = account.stakeholders.get()
    left = reverse("accounts:stakeholder-left", args=[account.pk, ada.pk])
    response = csm_client.post(left, headers=HX)
    assert response.status_code == 200
    assert "Left on" in response.content.decode()
    ada.refresh_from_db()
    assert ada.left_on == timezone.localdate()
    latest = account.scores.order_by("-id").first()
    (stakeholder,) = [
        c for c in stored_contributions(latest.contributions_json) if c.factor == "stakeholder"
    ]
    assert stakeholder.points > 0  # a key stakeholder who left today is a risk at once


def test_a_bad_stakeholder_through_htmx_answers_its_section_with_errors(csm_client, account):
    add = reverse("accounts:stakeholder-create", args=[account.pk])
    response = csm_client.post(add, {"name": "", "level": "nobody"}, headers=HX)
    assert response.status_code == 400
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="stakeholders"') and 'class="error"' in body
    assert not account.stakeholders.exists()


def test_get_on_a_post_only_url_is_refused(csm_client, account):
    url = reverse("accounts:phase-change", args=[account.pk])
    assert csm_client.get(url).status_code == 405


def test_recording_a_churn_needs_a_date_and_a_reason(csm_client, account):
    url = reverse("accounts:edit", args=[account.pk])
    response = csm_client.post(url, edit_data(account, status="churned"))
    form = response.context["form"]
    assert "A churned account needs its churn date." in form.errors["churned_on"]
    assert form.errors["churn_reason"]
    account.refresh_from_db()
    assert account.status == "active"


def test_recording_a_churn(csm_client, account):
    url = reverse("accounts:edit", args=[account.pk])
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = csm_client.post(
        url, edit_data(account, status="churned", churned_on=day, churn_reason="budget")
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.status, account.churn_reason) == ("churned", "budget")


def test_industry_is_free_text_with_the_known_industries_suggested(csm_client, account):
    url = reverse("accounts:edit", args=[account.pk])
    form = csm_client.get(url).content.decode()
    assert 'list="industry-suggestions"' in form
    assert '<option value="travel">Travel</option>' in form

    response = csm_client.post(url, edit_data(account, industry="Internet"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.industry == "Internet"


def test_a_phase_is_still_required_when_editing(csm_client, account):
    url = reverse("accounts:edit", args=[account.pk])
    response = csm_client.post(url, edit_data(account, phase=""))
    assert "This field is required." in response.content.decode()
    account.refresh_from_db()
    assert account.phase == "maturation"
