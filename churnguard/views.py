from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe, and the trivial view the web benchmark compares pages against."""
    return HttpResponse("ok", content_type="text/plain")
