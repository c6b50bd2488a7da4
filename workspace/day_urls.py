from django.urls import path

from workspace import my_day

app_name = "workspace"
urlpatterns = [
    path("", my_day.my_day, name="my-day"),
]
