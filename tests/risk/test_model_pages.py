"""The admin's risk-model editor: list, draft, edit each part, publish."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Account, Industry
from risk import engine
from risk.models import ModelStatus, RescoreRun, RiskModel, RunStatus, Score
from risk.risk_models.services import create_draft
from risk.services.scores import score_accounts
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)


@pytest.fixture
def published():
    return RiskModel.objects.get(status=ModelStatus.PUBLISHED)


@pytest.fixture
def draft(published, admin_user):
    return create_draft(source=published, user=admin_user, notes="Testing")


def edit_urls(pk):
    return [
        reverse(name, args=[pk])
        for name in (
            "risk:model-general",
            "risk:model-weights",
            "risk:model-industries",
            "risk:model-country-save",
            "risk:model-country-remove",
            "risk:model-custom-factor-save",
            "risk:model-category-factor-save",
            "risk:model-custom-factor-remove",
            "risk:model-publish",
        )
    ]


def general_data(**overrides):
    data = {
        "base_score": "20",
        "medium": "35",
        "high": "55",
        "critical": "75",
        "max_fact_age_days": "180",
        "notes": "",
    }
    return data | overrides


def weights_data(draft, **overrides):
    weights = draft.config["weights"]
    return {f: str(weights.get(f, 1.0)) for f in engine.FACTORS} | overrides


def industry_data(draft, **overrides):
    points = draft.config["industry_points"]
    return {code: str(points.get(code, "")) for code in Industry.values} | overrides


def custom_data(**overrides):
    data = {
        "custom-signal": "nps",
        "custom-label": "Net promoter score",
        "custom-higher_is_riskier": "no",
        "custom-value_1": "0",
        "custom-points_1": "10",
        "custom-value_2": "30",
        "custom-points_2": "4",
    }
    return data | overrides


def country_data(**overrides):
    data = {
        "country-country": "FR",
        "country-effective_from": "2025-01-01",
        "country-points": "5",
        "country-note": "energy prices",
    }
    return data | overrides


# Who may see the pages --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["csm", "manager"])
def test_csm_and_manager_get_403_on_every_page(request, persona, draft):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("risk:model-list")).status_code == 403
    assert client.get(reverse("risk:model-detail", args=[draft.pk])).status_code == 403
    assert client.post(reverse("risk:model-draft-create")).status_code == 403
    for url in edit_urls(draft.pk):
        assert client.post(url, {}).status_code == 403, url
    draft.refresh_from_db()
    assert draft.status == ModelStatus.DRAFT


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(reverse("risk:model-detail", args=[draft.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# Reading ---------------------------------------------------------------------------------------


def test_list_shows_versions_with_status_and_publisher(admin_client, published, draft):
    content = admin_client.get(reverse("risk:model-list")).content.decode()
    assert f"v{published.version}" in content
    assert f"v{draft.version}" in content
    assert "Published" in content and "Draft" in content
    assert "Testing" in content  # the draft's notes
    assert "New draft from the published model" in content


def test_list_query_count_does_not_grow_with_versions(
    admin_client, published, admin_user, django_assert_max_num_queries
):
    for _ in range(5):
        create_draft(source=published, user=admin_user)
    # session + user, then one query for the versions with their people.
    with django_assert_max_num_queries(4):
        admin_client.get(reverse("risk:model-list"))


def test_published_model_reads_as_tables_without_forms(admin_client, published):
    content = admin_client.get(reverse("risk:model-detail", args=[published.pk])).content.decode()
    assert "Score and bands" in content
    assert "Travel" in content and "+18" in content  # industry table
    assert "Italy" in content and "first and longest lockdowns" in content  # dated country rows
    assert "EU-South" in content  # regions
    assert "CSAT (1-5)" in content  # custom factors
    assert "Adoption trend" in content  # weights per factor
    assert 'name="base_score"' not in content
    assert reverse("risk:model-publish", args=[published.pk]) not in content


def test_draft_page_is_an_editor_with_a_publish_button(admin_client, draft):
    content = admin_client.get(reverse("risk:model-detail", args=[draft.pk])).content.decode()
    assert 'name="base_score"' in content
    assert 'name="travel"' in content
    assert 'name="usage_trend"' in content
    assert 'name="country-country"' in content
    assert 'name="custom-signal"' in content
    assert reverse("risk:model-publish", args=[draft.pk]) in content
    assert "every active account is rescored" in content


# Drafting and editing --------------------------------------------------------------------------


def test_admin_creates_a_draft_from_the_published_model(admin_client, published, admin_user):
    response = admin_client.post(reverse("risk:model-draft-create"), {"notes": "Tourism is back"})
    draft = RiskModel.objects.get(status=ModelStatus.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == reverse("risk:model-detail", args=[draft.pk])
    assert draft.version == published.version + 1
    assert draft.config == published.config
    assert (draft.notes, draft.created_by) == ("Tourism is back", admin_user)


def test_admin_edits_general_settings_and_notes(admin_client, draft):
    url = reverse("risk:model-general", args=[draft.pk])
    data = general_data(base_score="25", high="60", notes="Higher base")
    response = admin_client.post(url, data, follow=True)
    assert "General settings saved." in response.content.decode()
    draft.refresh_from_db()
    assert draft.config["base_score"] == 25
    assert draft.config["bands"] == {"medium": 35, "high": 60, "critical": 75}
    assert draft.notes == "Higher base"


def test_admin_edits_weights(admin_client, draft):
    url = reverse("risk:model-weights", args=[draft.pk])
    response = admin_client.post(url, weights_data(draft, industry="1.5", usage_trend="0"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.config["weights"]["industry"] == 1.5
    assert draft.config["weights"]["usage_trend"] == 0
    engine.ModelConfig.from_dict(draft.config)


def test_admin_edits_industry_points_with_htmx_and_gets_the_section_back(admin_client, draft):
    url = reverse("risk:model-industries", args=[draft.pk])
    response = admin_client.post(url, industry_data(draft, travel="25", media=""), headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="model-industries"')
    assert "Industry points saved." in content
    assert 'value="25"' in content
    draft.refresh_from_db()
    assert draft.config["industry_points"]["travel"] == 25
    assert "media" not in draft.config["industry_points"]  # blank leaves it out


def test_admin_adds_changes_and_removes_a_country_row(admin_client, draft):
    save = reverse("risk:model-country-save", args=[draft.pk])
    admin_client.post(save, country_data())
    admin_client.post(save, country_data(**{"country-points": "7", "country-note": "worse"}))
    later = {"country-effective_from": "2026-01-01", "country-points": "2", "country-note": ""}
    admin_client.post(save, country_data(**later))
    draft.refresh_from_db()
    assert draft.config["country_points"]["FR"] == [
        {"effective_from": "2025-01-01", "points": 7, "note": "worse"},
        {"effective_from": "2026-01-01", "points": 2, "note": ""},
    ]
    remove = reverse("risk:model-country-remove", args=[draft.pk])
    for day in ("2025-01-01", "2026-01-01"):
        assert (
            admin_client.post(remove, {"country": "FR", "effective_from": day}).status_code == 302
        )
    draft.refresh_from_db()
    assert "FR" not in draft.config["country_points"]  # the region applies again


def test_removing_a_row_that_is_not_there_says_so(admin_client, draft):
    url = reverse("risk:model-country-remove", args=[draft.pk])
    response = admin_client.post(url, {"country": "FR", "effective_from": "2001-01-01"})
    assert response.status_code == 400
    assert "That country row is not in this model." in response.content.decode()


def test_admin_adds_and_removes_a_custom_factor(admin_client, draft):
    url = reverse("risk:model-custom-factor-save", args=[draft.pk])
    response = admin_client.post(url, custom_data(), follow=True)
    assert "Custom factor “Net promoter score” added." in response.content.decode()
    draft.refresh_from_db()
    nps = next(cf for cf in draft.config["custom_factors"] if cf["signal"] == "nps")
    assert nps == {
        "signal": "nps",
        "label": "Net promoter score",
        "higher_is_riskier": False,
        "thresholds": [{"value": "0", "points": 10}, {"value": "30", "points": 4}],
    }
    assert engine.ModelConfig.from_dict(draft.config).compiled.weights["signal:nps"] == 1.0

    remove = reverse("risk:model-custom-factor-remove", args=[draft.pk])
    admin_client.post(remove, {"signal": "nps"}, headers=HTMX)
    draft.refresh_from_db()
    assert [cf["signal"] for cf in draft.config["custom_factors"]] == ["csat", "open_tickets"]


def test_removing_a_weighted_custom_factor_drops_its_weight(admin_client, draft):
    config = draft.config | {"weights": draft.config["weights"] | {"signal:csat": 2.0}}
    RiskModel.objects.filter(pk=draft.pk).update(config=config)
    admin_client.post(
        reverse("risk:model-custom-factor-remove", args=[draft.pk]), {"signal": "csat"}
    )
    draft.refresh_from_db()
    assert "signal:csat" not in draft.config["weights"]
    engine.ModelConfig.from_dict(draft.config)


def test_saving_an_existing_signal_replaces_its_factor(admin_client, draft):
    url = reverse("risk:model-custom-factor-save", args=[draft.pk])
    data = custom_data(
        **{
            "custom-signal": "csat",
            "custom-label": "CSAT",
            "custom-value_2": "",
            "custom-points_2": "",
        }
    )
    response = admin_client.post(url, data, follow=True)
    assert "Custom factor “CSAT” updated." in response.content.decode()
    draft.refresh_from_db()
    csat = [cf for cf in draft.config["custom_factors"] if cf["signal"] == "csat"]
    assert csat == [
        {
            "signal": "csat",
            "label": "CSAT",
            "higher_is_riskier": False,
            "thresholds": [{"value": "0", "points": 10}],
        }
    ]


def category_data(**overrides):
    data = {
        "category-signal": "plan",
        "category-label": "Plan",
        "category-categories": "starter = 9\r\n\r\nteam=4\r\nenterprise plan = -3",
        "category-other_points": "2",
    }
    return data | overrides


def test_admin_adds_a_factor_on_a_category_signal_and_sees_its_points(admin_client, draft):
    url = reverse("risk:model-category-factor-save", args=[draft.pk])
    response = admin_client.post(url, category_data(), follow=True)
    content = response.content.decode()
    assert "Custom factor “Plan” added." in content
    assert "starter → +9" in content and "enterprise plan → -3" in content
    draft.refresh_from_db()
    plan = next(cf for cf in draft.config["custom_factors"] if cf["signal"] == "plan")
    assert plan == {
        "signal": "plan",
        "label": "Plan",
        "categories": {"starter": 9, "team": 4, "enterprise plan": -3},
        "other_points": 2,
    }
    model = engine.ModelConfig.from_dict(draft.config)
    today = date(2026, 9, 1)
    facts = engine.AccountFacts(signals={"plan": engine.SignalReading(None, today, "starter")})
    assert engine.assess(facts, model, as_of=today).score == model.base_score + 9


# Validation: nothing saved on error ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        (
            "risk:model-general",
            general_data(max_fact_age_days="-5"),
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            "risk:model-general",
            general_data(medium="55"),
            "The medium band must start below the high band.",
        ),
        (
            "risk:model-general",
            general_data(high="80"),
            "The high band must start below the critical band.",
        ),
        (
            "risk:model-country-save",
            country_data(**{"country-country": "XX"}),
            "Unknown country code",
        ),
        (
            "risk:model-country-save",
            country_data(**{"country-effective_from": "2025-02-31"}),
            "Enter a valid date.",
        ),
        (
            "risk:model-custom-factor-save",
            custom_data(**{"custom-value_2": "lots"}),
            "Enter a number.",
        ),
        (
            "risk:model-custom-factor-save",
            custom_data(**{"custom-value_2": ""}),
            "Give the value this threshold starts at.",
        ),
        (
            "risk:model-custom-factor-save",
            custom_data(**{"custom-signal": "net promoter"}),
            "Enter a valid “slug”",
        ),
        (
            "risk:model-category-factor-save",
            category_data(**{"category-categories": "starter 9"}),
            "Line 1: write the category, then = and its points.",
        ),
        (
            "risk:model-category-factor-save",
            category_data(**{"category-categories": "starter = 9\nteam = lots"}),
            "Line 2: the points must be a whole number.",
        ),
        (
            "risk:model-category-factor-save",
            category_data(**{"category-categories": "starter = 9\nstarter = 4"}),
            "Line 2: “starter” is already listed.",
        ),
        (
            "risk:model-category-factor-save",
            category_data(**{"category-categories": "starter = 900"}),
            "Line 1: the points must be between -100 and 100.",
        ),
        (
            "risk:model-category-factor-save",
            category_data(**{"category-categories": "\n \n"}),
            "This field is required.",
        ),
        # The engine's own check, shown as the form's error: lower readings must score more.
        (
            "risk:model-custom-factor-save",
            custom_data(**{"custom-points_2": "20"}),
            "points must be 0 or more and grow as the value gets riskier",
        ),
    ],
)
def test_bad_input_shows_errors_and_saves_nothing(admin_client, draft, url_name, data, message):
    before = draft.config
    response = admin_client.post(reverse(url_name, args=[draft.pk]), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Nothing was saved" in content
    draft.refresh_from_db()
    assert draft.config == before


def test_bad_weight_with_htmx_returns_the_section_with_its_error(admin_client, draft):
    before = draft.config
    url = reverse("risk:model-weights", args=[draft.pk])
    response = admin_client.post(url, weights_data(draft, phase="7"), headers=HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="model-weights"')
    assert "Ensure this value is less than or equal to 5." in content
    draft.refresh_from_db()
    assert draft.config == before


def test_editing_a_draft_does_not_change_any_stored_score(admin_client, draft, account):
    score_accounts(accounts=[account.pk])
    account.refresh_from_db()
    stored = (account.risk_score, account.risk_band, account.risk_model_id, account.scored_at)
    scores = Score.objects.count()
    admin_client.post(
        reverse("risk:model-industries", args=[draft.pk]), industry_data(draft, travel="60")
    )
    admin_client.post(reverse("risk:model-general", args=[draft.pk]), general_data(base_score="50"))
    draft.refresh_from_db()
    assert draft.config["industry_points"]["travel"] == 60
    account.refresh_from_db()
    assert (
        account.risk_score,
        account.risk_band,
        account.risk_model_id,
        account.scored_at,
    ) == stored
    assert Score.objects.count() == scores


# Publishing ------------------------------------------------------------------------------------


def test_publishing_makes_the_draft_active_and_rescores_accounts(
    admin_client, published, draft, account, django_capture_on_commit_callbacks
):
    score_accounts(accounts=[account.pk])
    old_score = Score.objects.get(account=account)
    assert old_score.risk_model == published
    admin_client.post(
        reverse("risk:model-industries", args=[draft.pk]), industry_data(draft, travel="40")
    )

    # Celery runs eagerly in tests; the run's chunks are sent once the publish commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("risk:model-publish", args=[draft.pk]), follow=True)

    run = RescoreRun.objects.get(risk_model=draft)
    assert f"Rescore run #{run.pk}" in response.content.decode()
    assert run.status == RunStatus.SUCCEEDED
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (ModelStatus.PUBLISHED, ModelStatus.RETIRED)
    account.refresh_from_db()
    assert account.risk_model == draft
    old_score.refresh_from_db()
    assert old_score.risk_model == published
    assert Score.objects.filter(account=account, risk_model=draft).exists()
    assert Account.objects.exclude(risk_model=draft).filter(status="active").count() == 0


def test_publishing_with_htmx_redirects_the_browser(
    admin_client, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("risk:model-publish", args=[draft.pk]), headers=HTMX)
    assert response["HX-Redirect"] == reverse("risk:model-detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == ModelStatus.PUBLISHED


@pytest.mark.parametrize("status", [ModelStatus.PUBLISHED, ModelStatus.RETIRED])
def test_publishing_a_non_draft_is_refused_with_a_message(admin_client, published, status):
    model = published
    if status == ModelStatus.RETIRED:
        model = create_draft(source=published, user=None)
        RiskModel.objects.filter(pk=model.pk).update(status=ModelStatus.RETIRED)
    response = admin_client.post(reverse("risk:model-publish", args=[model.pk]), follow=True)
    assert response.status_code == 200
    assert "only a draft can be published" in response.content.decode()
    assert RescoreRun.objects.count() == 0
    published.refresh_from_db()
    assert published.status == ModelStatus.PUBLISHED


def test_published_model_cannot_be_edited(admin_client, published):
    before = published.config
    for url in edit_urls(published.pk)[:-1]:
        response = admin_client.post(url, general_data() | {"travel": "99"}, follow=True)
        assert "cannot be edited" in response.content.decode(), url
    response = admin_client.post(
        reverse("risk:model-weights", args=[published.pk]), {}, headers=HTMX
    )
    assert response["HX-Redirect"] == reverse("risk:model-detail", args=[published.pk])
    published.refresh_from_db()
    assert published.config == before
