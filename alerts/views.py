from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from alerts.forms import BulkForm, InboxFilterForm, SnoozeForm
from alerts.models import Alert, AlertStatus, Cause, Severity
from alerts.queries import (
    Usefulness,
    actionable_alerts,
    get_alert_for_user,
    inbox_alerts,
    usefulness,
)
from alerts.services import AlertError, close_alerts, record_feedback, snooze, snooze_alerts
from churnguard.http import AuthedRequest
from teams.access import is_admin, role_required
from teams.queries import owners_visible_to, teams_visible_to

PAGE_SIZE = 50


def _snooze_prefix(alert: Alert) -> str:
    return f"alert-{alert.pk}"


def snooze_form(alert: Alert, data=None) -> SnoozeForm:
    """One form per alert: a prefix keeps each row's fields (and their ids) its own."""
    default_until = timezone.localdate() + timedelta(days=7)
    return SnoozeForm(data, prefix=_snooze_prefix(alert), initial={"until": default_until})


def _list_url(request: AuthedRequest) -> str:
    """The inbox with the filters and page the action was taken from."""
    query = request.GET.urlencode()
    return reverse("alerts:list") + (f"?{query}" if query else "")


def _inbox(
    request: AuthedRequest, *, refused: SnoozeForm | None = None, bulk: BulkForm | None = None
) -> HttpResponse:
    """The inbox; `refused` (a row's snooze form) or `bulk` is a bound form to show again."""
    user = request.user
    owners = [(owner.pk, owner.display_name) for owner in owners_visible_to(user)]
    teams = list(teams_visible_to(user).values_list("pk", "name"))
    filter_form = InboxFilterForm(request.GET, owners=owners, teams=teams)
    filters = filter_form.to_filters()
    page = Paginator(inbox_alerts(user=user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    selected = set(request.POST.getlist("alerts")) if bulk is not None else set()
    for listed in page.object_list:
        is_refused = refused is not None and refused.prefix == _snooze_prefix(listed)
        listed.snooze_form = refused if is_refused else snooze_form(listed)  # type: ignore[attr-defined]
        listed.age_days = (today - timezone.localdate(listed.opened_at)).days  # type: ignore[attr-defined]
        listed.is_selected = str(listed.pk) in selected  # type: ignore[attr-defined]
    context = {
        "page": page,
        "filter_form": filter_form,
        "filters": filters,
        "bulk_form": bulk or BulkForm(alerts=Alert.objects.none()),
        "can_act": filters.status != AlertStatus.CLOSED,
    }
    status = 400 if refused is not None or bulk is not None else 200
    return render(request, "alerts/alert_list.html", context, status=status)


@require_GET
def alert_list(request: AuthedRequest) -> HttpResponse:
    return _inbox(request)


@require_POST
def alert_bulk(request: AuthedRequest) -> HttpResponse:
    """Snooze or close the selected alerts with one reason: all of them, or none and why."""
    form = BulkForm(request.POST, alerts=actionable_alerts(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "snooze":
                count = snooze_alerts(
                    alerts=data["alerts"],
                    user=request.user,
                    until=data["until"],
                    reason=data["reason"],
                    today=timezone.localdate(),
                )
                done = ngettext("%(count)d alert snoozed.", "%(count)d alerts snoozed.", count)
            else:
                count = close_alerts(
                    alerts=data["alerts"], user=request.user, reason=data["reason"]
                )
                done = ngettext("%(count)d alert closed.", "%(count)d alerts closed.", count)
        except AlertError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done % {"count": count})
            return redirect(_list_url(request))
    messages.error(request, _("Nothing was changed: see what the bulk action needs below."))
    return _inbox(request, bulk=form)


@require_POST
def alert_snooze(request: AuthedRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_user(request.user, pk)
    form = snooze_form(alert, request.POST)
    if form.is_valid():
        try:
            snooze(alert=alert, user=request.user, today=timezone.localdate(), **form.cleaned_data)
        except AlertError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Alert snoozed."))
            return redirect(_list_url(request))
    if alert.status == AlertStatus.CLOSED:
        messages.error(request, _("This alert is closed: there is nothing left to snooze."))
        return redirect(f"{reverse('alerts:list')}?status=closed")
    # The list again, with this alert's form open, its errors shown and what was typed kept.
    messages.error(request, _("Snoozing needs a reason and a date after today."))
    return _inbox(request, refused=form)


@require_POST
def alert_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
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


def _labelled(rows: list[Usefulness]) -> list[dict[str, object]]:
    return [
        {
            "cause": Cause(row.cause).label if row.cause in Cause.values else row.cause,
            "severity": Severity(row.severity).label if row.severity else "",
            "row": row,
        }
        for row in rows
    ]


@require_GET
@role_required(is_admin)
def alert_usefulness(request: AuthedRequest) -> HttpResponse:
    """Admins read how useful each cause's alerts were judged, to tune the rules."""
    context = {
        "by_cause": _labelled(usefulness(request.user)),
        "by_severity": _labelled(usefulness(request.user, by_severity=True)),
    }
    return render(request, "alerts/alert_usefulness.html", context)
