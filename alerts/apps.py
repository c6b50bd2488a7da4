from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from alerts.receivers import alert_after_run
        from risk.signals import run_finished

        run_finished.connect(alert_after_run, dispatch_uid="alerts.after_run")
