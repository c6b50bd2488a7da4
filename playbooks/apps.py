from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    verbose_name = _("Playbooks")

    def ready(self) -> None:
        from accounts.signals import renewal_decided
        from playbooks.receivers import record_outcome_on_renewal

        renewal_decided.connect(record_outcome_on_renewal, dispatch_uid="playbooks.renewal_outcome")
