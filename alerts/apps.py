from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from alerts.receivers import alert_after_run, close_on_expected_churn_decided
        from risk.signals import expected_churn_decided, run_finished

        run_finished.connect(alert_after_run, dispatch_uid="alerts.after_run")
        expected_churn_decided.connect(
            close_on_expected_churn_decided, dispatch_uid="alerts.close_on_expected_churn_decided"
        )
