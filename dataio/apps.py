from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dataio"
    verbose_name = _("Import and export")
