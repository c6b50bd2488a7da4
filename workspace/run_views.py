"""A finished run's own page (managers, like the runs list)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from churnguard.http import AuthedRequest
from risk.queries import get_run
from teams.access import is_manager, role_required
from workspace.run_page import run_page


@require_GET
@role_required(is_manager)
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_run(pk)
    page = run_page(
        run,
        user=request.user,
        direction=request.GET.get("moved", ""),
        page_number=request.GET.get("page"),
    )
    return render(request, "workspace/run_detail.html", {"page": page, "run": run})
