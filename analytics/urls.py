from django.urls import path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("movements/", views.movements, name="movements"),
    path("forecast/", views.forecast_accounts, name="forecast-accounts"),
    path("churn-drivers/", views.churn_drivers, name="churn-drivers"),
    path("board-report/", views.board_report, name="board-report"),
]
