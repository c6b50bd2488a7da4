from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from alerts.receivers import alert_after_run
        from alerts.task_titles import alert_titles
        from risk.signals import run_finished
        from tasks.models import SourceKind
        from tasks.titles import register_title_source

        run_finished.connect(alert_after_run, dispatch_uid="alerts.after_run")
        register_title_source(SourceKind.ALERT, alert_titles)
        from alerts.receivers import alert_after_run, close_on_expected_churn_decided
        from risk.signals import expected_churn_decided, run_finished

        run_finished.connect(alert_after_run, dispatch_uid="alerts.after_run")
        expected_churn_decided.connect(
            close_on_expected_churn_decided, dispatch_uid="alerts.close_on_expected_churn_decided"
        )
