from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from churnguard.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:list"), name="home"),
    path("accounts/", include("accounts.urls")),
    path("playbooks/", include("playbooks.urls")),
    path("risk/", include("risk.urls")),
    path("runs/", include("risk.run_urls")),
    path("alerts/", include("alerts.urls")),
    path("profile/", include("teams.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
