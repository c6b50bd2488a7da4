from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        from alerts.conditions import register_condition
        from alerts.models import Cause
        from playbooks.signals import proposal_decided, proposal_submitted
        from workspace.receivers import approval_waiting, close_approval_alert, open_approval_alert

        register_condition(Cause.APPROVAL_WAITING, approval_waiting)
        proposal_decided.connect(
            close_approval_alert, dispatch_uid="workspace.close_approval_alert"
        )
        proposal_submitted.connect(
            open_approval_alert, dispatch_uid="workspace.open_approval_alert"
        )
