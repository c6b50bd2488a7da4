"""Governance: a draft is backtested beside the active version before it is published; a draft
that predicts worse needs a reason, kept in the audit trail. The backtest page and the
suggestion button."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from risk.models import ModelPublication, ModelStatus, RiskModel, SuggestionRequest
from risk.risk_models.services import create_draft, update_draft
from risk.services.as_of import score_as_of
from risk.services.governance import compare_with_active
from risk.services.runs import start_rescore_run
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - timedelta(days=400)


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)


@pytest.fixture
def active():
    return RiskModel.objects.get(status=ModelStatus.PUBLISHED)


@pytest.fixture
def history(team, csm):
    """Six accounts scored a year ago; the three renewing soon then churned within 90 days."""
    start = LONG_AGO - timedelta(days=400)
    for i in range(6):
        near = i < 3
        AccountFactory(
            team=team,
            owner=csm,
            contract_start=start,
            renewal_date=LONG_AGO + timedelta(days=20 if near else 300),
            status="churned" if near else "active",
            churned_on=LONG_AGO + timedelta(days=30) if near else None,
        )
    score_as_of(as_of=LONG_AGO)
    start_rescore_run(trigger="command", synchronous=True)


@pytest.fixture
def worse_draft(active, admin_user):
    """A draft blind to renewals and with a lower critical band: it predicts worse."""
    draft = create_draft(source=active, user=admin_user)
    config = {**draft.config, "renewal_thresholds": [], "renewal_overdue_points": 0}
    config["industry_points"] = {**config["industry_points"], "software": 40}
    update_draft(model=draft, config=config)
    return draft


def test_a_draft_and_the_active_version_are_backtested_on_the_same_cases(history, worse_draft):
    comparison = compare_with_active(draft=worse_draft)
    assert comparison.draft.figures.n == comparison.active.figures.n == 6
    assert comparison.active.figures.auc > comparison.draft.figures.auc
    assert comparison.predicts_worse
    # Every active account moves up with 40 more points for its industry.
    assert comparison.changed_accounts == 3
    assert {c.new_band for c in comparison.band_changes} <= {"high", "critical"}


def test_the_review_page_shows_both_versions_and_the_band_changes(
    admin_client, history, worse_draft, active
):
    response = admin_client.get(reverse("risk:model-review", args=[worse_draft.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Draft v{worse_draft.version}" in content
    assert f"Active v{active.version}" in content
    assert "3 accounts would change band" in content
    assert "predicts worse" in content


def test_publishing_a_worse_draft_without_a_reason_is_refused(admin_client, history, worse_draft):
    url = reverse("risk:model-review", args=[worse_draft.pk])
    response = admin_client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "say why you publish it" in response.content.decode()
    worse_draft.refresh_from_db()
    assert worse_draft.status == ModelStatus.DRAFT
    assert not ModelPublication.objects.exists()
    # The old publish button cannot skip the review either.
    response = admin_client.post(reverse("risk:model-publish", args=[worse_draft.pk]))
    assert response.url == url
    worse_draft.refresh_from_db()
    assert worse_draft.status == ModelStatus.DRAFT


def test_publishing_a_worse_draft_with_a_reason_keeps_it_in_the_audit_trail(
    admin_client, admin_user, history, worse_draft, active
):
    url = reverse("risk:model-review", args=[worse_draft.pk])
    response = admin_client.post(url, {"reason": "Industry exposure matters more this year."})
    assert response.status_code == 302
    worse_draft.refresh_from_db()
    assert worse_draft.status == ModelStatus.PUBLISHED
    publication = ModelPublication.objects.get()
    assert publication.risk_model == worse_draft and publication.replaced == active
    assert publication.predicts_worse and publication.published_by == admin_user
    assert publication.reason == "Industry exposure matters more this year."
    assert publication.auc < publication.replaced_auc


def test_a_draft_that_predicts_as_well_publishes_without_a_reason(
    admin_client, history, active, admin_user
):
    same = create_draft(source=active, user=admin_user)
    response = admin_client.post(reverse("risk:model-review", args=[same.pk]), {"reason": ""})
    assert response.status_code == 302
    same.refresh_from_db()
    assert same.status == ModelStatus.PUBLISHED
    assert not ModelPublication.objects.get().predicts_worse


def test_only_admins_review_models(client, history, worse_draft, manager, csm):
    url = reverse("risk:model-review", args=[worse_draft.pk])
    for user in (manager, csm):
        assert client_for(user).get(url).status_code == 403


def test_the_backtest_page_shows_figures_a_chart_and_the_calibration_table(
    history, manager, django_assert_max_num_queries
):
    client = client_for(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("risk:backtest"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content and "chart-bar" in content
    assert "ROC AUC" in content and "Top-decile lift" in content
    assert response.context["figures"].n == 6
    assert "style=" not in content.split("<main", 1)[-1]


def test_the_backtest_page_refuses_a_bad_horizon_and_csms(history, manager, csm):
    response = client_for(manager).get(reverse("risk:backtest"), {"horizon_days": "0"})
    assert response.status_code == 400
    assert client_for(csm).get(reverse("risk:backtest")).status_code == 403


def test_the_backtest_page_says_so_when_no_case_is_known_yet(manager):
    response = client_for(manager).get(reverse("risk:backtest"))
    assert response.status_code == 200
    assert "No past score has a known outcome yet" in response.content.decode()


def test_the_suggestion_button_refuses_a_date_without_enough_history(admin_client, history):
    response = admin_client.post(
        reverse("risk:model-suggest"), {"train_before": TODAY.isoformat()}, follow=True
    )
    assert "No suggestion can be learned from the history before" in response.content.decode()
    assert RiskModel.objects.count() == 1
    response = admin_client.post(reverse("risk:model-suggest"), {"train_before": "not a date"})
    assert response.status_code == 302
    assert RiskModel.objects.count() == 1
    assert SuggestionRequest.objects.count() == 1  # the bad date was never a request
