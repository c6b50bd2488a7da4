from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alerts.forms import SnoozeForm
from alerts.models import Alert, AlertStatus
from alerts.queries import get_alert_for_user, visible_alerts
from alerts.services import AlertError, record_feedback, snooze
from churnguard.http import AuthedRequest


def _snooze_prefix(alert: Alert) -> str:
    return f"alert-{alert.pk}"


def snooze_form(alert: Alert, data=None) -> SnoozeForm:
    """One form per alert: a prefix keeps each row's fields (and their ids) its own."""
    default_until = timezone.localdate() + timedelta(days=7)
    return SnoozeForm(data, prefix=_snooze_prefix(alert), initial={"until": default_until})


def _list_page(request: AuthedRequest, *, show: str, refused: SnoozeForm | None = None):
    """The alert list; `refused` is a bound snooze form to show again in its own row."""
    statuses = {
        "open": [AlertStatus.OPEN],
        "snoozed": [AlertStatus.SNOOZED],
        "closed": [AlertStatus.CLOSED],
    }.get(show, [AlertStatus.OPEN])
    alerts = (
        visible_alerts(request.user)
        .filter(status__in=statuses)
        .select_related("account", "account__owner")
        .order_by("-opened_at", "-id")
    )
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    for listed in page.object_list:
        is_refused = refused is not None and refused.prefix == _snooze_prefix(listed)
        listed.snooze_form = refused if is_refused else snooze_form(listed)  # type: ignore[attr-defined]
    context = {"page": page, "show": show}
    return render(request, "alerts/alert_list.html", context, status=400 if refused else 200)


@require_GET
def alert_list(request: AuthedRequest):
    return _list_page(request, show=request.GET.get("show", "open"))


@require_POST
def alert_snooze(request: AuthedRequest, pk: int):
    alert = get_alert_for_user(request.user, pk)
    form = snooze_form(alert, request.POST)
    if form.is_valid():
        try:
            snooze(alert=alert, user=request.user, today=timezone.localdate(), **form.cleaned_data)
        except AlertError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Alert snoozed."))
            return redirect("alerts:list")
    if alert.status == AlertStatus.CLOSED:
        messages.error(request, _("This alert is closed: there is nothing left to snooze."))
        return redirect(f"{reverse('alerts:list')}?show=closed")
    # The list again, with this alert's form open, its errors shown and what was typed kept.
    messages.error(request, _("Snoozing needs a reason and a date after today."))
    return _list_page(request, show="open", refused=form)


@require_POST
def alert_feedback(request: AuthedRequest, pk: int):
    alert = get_alert_for_user(request.user, pk)
    useful = request.POST.get("useful")
    if useful not in ("yes", "no"):
        messages.error(request, _("Answer yes or no."))
    else:
        record_feedback(alert=alert, user=request.user, useful=useful == "yes")
        if request.htmx:
            return render(request, "alerts/alert_list.html#alert-feedback", {"alert": alert})
        messages.success(request, _("Thanks: this feedback helps tune the risk model."))
    return redirect("alerts:list")
