from django.urls import path

from workspace import my_day, run_views

# Pages composed from several apps, each at its own address. A run's page reads alerts, so
# workspace builds it; risk's own run urls (the list, starting a run) stay under /runs/ too.
app_name = "workspace"
urlpatterns = [
    path("my-day/", my_day.my_day, name="my-day"),
    path("runs/<int:pk>/", run_views.run_detail, name="run-detail"),
]
