"""The playbook through the client: the account page's panel, proposals, the approval queue."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from playbooks.models import Play, PlayCheck, Proposal
from playbooks.presenters import playbook_panel
from playbooks.services import apply_proposal, approve_proposal, record_outcome
from tests.conftest import client_for
from tests.factories import AccountFactory
from tests.playbooks.conftest import propose

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def propose_url(account):
    return reverse("playbooks:propose", args=[account.pk])


def form_data(chosen, **overrides):
    data = {
        "lever": str(chosen.pk),
        "param_months": "3",
        "give_back": "longer_commitment",
        "justification": "Bookings collapsed; they asked for three months off.",
        "action": "submit",
    }
    data.update(overrides)
    return data


# --- the account page --------------------------------------------------------------------------


def test_account_page_shows_recommendations_the_form_and_the_plays(csm_client, at_risk, levers):
    content = csm_client.get(reverse("accounts:detail", args=[at_risk.pk])).content.decode()
    assert 'id="playbook-panel"' in content
    assert "Company strategy: Secure MRR" in content
    assert "Payment holiday" in content
    assert "Protects €2,000/month at 82 % risk" in content  # the core's reason
    assert 'id="proposal-form"' in content
    assert "Plays for the Defense phase" in content
    assert "Write a proactive recovery plan" in content


def test_the_panel_costs_a_fixed_number_of_queries(at_risk, levers, csm, manager):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as few:
        playbook_panel(account=at_risk, user=csm, today=today)
    for months in ("1", "2", "3"):
        proposal = propose(at_risk, levers["payment_holiday"], csm, params={"months": months})
        approve_proposal(proposal=proposal, approver=manager)
        apply_proposal(proposal=proposal, user=csm, today=today)
    PlayCheck.objects.create(
        account=at_risk, play=Play.objects.filter(phase="defense").first(), done_at=timezone.now()
    )
    with CaptureQueriesContext(connection) as many:
        panel = playbook_panel(account=at_risk, user=csm, today=today)["playbook"]
    assert len(panel.applied) == 3
    assert len(many) == len(few) <= 6


def test_propose_from_the_panel_with_htmx_swaps_the_panel(csm_client, at_risk, levers):
    response = csm_client.post(
        propose_url(at_risk), form_data(levers["payment_holiday"]), headers=HX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="playbook-panel"')
    assert "Submitted: A manager decides on it." in content
    assert "Waiting for approval" in content
    proposal = Proposal.objects.get()
    assert (proposal.state, proposal.give_back) == ("submitted", "longer_commitment")


def test_propose_without_javascript_redirects_to_the_account(csm_client, at_risk, levers):
    response = csm_client.post(propose_url(at_risk), form_data(levers["payment_holiday"]))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{at_risk.pk}/#playbook-panel"
    assert Proposal.objects.get().state == "submitted"


def test_save_as_draft(csm_client, at_risk, levers):
    csm_client.post(propose_url(at_risk), form_data(levers["payment_holiday"], action="draft"))
    assert Proposal.objects.get().state == "draft"


def test_blank_parameter_takes_the_levers_default(csm_client, at_risk, levers):
    csm_client.post(propose_url(at_risk), form_data(levers["payment_holiday"], param_months=""))
    assert Proposal.objects.get().params == {"months": "3"}


@pytest.mark.parametrize(
    ("kind", "overrides", "message"),
    [
        ("payment_holiday", {"param_months": "-2"}, "Months cannot be negative."),
        ("payment_holiday", {"param_months": "12"}, "Months cannot be over 6."),
        ("payment_holiday", {"param_months": "lots"}, "Months must be a number."),
        (
            "temporary_downsell",
            {"param_percent": "130", "give_back": ""},
            "Discount percentage cannot be over 100.",
        ),
        (
            "early_access",
            {"give_back": ""},
            "Early access to new features applies only in phases growth, maturation",
        ),
        ("payment_holiday", {"justification": ""}, "This field is required."),
        ("payment_holiday", {"give_back": "webinar"}, "Select a valid choice."),
        ("payment_holiday", {"lever": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_shows_a_clear_error_and_saves_nothing(
    csm_client, at_risk, levers, kind, overrides, message
):
    data = form_data(levers[kind], **overrides)
    page = csm_client.post(propose_url(at_risk), data)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert "The lever was not proposed: please correct the errors below." in page.content.decode()
    fragment = csm_client.post(propose_url(at_risk), data, headers=HX)
    assert fragment.status_code == 200  # htmx swaps only 2xx: the errors must come through
    assert message in fragment.content.decode()
    assert not Proposal.objects.exists()


def test_propose_page_for_a_chosen_lever(csm_client, at_risk, levers):
    lever = levers["temporary_downsell"]
    page = csm_client.get(propose_url(at_risk), {"lever": lever.pk})
    content = page.content.decode()
    assert page.status_code == 200
    assert "Discount percentage" in content
    assert 'name="param_percent"' in content and 'value="30"' in content
    assert "<html" in content


def test_switching_lever_with_htmx_returns_the_form_only(csm_client, at_risk, levers):
    lever = levers["payment_deferral"]
    response = csm_client.get(propose_url(at_risk), {"lever": lever.pk, "panel": "1"}, headers=HX)
    content = response.content.decode()
    assert content.lstrip().startswith('<form id="proposal-form"')
    assert 'hx-target="#playbook-panel"' in content
    assert f'<option value="{lever.pk}" selected>' in content


# --- personas ----------------------------------------------------------------------------------


def test_owner_and_teammate_see_the_proposal_and_its_trail(holiday, csm, teammate):
    for user in (csm, teammate):
        response = client_for(user).get(reverse("playbooks:proposal-detail", args=[holiday.pk]))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Payment holiday" in content
        assert "€6,000" in content
        assert "Waiting for approval" in content


def test_outsider_gets_404_everywhere(holiday, at_risk, outsider, levers):
    client = client_for(outsider)
    play = Play.objects.filter(phase="defense").first()
    assert client.get(reverse("playbooks:proposal-detail", args=[holiday.pk])).status_code == 404
    assert client.get(propose_url(at_risk)).status_code == 404
    assert (
        client.post(propose_url(at_risk), form_data(levers["payment_holiday"])).status_code == 404
    )
    for action in ("submit", "withdraw", "apply", "end", "outcome"):
        url = reverse(f"playbooks:proposal-{action}", args=[holiday.pk])
        assert client.post(url, {"outcome": "saved"}).status_code == 404, action
    url = reverse("playbooks:play-check", args=[at_risk.pk, play.pk])
    assert client.post(url, {"done": "on"}).status_code == 404
    assert not PlayCheck.objects.exists()
    assert Proposal.objects.count() == 1


def test_manager_of_another_team_gets_404_on_our_proposal(holiday, other_manager):
    url = reverse("playbooks:proposal-decide", args=[holiday.pk])
    assert client_for(other_manager).post(url, {"decision": "approve"}).status_code == 404


def test_teammate_may_not_withdraw_the_owners_proposal(holiday, teammate):
    url = reverse("playbooks:proposal-withdraw", args=[holiday.pk])
    assert client_for(teammate).post(url).status_code == 403
    holiday.refresh_from_db()
    assert holiday.state == "submitted"


def test_owner_withdraws_and_sees_the_trail(holiday, csm):
    client = client_for(csm)
    url = reverse("playbooks:proposal-withdraw", args=[holiday.pk])
    response = client.post(url, {"comment": "They found the money."}, follow=True)
    content = response.content.decode()
    assert "Proposal withdrawn." in content
    assert "They found the money." in content
    holiday.refresh_from_db()
    assert holiday.state == "withdrawn"


def test_detail_page_shows_the_managers_buttons_only_to_a_manager(holiday, csm, manager):
    owner_page = client_for(csm).get(reverse("playbooks:proposal-detail", args=[holiday.pk]))
    assert 'value="approve"' not in owner_page.content.decode()
    manager_page = client_for(manager).get(reverse("playbooks:proposal-detail", args=[holiday.pk]))
    assert 'value="approve"' in manager_page.content.decode()


# --- the approval queue ------------------------------------------------------------------------


def test_csm_gets_403_on_the_queue(csm_client, holiday):
    assert csm_client.get(reverse("playbooks:approvals")).status_code == 403


def test_queue_empty_state(manager):
    content = client_for(manager).get(reverse("playbooks:approvals")).content.decode()
    assert "Nothing waits for your decision." in content


def test_queue_line_has_what_a_manager_needs_to_decide(holiday, manager):
    content = client_for(manager).get(reverse("playbooks:approvals")).content.decode()
    row = content[content.index(f'id="proposal-{holiday.pk}"') :]
    row = row[: row.index("</tr>")]
    for expected in (
        "Nordwind Voyages",
        "band-critical",
        "82",
        "Payment holiday",
        "€6,000",
        "A longer commitment" if holiday.give_back else "nothing",
        "Cash crunch after bookings collapsed.",
        holiday.proposed_by.display_name,
        'value="approve"',
        'value="reject"',
    ):
        assert expected in row, expected


def test_queue_shows_only_what_the_manager_may_decide(
    holiday, at_risk, levers, csm, manager, other_team
):
    too_big = propose(at_risk, levers["payment_holiday"], csm, params={"months": "6"})
    own = propose(at_risk, levers["payment_deferral"], manager)
    elsewhere = propose(
        AccountFactory(team=other_team, phase="defense", risk_band="high", risk_score=70),
        levers["payment_deferral"],
        csm,
    )
    content = client_for(manager).get(reverse("playbooks:approvals")).content.decode()
    assert f'id="proposal-{holiday.pk}"' in content
    for hidden in (too_big, own, elsewhere):
        assert f'id="proposal-{hidden.pk}"' not in content
    assert "1 proposal of your teams is above your limits and waits for an admin." in content


def test_admin_queue_has_the_big_ones_too(holiday, at_risk, levers, csm, plain_admin):
    big = propose(at_risk, levers["payment_holiday"], csm, params={"months": "6"})
    content = client_for(plain_admin).get(reverse("playbooks:approvals")).content.decode()
    assert f'id="proposal-{holiday.pk}"' in content
    assert f'id="proposal-{big.pk}"' in content


def test_queue_does_not_grow_queries_with_its_rows(holiday, at_risk, levers, csm, manager):
    client = client_for(manager)
    client.get(reverse("playbooks:approvals"))  # session and user cached
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("playbooks:approvals"))
    for _ in range(4):
        propose(at_risk, levers["payment_deferral"], csm)
    with CaptureQueriesContext(connection) as five_rows:
        content = client.get(reverse("playbooks:approvals")).content.decode()
    assert content.count('class="queue-row') == 5
    assert len(five_rows) == len(one_row)


def test_approve_inline_returns_the_updated_row(
    holiday, manager, django_capture_on_commit_callbacks
):
    url = reverse("playbooks:proposal-decide", args=[holiday.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(url, {"decision": "approve", "comment": ""}, headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith(f'<tr id="proposal-{holiday.pk}"')
    assert "Approved" in content and "by " in content
    assert 'value="approve"' not in content
    holiday.refresh_from_db()
    assert (holiday.state, holiday.decided_by) == ("approved", manager)
    assert len(mail.outbox) == 1


def test_reject_without_a_comment_keeps_the_row_open_with_an_error(holiday, manager):
    url = reverse("playbooks:proposal-decide", args=[holiday.pk])
    response = client_for(manager).post(url, {"decision": "reject", "comment": ""}, headers=HX)
    content = response.content.decode()
    assert "Say why you reject it: the CSM needs a reason." in content
    assert 'value="reject"' in content
    holiday.refresh_from_db()
    assert holiday.state == "submitted"


def test_reject_with_a_comment(holiday, manager):
    url = reverse("playbooks:proposal-decide", args=[holiday.pk])
    data = {"decision": "reject", "comment": "Ask for a case study first."}
    response = client_for(manager).post(url, data, headers=HX)
    assert "Rejected" in response.content.decode()
    holiday.refresh_from_db()
    assert holiday.state == "rejected"


def test_second_manager_gets_already_approved_in_the_row(holiday, manager, second_manager):
    approve_proposal(proposal=holiday, approver=manager)
    url = reverse("playbooks:proposal-decide", args=[holiday.pk])
    response = client_for(second_manager).post(
        url, {"decision": "reject", "comment": "no"}, headers=HX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert f"Already approved by {manager.display_name}." in content
    holiday.refresh_from_db()
    assert holiday.state == "approved"


def test_csm_cannot_decide(holiday, teammate):
    url = reverse("playbooks:proposal-decide", args=[holiday.pk])
    assert client_for(teammate).post(url, {"decision": "approve"}).status_code == 403


def test_manager_cannot_decide_their_own_proposal(at_risk, levers, manager):
    own = propose(at_risk, levers["payment_deferral"], manager)
    url = reverse("playbooks:proposal-decide", args=[own.pk])
    assert client_for(manager).post(url, {"decision": "approve"}).status_code == 403


def test_decide_without_javascript_redirects_back_to_the_queue(holiday, manager):
    url = reverse("playbooks:proposal-decide", args=[holiday.pk])
    response = client_for(manager).post(
        url, {"decision": "approve", "next": "/playbooks/approvals/"}
    )
    assert response["Location"] == "/playbooks/approvals/"


def test_decide_ignores_a_next_on_another_site(holiday, manager):
    url = reverse("playbooks:proposal-decide", args=[holiday.pk])
    response = client_for(manager).post(
        url, {"decision": "approve", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("playbooks:proposal-detail", args=[holiday.pk])


def test_get_on_an_action_is_refused(holiday, manager):
    assert (
        client_for(manager).get(reverse("playbooks:proposal-decide", args=[holiday.pk])).status_code
        == 405
    )


# --- running the lever -------------------------------------------------------------------------


def test_apply_from_the_account_page_returns_there(holiday, csm, manager):
    approve_proposal(proposal=holiday, approver=manager)
    client = client_for(csm)
    account_url = f"/accounts/{holiday.account_id}/#playbook-panel"
    url = reverse("playbooks:proposal-apply", args=[holiday.pk])
    response = client.post(url, {"next": account_url})
    assert response["Location"] == account_url
    content = client.get(f"/accounts/{holiday.account_id}/").content.decode()
    assert "Levers applied" in content
    holiday.refresh_from_db()
    assert holiday.state == "applied"


def test_a_refused_move_is_a_message_not_an_error(holiday, csm):
    url = reverse("playbooks:proposal-apply", args=[holiday.pk])
    response = client_for(csm).post(url, follow=True)
    assert response.status_code == 200
    assert "Cannot move a proposal from submitted to applied" in response.content.decode()


def test_record_outcome_and_end(holiday, csm, manager):
    approve_proposal(proposal=holiday, approver=manager)
    apply_proposal(proposal=holiday, user=csm, today=timezone.localdate())
    client = client_for(csm)
    client.post(reverse("playbooks:proposal-outcome", args=[holiday.pk]), {"outcome": "saved"})
    client.post(reverse("playbooks:proposal-end", args=[holiday.pk]), {"comment": "Renewed."})
    holiday.refresh_from_db()
    assert (holiday.outcome, holiday.state) == ("saved", "ended")
    bad = client.post(reverse("playbooks:proposal-outcome", args=[holiday.pk]), {"outcome": "?"})
    assert bad.status_code == 302


# --- plays and the catalogue -------------------------------------------------------------------


def test_ticking_a_play_with_htmx_returns_the_checklist(csm_client, at_risk, csm, levers):
    play = Play.objects.get(phase="defense", title="Write a proactive recovery plan")
    url = reverse("playbooks:play-check", args=[at_risk.pk, play.pk])
    response = csm_client.post(url, {"done": "on"}, headers=HX)
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="play-checklist"')
    assert "checked" in content and "Done by" in content
    assert PlayCheck.objects.get().done_by == csm
    unticked = csm_client.post(url, {}, headers=HX)  # unticked: the box sends nothing
    assert "Done by" not in unticked.content.decode()
    assert not PlayCheck.objects.filter(undone_at__isnull=True).exists()
    assert PlayCheck.objects.get().undone_by == csm  # kept in the history


def test_ticking_a_play_without_javascript_redirects(csm_client, at_risk, levers):
    play = Play.objects.filter(phase="defense").first()
    response = csm_client.post(
        reverse("playbooks:play-check", args=[at_risk.pk, play.pk]), {"done": "on"}
    )
    assert response["Location"] == f"/accounts/{at_risk.pk}/#play-checklist"


def test_catalogue_page_counts_saved_lost_and_cost(holiday, at_risk, levers, csm, manager):
    lost = propose(at_risk, levers["payment_holiday"], csm, params={"months": "1"})
    for proposal, outcome in ((holiday, "saved"), (lost, "lost")):
        approve_proposal(proposal=proposal, approver=manager)
        apply_proposal(proposal=proposal, user=csm, today=timezone.localdate())
        record_outcome(proposal=proposal, outcome=outcome, user=csm)
    response = client_for(manager).get(reverse("playbooks:levers"))
    content = response.content.decode()
    row = content[content.index("<strong>Payment holiday</strong>") :]
    row = row[: row.index("</tr>")]
    cells = [cell.split(">")[-1] for cell in row.split("</td>")[3:8]]
    assert cells == ["2", "1", "1", "0", "€8,000"]


def test_catalogue_stats_are_scoped_to_visible_accounts(holiday, csm, manager, outsider):
    approve_proposal(proposal=holiday, approver=manager)
    apply_proposal(proposal=holiday, user=csm, today=timezone.localdate())
    content = client_for(outsider).get(reverse("playbooks:levers")).content.decode()
    assert "€6,000" not in content


def test_money_stays_decimal(holiday):
    assert isinstance(holiday.cash_impact, Decimal)
