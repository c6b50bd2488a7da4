from django.urls import path

from risk import views as risk_views
from workspace import triage_views, views

# The namespace stays "accounts": these are the account pages, whichever app composes them.
app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("columns/", triage_views.triage_columns, name="columns"),
    path("views/", triage_views.saved_view_create, name="view-create"),
    path("views/<int:pk>/", triage_views.saved_view_open, name="view-open"),
    path("views/<int:pk>/edit/", triage_views.saved_view_update, name="view-update"),
    path("views/<int:pk>/archive/", triage_views.saved_view_archive, name="view-archive"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/archive/", views.account_archive, name="archive"),
    path("<int:pk>/touchpoints/", views.touchpoint_create, name="touchpoint-create"),
    path("<int:pk>/phase/", views.phase_change, name="phase-change"),
    path("<int:pk>/stakeholders/", views.stakeholder_create, name="stakeholder-create"),
    path(
        "<int:pk>/stakeholders/<int:stakeholder_pk>/left/",
        views.stakeholder_left,
        name="stakeholder-left",
    ),
    path("<int:pk>/usage/", views.usage_create, name="usage-create"),
    path("<int:pk>/kpis/", views.kpi_create, name="kpi-create"),
    path("<int:pk>/signals/", views.signal_create, name="signal-create"),
    path("<int:pk>/what-if/", risk_views.what_if, name="what-if"),
    path("<int:pk>/override/", risk_views.override_create, name="override-create"),
    path(
        "<int:pk>/override/<int:override_pk>/lift/",
        risk_views.override_lift,
        name="override-lift",
    ),
]
