from django.urls import path

from dataio import views

app_name = "dataio"

urlpatterns = [
    path("import/", views.import_upload, name="upload"),
    path("import/<int:pk>/", views.import_job, name="job"),
    path("import/<int:pk>/check/", views.import_check, name="check"),
    path("import/<int:pk>/run/", views.import_run, name="run"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="cancel"),
    path("export/<slug:table>.<slug:fmt>", views.export, name="export"),
]
