"""Admin pages: webhook endpoints, their secret, their delivery log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from churnguard.http import AuthedRequest
from teams.access import is_admin, role_required
from webhooks.forms import EndpointForm
from webhooks.queries import delivery_log, endpoints, get_endpoint
from webhooks.services import create_endpoint, resume_endpoint, update_endpoint

LOG_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@role_required(is_admin)
def endpoint_list(request: AuthedRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            endpoint = create_endpoint(
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                user=request.user,
            )
            messages.success(request, _("Endpoint added. Give its signing secret to the receiver."))
            return redirect("webhooks:detail", pk=endpoint.pk)
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    context = {"form": form, "endpoints": endpoints()}
    return render(
        request, "webhooks/endpoint_list.html", context, status=400 if form.errors else 200
    )


@require_GET
@role_required(is_admin)
def endpoint_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint(pk)
    page = Paginator(delivery_log(endpoint), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    form = EndpointForm(instance=endpoint)
    return render(
        request, "webhooks/endpoint_detail.html", {"endpoint": endpoint, "page": page, "form": form}
    )


@require_POST
@role_required(is_admin)
def endpoint_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint(pk)
    form = EndpointForm(request.POST, instance=get_endpoint(pk))
    if form.is_valid():
        update_endpoint(
            endpoint=endpoint,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            description=form.cleaned_data["description"],
            is_active=form.cleaned_data["is_active"],
        )
        messages.success(request, _("Endpoint saved."))
        return redirect("webhooks:detail", pk=pk)
    messages.error(request, _("Please correct the errors below; nothing was saved."))
    page = Paginator(delivery_log(endpoint), LOG_PAGE_SIZE).get_page(1)
    context = {"endpoint": endpoint, "page": page, "form": form}
    return render(request, "webhooks/endpoint_detail.html", context, status=400)


@require_POST
@role_required(is_admin)
def endpoint_resume(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint(pk)
    if endpoint.is_paused:
        count = resume_endpoint(endpoint=endpoint)
        messages.success(
            request,
            _("Endpoint resumed; %(count)s waiting deliveries are being sent.") % {"count": count},
        )
    return redirect("webhooks:detail", pk=pk)
