from django.urls import path

from alerts import task_views, views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("bulk/", views.alert_bulk, name="bulk"),
    path("usefulness/", views.alert_usefulness, name="usefulness"),
    path("<int:pk>/snooze/", views.alert_snooze, name="snooze"),
    path("<int:pk>/feedback/", views.alert_feedback, name="feedback"),
    path("<int:pk>/task/", task_views.alert_make_task, name="make-task"),
]
