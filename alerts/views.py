from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.queries import visible_accounts
from alerts.forms import SnoozeForm
from alerts.models import Alert, AlertStatus
from alerts.services import AlertError, record_feedback, snooze
from churnguard.http import AuthedRequest


def get_alert_for_user(user, pk: int) -> Alert:
    return get_object_or_404(
        Alert.objects.select_related("account"), pk=pk, account__in=visible_accounts(user)
    )


@require_GET
def alert_list(request: AuthedRequest):
    show = request.GET.get("show", "open")
    statuses = {
        "open": [AlertStatus.OPEN],
        "snoozed": [AlertStatus.SNOOZED],
        "closed": [AlertStatus.CLOSED],
    }.get(show, [AlertStatus.OPEN])
    alerts = (
        Alert.objects.filter(account__in=visible_accounts(request.user), status__in=statuses)
        .select_related("account", "account__owner")
        .order_by("-opened_at", "-id")
    )
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    default_until = timezone.localdate() + timedelta(days=7)
    context = {
        "page": page,
        "show": show,
        "snooze_form": SnoozeForm(initial={"until": default_until}),
    }
    return render(request, "alerts/alert_list.html", context)


@require_POST
def alert_snooze(request: AuthedRequest, pk: int):
    alert = get_alert_for_user(request.user, pk)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        try:
            snooze(alert=alert, user=request.user, today=timezone.localdate(), **form.cleaned_data)
            messages.success(request, _("Alert snoozed."))
        except AlertError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Snoozing needs a reason and a date after today."))
    return redirect("alerts:list")


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
