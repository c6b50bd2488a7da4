from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("Risk")

    def ready(self) -> None:
        from accounts.signals import facts_changed
        from risk.receivers import rescore_on_facts_changed

        facts_changed.connect(rescore_on_facts_changed, dispatch_uid="risk.rescore_on_facts")
