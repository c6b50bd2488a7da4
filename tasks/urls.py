from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list_page, name="list"),
    path("accounts/<int:pk>/new/", views.task_create, name="create"),
    path("<int:pk>/complete/", views.task_complete, name="complete"),
    path("<int:pk>/cancel/", views.task_cancel, name="cancel"),
    path("<int:pk>/reschedule/", views.task_reschedule, name="reschedule"),
]
