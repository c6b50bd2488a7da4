from django.urls import path

from workspace import run_views

# Mounted at /runs/ before risk's run urls: a run's page reads alerts, so workspace composes it.
app_name = "workspace"
urlpatterns = [
    path("<int:pk>/", run_views.run_detail, name="run-detail"),
]
