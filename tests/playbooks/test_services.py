"""Proposal services: every allowed move, every forbidden one, approvals by size, e-mails."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from playbooks.levers import LeverParamError
from playbooks.models import ApprovalPolicy, PlayCheck, Proposal, ProposalEvent, StrategySetting
from playbooks.queries import strategy_in_force
from playbooks.services import (
    LeverNotEligible,
    NotAllowed,
    ProposalError,
    add_months,
    apply_proposal,
    approve_proposal,
    end_proposal,
    record_outcome,
    record_renewal_outcome,
    reject_proposal,
    set_play_done,
    submit_proposal,
    withdraw_proposal,
)
from tests.factories import AccountFactory
from tests.playbooks.conftest import TODAY, propose

pytestmark = pytest.mark.django_db


def trail(proposal):
    return [
        (e.from_state, e.to_state, e.actor.username if e.actor else "system")
        for e in ProposalEvent.objects.filter(proposal=proposal).select_related("actor")
    ]


# --- proposing ---------------------------------------------------------------------------------


def test_payment_holiday_is_priced_by_the_core_and_waits_for_a_manager(holiday, csm):
    assert holiday.state == "submitted"
    assert holiday.required_approver == "manager"
    assert (holiday.cash_impact, holiday.mrr_impact, holiday.currency) == (
        Decimal("-6000.00"),
        Decimal("0.00"),
        "EUR",
    )
    assert holiday.params == {"months": "3"}
    assert holiday.months == 3
    assert holiday.strategy == "secure_mrr"
    assert trail(holiday) == [("", "draft", "owner"), ("draft", "submitted", "owner")]


def test_small_lever_is_auto_approved_by_the_system(at_risk, levers, csm):
    # Half a day of services at 800: 400 of cash, under the 500 auto-approval threshold.
    with_services = propose(at_risk, levers["free_services"], csm, params={"days": "0.5"})
    assert with_services.state == "approved"
    assert with_services.required_approver == "auto"
    assert with_services.decided_by is None
    assert with_services.decided_at is not None
    assert trail(with_services) == [
        ("", "draft", "owner"),
        ("draft", "submitted", "owner"),
        ("submitted", "approved", "system"),
    ]
    assert mail.outbox == []  # the CSM just saw it happen


def test_lever_above_the_managers_limit_needs_an_admin(at_risk, levers, csm):
    # 6 months x 2,000 = 12,000 of cash, above the manager's 10,000.
    proposal = propose(at_risk, levers["payment_holiday"], csm, params={"months": "6"})
    assert (proposal.state, proposal.required_approver) == ("submitted", "admin")


def test_the_policy_in_force_on_the_day_decides(at_risk, levers, csm):
    ApprovalPolicy.objects.create(effective_from=TODAY - timedelta(days=30), manager_cash=5000)
    ApprovalPolicy.objects.create(effective_from=TODAY + timedelta(days=1), manager_cash=50000)
    proposal = propose(at_risk, levers["payment_holiday"], csm, params={"months": "3"})
    assert proposal.required_approver == "admin"


def test_an_amount_in_another_currency_than_the_policy_goes_to_an_admin(team, csm, levers):
    account = AccountFactory(
        team=team, owner=csm, phase="defense", risk_band="high", risk_score=70, currency="USD"
    )
    proposal = propose(account, levers["free_services"], csm, params={"days": "0.5"})
    assert (proposal.state, proposal.required_approver) == ("submitted", "admin")


def test_strategy_in_force_is_the_latest_started(at_risk, levers, csm):
    assert strategy_in_force(TODAY) == "secure_mrr"
    StrategySetting.objects.create(strategy="cash_first", effective_from=TODAY - timedelta(days=1))
    StrategySetting.objects.create(strategy="secure_mrr", effective_from=TODAY + timedelta(days=9))
    assert strategy_in_force(TODAY) == "cash_first"
    assert propose(at_risk, levers["payment_holiday"], csm).strategy == "cash_first"


@pytest.mark.parametrize(
    ("kind", "params", "field", "message"),
    [
        ("payment_holiday", {"months": "-1"}, "months", "Months cannot be negative."),
        ("payment_holiday", {"months": "7"}, "months", "Months cannot be over 6."),
        ("payment_holiday", {"months": "2.5"}, "months", "Months must be a whole number."),
        ("payment_holiday", {"months": "three"}, "months", "Months must be a number."),
        ("temporary_downsell", {"percent": "120"}, "percent", "cannot be over 100."),
        ("payment_holiday", {"weeks": "2"}, "weeks", "has no parameter 'weeks'"),
    ],
)
def test_bad_parameters_raise_the_cores_message_and_save_nothing(
    at_risk, levers, csm, kind, params, field, message
):
    with pytest.raises(LeverParamError) as raised:
        propose(at_risk, levers[kind], csm, params=params)
    assert raised.value.field == field
    assert message in raised.value.message
    assert not Proposal.objects.exists()
    assert not ProposalEvent.objects.exists()


def test_ineligible_lever_is_refused_with_the_reason(at_risk, levers, csm):
    with pytest.raises(LeverNotEligible) as raised:
        propose(at_risk, levers["early_access"], csm)
    assert "applies only in phases growth, maturation" in raised.value.message
    assert not Proposal.objects.exists()


def test_instalment_plan_uses_the_balance_the_csm_states(at_risk, levers, csm):
    plan = propose(
        at_risk, levers["instalment_plan"], csm, params={"balance": "9000", "instalments": "3"}
    )
    assert plan.cash_impact == Decimal("-6000.00")
    assert plan.is_cash_deferred


def test_give_back_must_be_one_the_lever_allows(at_risk, levers, csm):
    with pytest.raises(ProposalError, match="in return"):
        propose(at_risk, levers["payment_holiday"], csm, give_back="webinar")
    assert propose(at_risk, levers["payment_holiday"], csm, give_back="longer_commitment")


def test_churned_account_gets_no_lever(at_risk, levers, csm):
    at_risk.status, at_risk.churned_on = "churned", TODAY
    at_risk.save(update_fields=["status", "churned_on"])
    with pytest.raises(ProposalError, match="churned"):
        propose(at_risk, levers["payment_holiday"], csm)


def test_inactive_lever_is_refused(at_risk, levers, csm):
    lever = levers["payment_holiday"]
    lever.is_active = False
    lever.save(update_fields=["is_active"])
    with pytest.raises(ProposalError, match="no longer offered"):
        propose(at_risk, lever, csm)


# --- allowed moves -----------------------------------------------------------------------------


def test_draft_is_submitted_by_its_proposer(at_risk, levers, csm):
    draft = propose(at_risk, levers["payment_holiday"], csm, submit=False)
    assert draft.state == "draft"
    submitted = submit_proposal(proposal=draft, user=csm, today=TODAY)
    assert submitted.state == "submitted"
    assert trail(draft)[-1] == ("draft", "submitted", "owner")


def test_draft_can_be_withdrawn(at_risk, levers, csm):
    draft = propose(at_risk, levers["payment_holiday"], csm, submit=False)
    assert withdraw_proposal(proposal=draft, user=csm).state == "withdrawn"


def test_manager_approves_then_the_csm_applies_and_ends(holiday, csm, manager):
    approved = approve_proposal(proposal=holiday, approver=manager, comment="Go.")
    assert (approved.state, approved.decided_by) == ("approved", manager)
    applied = apply_proposal(proposal=holiday, user=csm, today=TODAY)
    assert (applied.applied_on, applied.ends_on) == (TODAY, date(2026, 6, 2))
    ended = end_proposal(proposal=holiday, user=csm, today=TODAY + timedelta(days=80))
    assert (ended.state, ended.ended_on) == ("ended", TODAY + timedelta(days=80))
    holiday.refresh_from_db()
    assert holiday.state == "ended"
    assert [to for _, to, _ in trail(holiday)] == [
        "draft",
        "submitted",
        "approved",
        "applied",
        "ended",
    ]
    assert trail(holiday)[2] == ("submitted", "approved", "manager")


def test_manager_rejects_with_a_comment(holiday, manager):
    rejected = reject_proposal(proposal=holiday, approver=manager, comment="Too early.")
    assert rejected.state == "rejected"
    assert ProposalEvent.objects.filter(proposal=holiday).last().comment == "Too early."


def test_admin_approves_a_proposal_above_the_managers_limit(at_risk, levers, csm, plain_admin):
    big = propose(at_risk, levers["payment_holiday"], csm, params={"months": "6"})
    assert approve_proposal(proposal=big, approver=plain_admin).state == "approved"


def test_admin_may_also_decide_a_managers_proposal(holiday, plain_admin):
    assert approve_proposal(proposal=holiday, approver=plain_admin).state == "approved"


def test_proposer_withdraws_a_submitted_or_approved_proposal(
    holiday, at_risk, levers, csm, manager
):
    assert withdraw_proposal(proposal=holiday, user=csm).state == "withdrawn"
    other = propose(at_risk, levers["payment_deferral"], csm)
    approve_proposal(proposal=other, approver=manager)
    assert withdraw_proposal(proposal=other, user=csm, comment="Customer paid").state == "withdrawn"


def test_teammate_may_apply_an_approved_lever(holiday, manager, teammate):
    approve_proposal(proposal=holiday, approver=manager)
    assert apply_proposal(proposal=holiday, user=teammate, today=TODAY).state == "applied"


def test_permanent_and_one_off_levers_have_no_end_date(at_risk, levers, csm, manager):
    at_risk.risk_band = "high"
    at_risk.save(update_fields=["risk_band"])
    cut = propose(at_risk, levers["price_cut_for_commitment"], csm)
    services = propose(at_risk, levers["free_services"], csm)
    for proposal in (cut, services):
        approve_proposal(proposal=proposal, approver=manager)
        assert apply_proposal(proposal=proposal, user=csm, today=TODAY).ends_on is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 3, 2), 12, date(2027, 3, 2)),
    ],
)
def test_add_months_keeps_the_day_or_the_last_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


# --- forbidden moves ---------------------------------------------------------------------------


def test_nobody_approves_their_own_proposal(at_risk, levers, manager):
    own = propose(at_risk, levers["payment_holiday"], manager)
    with pytest.raises(NotAllowed, match="own proposal"):
        approve_proposal(proposal=own, approver=manager)
    with pytest.raises(NotAllowed, match="own proposal"):
        reject_proposal(proposal=own, approver=manager, comment="no")


def test_a_csm_never_decides(holiday, teammate):
    with pytest.raises(NotAllowed, match="manager or an admin"):
        approve_proposal(proposal=holiday, approver=teammate)


def test_a_manager_of_another_team_does_not_decide(holiday, other_manager):
    with pytest.raises(NotAllowed, match="account's team"):
        approve_proposal(proposal=holiday, approver=other_manager)


def test_a_manager_cannot_approve_above_the_limit(at_risk, levers, csm, manager):
    big = propose(at_risk, levers["payment_holiday"], csm, params={"months": "6"})
    with pytest.raises(NotAllowed, match="an admin decides"):
        approve_proposal(proposal=big, approver=manager)
    big.refresh_from_db()
    assert big.state == "submitted"


def test_rejecting_needs_a_comment(holiday, manager):
    with pytest.raises(ProposalError, match="reason"):
        reject_proposal(proposal=holiday, approver=manager, comment="  ")
    holiday.refresh_from_db()
    assert holiday.state == "submitted"


def test_teammate_cannot_withdraw_someone_elses_proposal(holiday, teammate):
    with pytest.raises(NotAllowed):
        withdraw_proposal(proposal=holiday, user=teammate)


def test_teammate_cannot_submit_someone_elses_draft(at_risk, levers, csm, teammate):
    draft = propose(at_risk, levers["payment_holiday"], csm, submit=False)
    with pytest.raises(NotAllowed):
        submit_proposal(proposal=draft, user=teammate, today=TODAY)


def test_outsider_cannot_apply(holiday, manager, outsider):
    approve_proposal(proposal=holiday, approver=manager)
    with pytest.raises(NotAllowed, match="do not work on this account"):
        apply_proposal(proposal=holiday, user=outsider, today=TODAY)


def test_a_decided_proposal_cannot_be_decided_again(holiday, manager, second_manager):
    approve_proposal(proposal=holiday, approver=manager)
    with pytest.raises(ProposalError, match="Already approved by"):
        approve_proposal(proposal=holiday, approver=second_manager)
    with pytest.raises(ProposalError, match="Already approved by"):
        reject_proposal(proposal=holiday, approver=second_manager, comment="no")


def test_a_rejected_proposal_stays_rejected(holiday, manager, second_manager, csm):
    reject_proposal(proposal=holiday, approver=manager, comment="No.")
    with pytest.raises(ProposalError, match="Already rejected by"):
        approve_proposal(proposal=holiday, approver=second_manager)
    with pytest.raises(ProposalError, match="rejected is final"):
        withdraw_proposal(proposal=holiday, user=csm)


@pytest.mark.parametrize(
    ("setup", "move", "message"),
    [
        ([], "apply", "from submitted it can go to approved, rejected, withdrawn"),
        ([], "end", "from submitted"),
        (["withdraw"], "apply", "withdrawn is final"),
        (["approve"], "end", "from approved it can go to applied, withdrawn"),
        (["approve", "apply"], "withdraw", "from applied it can go to ended"),
        (["approve", "apply"], "apply", "already"),
        (["approve", "apply", "end"], "apply", "ended is final"),
        (["approve", "apply", "end"], "end", "already"),
    ],
)
def test_moves_the_state_machine_forbids(holiday, csm, manager, setup, move, message):
    moves = {
        "approve": lambda: approve_proposal(proposal=holiday, approver=manager),
        "apply": lambda: apply_proposal(proposal=holiday, user=csm, today=TODAY),
        "end": lambda: end_proposal(proposal=holiday, user=csm, today=TODAY),
        "withdraw": lambda: withdraw_proposal(proposal=holiday, user=csm),
    }
    for step in setup:
        moves[step]()
    events = ProposalEvent.objects.count()
    with pytest.raises(ProposalError, match=message):
        moves[move]()
    assert ProposalEvent.objects.count() == events  # a refused move leaves no trace


def test_approving_a_draft_says_it_was_not_submitted(at_risk, levers, csm, manager):
    draft = propose(at_risk, levers["payment_holiday"], csm, submit=False)
    with pytest.raises(ProposalError, match="not been submitted"):
        approve_proposal(proposal=draft, approver=manager)


# --- e-mails -----------------------------------------------------------------------------------


def test_decision_email_goes_to_the_proposer_on_commit(
    holiday, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve_proposal(proposal=holiday, approver=manager, comment="Keep them with us.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.com"]
    assert message.subject == "Payment holiday for Nordwind Voyages: approved"
    assert "Keep them with us." in message.body
    assert f"/playbooks/proposals/{holiday.pk}/" in message.body


def test_decision_email_is_in_the_proposer_language_with_an_absolute_link(
    holiday, manager, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://churnguard.example.com"
    holiday.proposed_by.language = "fr"
    holiday.proposed_by.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        approve_proposal(proposal=holiday, approver=manager, comment="On les garde.")
    message = mail.outbox[0]
    subject = message.subject.replace("\xa0", " ")
    assert subject == "Proposition « Suspension de paiement » pour Nordwind Voyages : approuvée"
    assert f"https://churnguard.example.com/playbooks/proposals/{holiday.pk}/" in message.body
    assert "Payment holiday" not in message.body


def test_rejection_email_carries_the_reason(holiday, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reject_proposal(proposal=holiday, approver=manager, comment="Ask for a longer contract.")
    assert mail.outbox[0].subject.endswith(": rejected")
    assert "Ask for a longer contract." in mail.outbox[0].body


def test_a_mail_server_down_does_not_undo_the_decision(
    holiday, manager, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    import playbooks.services

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(playbooks.services, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        approve_proposal(proposal=holiday, approver=manager)
    holiday.refresh_from_db()
    assert holiday.state == "approved"
    assert "SMTP down" in caplog.text


def test_a_refused_decision_sends_nothing(holiday, teammate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        approve_proposal(proposal=holiday, approver=teammate)
    assert mail.outbox == []


# --- outcomes and plays ------------------------------------------------------------------------


def test_outcome_is_recorded_on_an_applied_lever_only(holiday, csm, manager):
    with pytest.raises(ProposalError, match="applied"):
        record_outcome(proposal=holiday, outcome="saved", user=csm)
    approve_proposal(proposal=holiday, approver=manager)
    apply_proposal(proposal=holiday, user=csm, today=TODAY)
    assert record_outcome(proposal=holiday, outcome="saved", user=csm).outcome == "saved"
    assert ProposalEvent.objects.filter(proposal=holiday).last().comment == (
        "Outcome at renewal: Saved"
    )
    with pytest.raises(ProposalError, match="Unknown outcome"):
        record_outcome(proposal=holiday, outcome="maybe", user=csm)


def test_renewal_outcome_is_recorded_on_every_lever_applied_to_the_account(
    holiday, at_risk, levers, csm, manager
):
    deferral = propose(at_risk, levers["payment_deferral"], csm)
    pending = propose(at_risk, levers["payment_deferral"], csm, params={"months": "1"})
    for proposal in (holiday, deferral):
        approve_proposal(proposal=proposal, approver=manager)
        apply_proposal(proposal=proposal, user=csm, today=TODAY)
    record_outcome(proposal=deferral, outcome="saved", user=csm)
    assert record_renewal_outcome(account=at_risk, outcome="lost", user=None) == 1
    outcomes = dict(Proposal.objects.values_list("pk", "outcome"))
    assert outcomes == {holiday.pk: "lost", deferral.pk: "saved", pending.pk: "unknown"}


def test_ticking_a_play_is_idempotent(at_risk, csm, levers):
    from playbooks.models import Play

    play = Play.objects.filter(phase="defense").first()
    set_play_done(account=at_risk, play=play, user=csm, done=True)
    set_play_done(account=at_risk, play=play, user=csm, done=True)
    assert PlayCheck.objects.get().done_by == csm
    set_play_done(account=at_risk, play=play, user=csm, done=False)
    set_play_done(account=at_risk, play=play, user=csm, done=False)
    # Unticked, not deleted: the tick stays in the history with who unticked it.
    (check,) = PlayCheck.objects.all()
    assert check.done_by == csm and check.undone_by == csm and check.undone_at is not None
    assert not PlayCheck.objects.filter(undone_at__isnull=True).exists()
    # Ticked again: a new current tick beside the one undone.
    set_play_done(account=at_risk, play=play, user=csm, done=True)
    assert PlayCheck.objects.count() == 2
    assert PlayCheck.objects.filter(undone_at__isnull=True).count() == 1
