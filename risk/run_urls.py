from django.urls import path

from risk import expected_churn_views, run_views

app_name = "runs"
urlpatterns = [
    path("", run_views.run_list, name="list"),
    path("start/", run_views.run_start, name="start"),
    path("expected-churn/", expected_churn_views.expected_churn_queue, name="expected-churn-queue"),
    path(
        "expected-churn/bulk/",
        expected_churn_views.expected_churn_bulk_decide,
        name="expected-churn-bulk",
    ),
    path(
        "expected-churn/<int:pk>/<slug:decision>/",
        expected_churn_views.expected_churn_decide,
        name="expected-churn-decide",
    ),
]
