"""Rescoring runs: progress, history and "rescore now" (managers)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from churnguard.broker import broker_available
from churnguard.http import AuthedRequest
from risk.models import RescoreRun, RunTrigger
from risk.services.runs import RunAlreadyRunning, running_run, start_rescore_run
from teams.access import is_manager, role_required


def _runs_context() -> dict:
    return {"current": running_run(), "runs": RescoreRun.objects.select_related("risk_model")[:20]}


@require_GET
@role_required(is_manager)
def run_list(request: AuthedRequest):
    template = "risk/run_list.html"
    if request.htmx:
        template += "#run-progress"
    return render(request, template, _runs_context())


@require_POST
@role_required(is_manager)
def run_start(request: AuthedRequest):
    if not broker_available():
        messages.error(
            request,
            _(
                "The task queue is unreachable, so rescoring could not start. "
                "Nothing was changed; try again in a few minutes."
            ),
        )
        return redirect("runs:list")
    try:
        run = start_rescore_run(trigger=RunTrigger.MANUAL, user=request.user)
    except RunAlreadyRunning as running:
        messages.warning(request, _("Run %(id)s is still running.") % {"id": running.run.pk})
    else:
        messages.success(request, _("Rescoring started (run %(id)s).") % {"id": run.pk})
    return redirect("runs:list")
