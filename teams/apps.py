from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Users and teams")

    def ready(self) -> None:
        from teams import signals  # noqa: F401 - connects the cache invalidation receivers
