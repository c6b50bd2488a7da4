from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from analytics import views as analytics_views
from api.v1 import api_urls
from churnguard.views import healthz, readyz
from teams.forms import LoginForm

urlpatterns = [
    path("", analytics_views.home, name="home"),
    path("accounts/", include("workspace.urls")),
    path("", include("workspace.page_urls")),
    path("tasks/", include("tasks.urls")),
    path("playbooks/", include("playbooks.urls")),
    path("risk/", include("risk.urls")),
    path("runs/", include("risk.run_urls")),
    path("alerts/", include("alerts.urls")),
    path("settings/api-tokens/", include("api.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("api/v1/", api_urls),
    path("data/", include("dataio.urls")),
    path("analytics/", include("analytics.urls")),
    path("profile/", include("teams.urls")),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]

handler400 = "churnguard.views.bad_request"
handler403 = "churnguard.views.permission_denied"
handler404 = "churnguard.views.page_not_found"
handler500 = "churnguard.views.server_error"
