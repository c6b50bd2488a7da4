"""How an alert's task is titled (registered in `AlertsConfig.ready()`): from its cause."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from alerts.models import Alert, Cause


def alert_titles(ids: Sequence[str]) -> dict[str, str]:
    alerts = Alert.objects.filter(pk__in=[int(v) for v in ids if v.isdigit()])
    return {
        str(pk): _("Act on the alert: %(cause)s") % {"cause": Cause(cause).label}
        for pk, cause in alerts.values_list("pk", "cause")
    }
