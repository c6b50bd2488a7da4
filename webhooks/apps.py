from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # The lower apps announce their events; this app listens (layers run one way).
        from playbooks.signals import proposal_decided
        from risk.signals import bands_changed, expected_churn_decided
        from webhooks import receivers

        bands_changed.connect(receivers.on_bands_changed, dispatch_uid="webhooks-bands")
        expected_churn_decided.connect(
            receivers.on_expected_churn_decided, dispatch_uid="webhooks-expected-churn"
        )
        proposal_decided.connect(receivers.on_proposal_decided, dispatch_uid="webhooks-proposal")
