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


def test_an_admin_backtests_a_draft_by_version_horizon_and_dates(
    admin_client, history, worse_draft, active
):
    params = {
        "model": worse_draft.version,
        "horizon_days": 60,
        "date_from": (LONG_AGO - timedelta(days=1)).isoformat(),
        "date_to": LONG_AGO.isoformat(),
    }
    response = admin_client.get(reverse("risk:backtest"), params)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.model_version == worse_draft.version and result.horizon_days == 60
    assert result.date_from == LONG_AGO - timedelta(days=1) and result.date_to == LONG_AGO
    assert result.figures.n == 6
    content = response.content.decode()
    assert f"Model v{worse_draft.version}, churn within 60 days" in content
    assert "Cases dated from" in content
    # The same cases for the active model: the draft predicts worse, as the review says.
    active_result = admin_client.get(reverse("risk:backtest"), {**params, "model": ""}).context[
        "result"
    ]
    assert active_result.model_version == active.version
    assert active_result.figures.auc > result.figures.auc
    # The version's page links its backtest, which shows the default horizon it used.
    detail = admin_client.get(reverse("risk:model-detail", args=[worse_draft.pk]))
    link = f"{reverse('risk:backtest')}?model={worse_draft.version}"
    assert link in detail.content.decode()
    linked = admin_client.get(link)
    assert linked.context["result"].horizon_days == 90
    assert 'name="horizon_days" value="90"' in linked.content.decode()


def test_a_date_range_without_cases_says_so(history, manager):
    after = (LONG_AGO + timedelta(days=1)).isoformat()
    response = client_for(manager).get(
        reverse("risk:backtest"), {"date_from": after, "date_to": after}
    )
    assert response.status_code == 200
    assert response.context["figures"].n == 0
    assert "No score between these dates has a known outcome yet" in response.content.decode()


def test_a_manager_backtests_published_and_retired_versions_but_not_drafts(
    history, manager, worse_draft, active
):
    client = client_for(manager)
    choices = [label for _, label in response_choices(client)]
    assert f"v{active.version} (Published)" in choices
    assert f"v{worse_draft.version} (Draft)" not in choices
    response = client.get(reverse("risk:backtest"), {"model": worse_draft.version})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    # Once replaced, the old version is retired and can still be backtested.
    RiskModel.objects.filter(pk=active.pk).update(status=ModelStatus.RETIRED)
    RiskModel.objects.filter(pk=worse_draft.pk).update(status=ModelStatus.PUBLISHED)
    response = client.get(reverse("risk:backtest"), {"model": active.version})
    assert response.status_code == 200
    assert response.context["result"].model_version == active.version
    assert response.context["figures"].n == 6


def response_choices(client):
    form = client.get(reverse("risk:backtest")).context["form"]
    return list(form.fields["model"].choices)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"model": "999"}, "model"),
        ({"model": "v1"}, "model"),
        ({"model": "99999999999999999999999"}, "model"),
        ({"model": "-1"}, "model"),
        ({"horizon_days": "abc"}, "horizon_days"),
        ({"horizon_days": "0"}, "horizon_days"),
        ({"horizon_days": "731"}, "horizon_days"),
        ({"horizon_days": "1e309"}, "horizon_days"),
        ({"date_from": "not a date"}, "date_from"),
        ({"date_to": "1200-01-01"}, "date_to"),
        ({"date_from": "2025-06-02", "date_to": "2025-06-01"}, "date_to"),
    ],
)
def test_the_backtest_form_answers_bad_values_with_form_errors(history, manager, params, field):
    response = client_for(manager).get(reverse("risk:backtest"), params)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert response.context.get("result") is None
    assert "Correct the form to see the figures." in response.content.decode()


def test_the_backtest_form_reads_in_french(history, manager):
    client = client_for(manager)
    client.cookies["django_language"] = "fr"
    response = client.get(
        reverse("risk:backtest"),
        {"date_from": "2025-06-02", "date_to": "2025-06-01"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    content = response.content.decode()
    assert "Choisissez une date égale ou postérieure à la première." in content
    assert "Version du modèle" in content and "Le modèle actif" in content
