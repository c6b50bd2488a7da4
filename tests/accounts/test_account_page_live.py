"""The account page stays true after a change made on it: the form that changed a scoring fact
answers with its own fragment and, out of band, the score head, the "Why" and the banner."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from risk.models import BandOverride, ExpectedChurn, ExpectedChurnRule, ExpectedChurnStatus
from risk.services.scores import rescore_account
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def oob_part(content: str, element_id: str) -> str:
    """The out-of-band element `element_id` of an htmx answer (up to the next oob element)."""
    match = re.search(rf'<div id="{element_id}"[^>]*hx-swap-oob="true"[^>]*>', content)
    assert match, f"no out-of-band #{element_id} in the answer"
    rest = content[match.start() :]
    following = re.search(r'<div id="[\w-]+"[^>]*hx-swap-oob="true"', rest[1:])
    return rest[: following.start() + 1] if following else rest


@pytest.fixture
def scored(account):
    """The account in maturation (no phase points), scored once."""
    rescore_account(account=account)
    return account


@pytest.fixture
def proposal(account):
    """An open expected-churn proposal the rule raised while the account was in defense."""
    ExpectedChurnRule.objects.update(
        phases=["defense"],
        bands_in_phases=["low", "medium", "high", "critical"],
        bands_renewing_this_quarter=[],
    )
    Account.objects.filter(pk=account.pk).update(
        phase="defense", renewal_date=timezone.localdate() + timedelta(days=300)
    )
    return ExpectedChurn.objects.create(
        account=account,
        status=ExpectedChurnStatus.PROPOSED,
        rule_reason="phase_band",
        rule_reason_params={"phase": "defense", "band": "critical"},
        band_at_raise="critical",
        raised_at=timezone.now() - timedelta(days=3),
    )


def change_phase(client, account, phase):
    url = reverse("accounts:phase-change", args=[account.pk])
    return client.post(url, {"phase": phase}, headers=HTMX)


def test_a_phase_change_answers_with_the_new_score_out_of_band(csm_client, scored):
    before = Account.objects.get(pk=scored.pk).risk_score
    response = change_phase(csm_client, scored, "defense")
    assert response.status_code == 200
    content = response.content.decode()
    # The posted fragment first, the risk panel's parts after it.
    assert content.lstrip().startswith('<section id="account-summary"')
    after = Account.objects.get(pk=scored.pk).risk_score
    assert after > before  # defense carries risk points that maturation does not
    head = oob_part(content, "risk-head")
    assert f"<b>{after}</b>" in head
    assert f"<b>{before}</b>" not in head


def test_a_phase_change_answers_with_the_new_why_lines(csm_client, scored):
    content = change_phase(csm_client, scored, "defense").content.decode()
    why = oob_part(content, "risk-why")
    assert "In defense since" in why
    # The phase's line says what it was before the change, once.
    assert why.count("In maturation") == 1 and "was: In maturation" in why


def test_the_banner_says_the_rule_no_longer_applies_after_leaving_defense(
    csm_client, scored, proposal
):
    content = change_phase(csm_client, scored, "growth").content.decode()
    banner = oob_part(content, "expected-churn-banner")
    assert "Today the rule no longer applies" in banner
    # The reason it was raised for is still told, as the past.
    assert "Proposed on" in banner and "Defense phase with a critical risk band" in banner


def test_the_banner_gives_today_s_reason_when_the_rule_applies_again(csm_client, scored, proposal):
    change_phase(csm_client, scored, "growth")
    content = change_phase(csm_client, scored, "defense").content.decode()
    band = Account.objects.get(pk=scored.pk).risk_band
    banner = oob_part(content, "expected-churn-banner")
    expected = f"Defense phase with a {band} risk band"
    if band == "critical":  # the same reason as when raised: told once, as it is
        assert expected in banner and "Proposed on" not in banner
    else:
        assert f"Today: {expected}." in banner
    assert "no longer applies" not in banner


def test_the_banner_is_emptied_when_no_proposal_is_open(csm_client, scored):
    content = change_phase(csm_client, scored, "defense").content.decode()
    assert "expected-churn-box" not in oob_part(content, "expected-churn-banner")


def test_a_refused_phase_changes_nothing_and_keeps_the_score(csm_client, scored):
    before = Account.objects.get(pk=scored.pk).risk_score
    response = change_phase(csm_client, scored, "exit")
    assert response.status_code == 400
    assert f"<b>{before}</b>" in oob_part(response.content.decode(), "risk-head")
    assert Account.objects.get(pk=scored.pk).phase == "maturation"


def test_a_usage_entry_through_htmx_answers_with_its_section_and_the_score(csm_client, scored):
    url = reverse("accounts:usage-create", args=[scored.pk])
    today = timezone.localdate()
    response = csm_client.post(
        url, {"on": today.isoformat(), "active_users": "3", "licensed_seats": "50"}, headers=HTMX
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="adoption"')
    assert scored.usage.count() == 1
    head = oob_part(content, "risk-head")
    assert f"<b>{Account.objects.get(pk=scored.pk).risk_score}</b>" in head


def test_a_bad_signal_through_htmx_is_a_400_section_with_its_error(csm_client, scored):
    url = reverse("accounts:signal-create", args=[scored.pk])
    response = csm_client.post(url, {"name": "", "value": "x"}, headers=HTMX)
    assert response.status_code == 400
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="signals"')
    assert 'class="error"' in content
    assert scored.signals.count() == 0


def test_the_fact_forms_without_javascript_still_redirect(csm_client, scored):
    url = reverse("accounts:kpi-create", args=[scored.pk])
    today = timezone.localdate().isoformat()
    data = {"name": "Bookings", "target": "100", "actual": "40", "unit": "", "as_of": today}
    response = csm_client.post(url, data)
    assert response.status_code == 302
    assert scored.kpis.count() == 1


def test_an_override_through_htmx_shows_in_the_head_and_its_lift_removes_it(csm_client, scored):
    url = reverse("accounts:override-create", args=[scored.pk])
    expires = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {"band": "critical", "reason": "Sponsor resigned", "expires_on": expires}
    response = csm_client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<details id="band-override"')
    assert "CSM says Critical" in oob_part(content, "risk-head")
    override = BandOverride.objects.get(account=scored)
    lift = reverse("accounts:override-lift", args=[scored.pk, override.pk])
    content = csm_client.post(lift, headers=HTMX).content.decode()
    assert "CSM says" not in oob_part(content, "risk-head")
    override.refresh_from_db()
    assert override.lifted_at is not None


def test_a_refused_override_through_htmx_is_a_400_drawer_and_writes_nothing(csm_client, scored):
    url = reverse("accounts:override-create", args=[scored.pk])
    response = csm_client.post(url, {"band": "critical", "reason": ""}, headers=HTMX)
    assert response.status_code == 400
    assert response.content.decode().lstrip().startswith('<details id="band-override" class')
    assert not BandOverride.objects.exists()


def test_an_outsider_cannot_change_the_phase(outsider, scored):
    response = change_phase(client_for(outsider), scored, "defense")
    assert response.status_code == 404
    assert Account.objects.get(pk=scored.pk).phase == "maturation"


def test_a_phase_change_refreshes_the_phase_s_plays_and_the_recent_changes(csm_client, scored):
    content = change_phase(csm_client, scored, "defense").content.decode()
    playbook = oob_part(content, "account-playbook")
    assert "Plays for the Defense phase" in playbook
    assert "Plays for the Maturation phase" not in content
    assert re.search(r'<section id="recent-changes"[^>]*hx-swap-oob="true"', content)
    changes = content[content.index('id="recent-changes"') :]
    assert "maturation → defense" in changes
