from django.urls import path

from playbooks import setup_views, views

app_name = "playbooks"
urlpatterns = [
    path("approvals/", views.approval_queue, name="approvals"),
    path("approvals/bulk/", views.approval_bulk_decide, name="approvals-bulk"),
    path("levers/", views.lever_list, name="levers"),
    path("setup/", setup_views.setup_home, name="setup"),
    path("setup/levers/<int:pk>/", setup_views.lever_edit, name="setup-lever"),
    path("setup/strategy/", setup_views.strategy_setup, name="setup-strategy"),
    path("setup/thresholds/", setup_views.thresholds_setup, name="setup-thresholds"),
    path("accounts/<int:pk>/propose/", views.proposal_create, name="propose"),
    path("accounts/<int:pk>/plays/<int:play_pk>/", views.play_check, name="play-check"),
    path("accounts/<int:pk>/plays/start/", views.plays_start, name="plays-start"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<int:pk>/apply/", views.proposal_apply, name="proposal-apply"),
    path("proposals/<int:pk>/end/", views.proposal_end, name="proposal-end"),
    path("proposals/<int:pk>/outcome/", views.proposal_outcome, name="proposal-outcome"),
]
