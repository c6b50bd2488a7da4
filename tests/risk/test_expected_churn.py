from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Account
from risk.churn_rule import ChurnRule, candidate_reason, is_suppressed
from risk.models import ExpectedChurn, ExpectedChurnStatus
from risk.services import expected_churn as churn
from tests.conftest import client_for
from tests.factories import AccountFactory

RULE = ChurnRule(
    frozenset({"defense"}), frozenset({"high", "critical"}), frozenset({"critical"}), 30
)
TODAY = date(2026, 11, 23)
QUARTER_END = date(2026, 12, 31)


@pytest.mark.parametrize(
    ("phase", "band", "renewal", "raised"),
    [
        ("defense", "high", None, True),
        ("defense", "critical", date(2027, 6, 1), True),
        ("defense", "medium", date(2026, 12, 1), False),
        ("growth", "critical", date(2026, 12, 15), True),  # critical, renewing this quarter
        ("growth", "critical", date(2027, 1, 5), False),  # next quarter
        ("maturation", "high", date(2026, 12, 15), False),  # high is not enough outside defense
        ("maturation", "critical", date(2026, 11, 1), False),  # renewal already passed
    ],
)
def test_default_rule(phase, band, renewal, raised):
    reason = candidate_reason(
        phase=phase, band=band, renewal_on=renewal, quarter_end=QUARTER_END, today=TODAY, rule=RULE
    )
    assert (reason is not None) == raised


@pytest.mark.parametrize(
    ("until", "band_then", "band_now", "suppressed"),
    [
        (TODAY + timedelta(days=10), "high", "high", True),
        (TODAY + timedelta(days=10), "high", "medium", True),
        (TODAY + timedelta(days=10), "high", "critical", False),  # got worse: ask again
        (TODAY - timedelta(days=1), "high", "high", False),  # the 30 days are over
        (None, "", "high", False),
    ],
)
def test_dismissal_suppression(until, band_then, band_now, suppressed):
    assert (
        is_suppressed(
            suppressed_until=until, band_at_decision=band_then, band=band_now, today=TODAY
        )
        is suppressed
    )


@pytest.fixture
def risky_account(csm, team):
    return AccountFactory(team=team, owner=csm, phase="defense", risk_band="high", risk_score=60)


@pytest.mark.django_db
def test_raise_proposals_is_idempotent(risky_account, csm, team):
    AccountFactory(team=team, owner=csm, phase="growth", risk_band="low", risk_score=10)
    today = timezone.localdate()
    assert churn.raise_proposals(today=today) == 1
    assert churn.raise_proposals(today=today) == 0
    proposal = ExpectedChurn.objects.get()
    assert proposal.account == risky_account
    assert (proposal.rule_reason, proposal.rule_reason_params) == (
        "phase_band",
        {"phase": "defense", "band": risky_account.risk_band},
    )


@pytest.mark.django_db
def test_the_rule_reason_is_worded_in_the_reader_language(risky_account):
    proposal = ExpectedChurn(
        account=risky_account,
        rule_reason="renewing_this_quarter",
        rule_reason_params={"band": "critical", "date": "2026-12-01"},
    )
    with translation.override("en"):
        assert (
            proposal.rule_reason_text == "critical risk band, renewing on 1 Dec 2026 (this quarter)"
        )
    with translation.override("fr"):
        assert "1 déc. 2026" in proposal.rule_reason_text
        assert "critical" not in proposal.rule_reason_text


@pytest.mark.django_db
def test_manager_confirms_and_the_account_is_flagged(risky_account, manager):
    churn.raise_proposals(today=timezone.localdate())
    proposal = ExpectedChurn.objects.get()
    churn.confirm(proposal=proposal, manager=manager, reason="Sponsor confirmed the budget cut")
    risky_account.refresh_from_db()
    assert risky_account.is_expected_churn
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ExpectedChurnStatus.CONFIRMED, manager)


@pytest.mark.django_db
def test_csm_cannot_confirm(risky_account, csm):
    churn.raise_proposals(today=timezone.localdate())
    with pytest.raises(churn.DecisionError, match="Only a manager"):
        churn.confirm(proposal=ExpectedChurn.objects.get(), manager=csm, reason="x")
    assert not Account.objects.get(pk=risky_account.pk).is_expected_churn


@pytest.mark.django_db
def test_manager_of_another_team_cannot_decide(risky_account, other_team):
    from tests.factories import UserFactory

    stranger = UserFactory(role="manager", team=other_team)
    stranger.managed_teams.add(other_team)
    churn.raise_proposals(today=timezone.localdate())
    with pytest.raises(churn.DecisionError, match="not in your teams"):
        churn.confirm(proposal=ExpectedChurn.objects.get(), manager=stranger, reason="x")


@pytest.mark.django_db
def test_decision_needs_a_reason(risky_account, manager):
    churn.raise_proposals(today=timezone.localdate())
    with pytest.raises(churn.DecisionError, match="reason is required"):
        churn.dismiss(
            proposal=ExpectedChurn.objects.get(),
            manager=manager,
            reason="  ",
            today=timezone.localdate(),
        )
    assert ExpectedChurn.objects.get().status == ExpectedChurnStatus.PROPOSED


@pytest.mark.django_db
def test_dismissed_is_not_raised_again_for_30_days_unless_worse(risky_account, manager):
    today = timezone.localdate()
    churn.raise_proposals(today=today)
    churn.dismiss(
        proposal=ExpectedChurn.objects.get(), manager=manager, reason="Renewal signed", today=today
    )
    assert churn.raise_proposals(today=today + timedelta(days=29)) == 0
    Account.objects.filter(pk=risky_account.pk).update(risk_band="critical")
    assert churn.raise_proposals(today=today + timedelta(days=29)) == 1


@pytest.mark.django_db
def test_dismissal_expires_after_30_days(risky_account, manager):
    today = timezone.localdate()
    churn.raise_proposals(today=today)
    churn.dismiss(proposal=ExpectedChurn.objects.get(), manager=manager, reason="ok", today=today)
    assert churn.raise_proposals(today=today + timedelta(days=31)) == 1


@pytest.mark.django_db
def test_deciding_twice_is_refused(risky_account, manager, admin_user):
    churn.raise_proposals(today=timezone.localdate())
    proposal = ExpectedChurn.objects.get()
    churn.confirm(proposal=proposal, manager=manager, reason="yes")
    with pytest.raises(churn.DecisionError, match="already Confirmed"):
        churn.dismiss(
            proposal=proposal, manager=admin_user, reason="no", today=timezone.localdate()
        )


@pytest.mark.django_db
def test_csm_asks_to_lift_and_manager_lifts(risky_account, manager, csm):
    churn.raise_proposals(today=timezone.localdate())
    proposal = churn.confirm(proposal=ExpectedChurn.objects.get(), manager=manager, reason="lost")
    churn.request_lift(proposal=proposal, user=csm, reason="New sponsor signed a 2-year deal")
    with pytest.raises(churn.DecisionError):
        churn.lift(proposal=proposal, manager=csm, reason="me", today=timezone.localdate())
    churn.lift(proposal=proposal, manager=manager, reason="Agreed", today=timezone.localdate())
    assert not Account.objects.get(pk=risky_account.pk).is_expected_churn


@pytest.mark.django_db
def test_confirmed_flag_shows_in_the_triage_list(risky_account, manager, csm_client):
    churn.raise_proposals(today=timezone.localdate())
    churn.confirm(proposal=ExpectedChurn.objects.get(), manager=manager, reason="lost")
    response = csm_client.get(reverse("accounts:list"), {"expected_churn": "yes"})
    assert [r.name for r in response.context["rows"]] == [risky_account.name]
    assert "expected churn" in response.content.decode()


@pytest.mark.django_db
def test_queue_page_is_for_managers(risky_account, manager, csm):
    churn.raise_proposals(today=timezone.localdate())
    url = reverse("runs:expected-churn-queue")
    assert client_for(csm).get(url).status_code == 403
    content = client_for(manager).get(url).content.decode()
    assert risky_account.name in content


@pytest.mark.django_db
def test_confirm_inline_with_htmx(risky_account, manager):
    churn.raise_proposals(today=timezone.localdate())
    proposal = ExpectedChurn.objects.get()
    url = reverse("runs:expected-churn-decide", args=[proposal.pk, "confirm"])
    response = client_for(manager).post(
        url, {"reason": "Budget gone"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="proposal-{proposal.pk}"')
    assert Account.objects.get(pk=risky_account.pk).is_expected_churn


@pytest.mark.django_db
def test_csm_confirm_through_the_url_is_refused(risky_account, csm):
    churn.raise_proposals(today=timezone.localdate())
    proposal = ExpectedChurn.objects.get()
    url = reverse("runs:expected-churn-decide", args=[proposal.pk, "confirm"])
    response = client_for(csm).post(url, {"reason": "I decide"}, follow=True)
    assert "Only a manager" in response.content.decode()
    assert not Account.objects.get(pk=risky_account.pk).is_expected_churn


@pytest.mark.django_db
def test_outsider_gets_404_on_a_proposal(risky_account, outsider):
    churn.raise_proposals(today=timezone.localdate())
    proposal = ExpectedChurn.objects.get()
    url = reverse("runs:expected-churn-decide", args=[proposal.pk, "request-lift"])
    assert client_for(outsider).post(url, {"reason": "x"}).status_code == 404
