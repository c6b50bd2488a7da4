from django.urls import path

from risk import governance_views
from risk.risk_models import views as model_views

app_name = "risk"
urlpatterns = [
    path("models/", model_views.model_list, name="model-list"),
    path("models/drafts/", model_views.model_draft_create, name="model-draft-create"),
    path("models/<int:pk>/", model_views.model_detail, name="model-detail"),
    path("models/<int:pk>/general/", model_views.model_general, name="model-general"),
    path("models/<int:pk>/weights/", model_views.model_weights, name="model-weights"),
    path("models/<int:pk>/industries/", model_views.model_industries, name="model-industries"),
    path("models/<int:pk>/countries/", model_views.model_country_save, name="model-country-save"),
    path(
        "models/<int:pk>/countries/remove/",
        model_views.model_country_remove,
        name="model-country-remove",
    ),
    path(
        "models/<int:pk>/custom-factors/",
        model_views.model_custom_factor_save,
        name="model-custom-factor-save",
    ),
    path(
        "models/<int:pk>/category-factors/",
        model_views.model_category_factor_save,
        name="model-category-factor-save",
    ),
    path(
        "models/<int:pk>/custom-factors/remove/",
        model_views.model_custom_factor_remove,
        name="model-custom-factor-remove",
    ),
    path("models/<int:pk>/publish/", model_views.model_publish, name="model-publish"),
    path("models/<int:pk>/review/", governance_views.model_review, name="model-review"),
    path("models/suggestions/", governance_views.model_suggest, name="model-suggest"),
    path("backtest/", governance_views.backtest_page, name="backtest"),
]
