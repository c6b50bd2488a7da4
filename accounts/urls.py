from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/touchpoints/", views.touchpoint_create, name="touchpoint-create"),
    path("<int:pk>/phase/", views.phase_change, name="phase-change"),
    path("<int:pk>/stakeholders/", views.stakeholder_create, name="stakeholder-create"),
    path(
        "<int:pk>/stakeholders/<int:stakeholder_pk>/left/",
        views.stakeholder_left,
        name="stakeholder-left",
    ),
]
