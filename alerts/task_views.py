"""Turning an alert into work: "Make a task" (the alert stays as it is; the task is the work)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts.queries import get_alert_for_user
from alerts.services import make_alert_task
from churnguard.http import AuthedRequest
from churnguard.redirects import safe_next_url


@require_POST
def alert_make_task(request: AuthedRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_user(request.user, pk)
    task = make_alert_task(alert=alert, user=request.user, today=timezone.localdate())
    if request.htmx:
        context = {"alert": alert, "task_made": task}
        return render(request, "tasks/_alert_task_button.html", context)
    messages.success(request, _("Task created for %(name)s.") % {"name": alert.account.name})
    return redirect(safe_next_url(request, reverse("alerts:list")))
