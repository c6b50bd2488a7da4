"""The triage list's settings: saved views (save, open, rename or share, archive) and columns.

Plain form posts that redirect back to the list: the list itself (workspace/views.py) stays one
GET view. A refused form comes back on a small page with its errors, status 400.
"""

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import (
    NewSavedViewForm,
    SavedViewForm,
    TriageColumnsForm,
    TriageFilterForm,
)
from accounts.presenters import clean_columns
from accounts.queries import get_own_saved_view, get_saved_view_for_user, teams_to_share_with
from accounts.services import archive_view, save_view, set_triage_columns, update_view
from churnguard.http import AuthedRequest
from teams.queries import owners_visible_to


def _list_url(query: QueryDict) -> str:
    return f"{reverse('accounts:list')}?{query.urlencode()}" if query else reverse("accounts:list")


def _valid_filters(request: AuthedRequest, raw: str) -> QueryDict:
    """The filters of a query string that are still valid for this user; the rest is dropped.

    An absent owner means the whole team: a view shows the same accounts to whoever opens it,
    not each reader's own book.
    """
    owners = [(u.pk, u.display_name) for u in owners_visible_to(request.user)]
    query = TriageFilterForm(QueryDict(raw), owners=owners).valid_query()
    query.setdefault("owner", "")
    return query


def _refused(request: AuthedRequest, form, *, title: str, action: str) -> HttpResponse:
    context = {"form": form, "title": title, "action": action}
    return render(request, "accounts/triage_setting_form.html", context, status=400)


@require_POST
def saved_view_create(request: AuthedRequest):
    form = NewSavedViewForm(request.POST, teams=teams_to_share_with(request.user))
    if not form.is_valid():
        action = reverse("accounts:view-create")
        return _refused(request, form, title=_("Save these filters"), action=action)
    view = save_view(
        owner=request.user,
        name=form.cleaned_data["name"],
        query=_valid_filters(request, form.cleaned_data["query"]).urlencode(),
        columns=clean_columns(form.cleaned_data["columns"]),
        shared_with_team=form.cleaned_data["shared_with_team"],
    )
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect("accounts:view-open", pk=view.pk)


@require_GET
def saved_view_open(request: AuthedRequest, pk: int):
    """The list with the view's filters (stale values dropped) and columns."""
    view = get_saved_view_for_user(request.user, pk)
    query = _valid_filters(request, view.query)
    query["cols"] = ",".join(clean_columns(view.columns))
    return redirect(_list_url(query))


@require_POST
def saved_view_update(request: AuthedRequest, pk: int):
    view = get_own_saved_view(request.user, pk)
    form = SavedViewForm(request.POST, teams=teams_to_share_with(request.user))
    if not form.is_valid():
        action = reverse("accounts:view-update", args=[view.pk])
        return _refused(request, form, title=_("Rename or share a view"), action=action)
    update_view(
        view=view,
        name=form.cleaned_data["name"],
        shared_with_team=form.cleaned_data["shared_with_team"],
    )
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect("accounts:list")


@require_POST
def saved_view_archive(request: AuthedRequest, pk: int):
    view = get_own_saved_view(request.user, pk)
    archive_view(view=view)
    messages.success(request, _("View “%(name)s” archived.") % {"name": view.name})
    return redirect("accounts:list")


@require_POST
def triage_columns(request: AuthedRequest):
    """Remember the user's columns and go back to the same filters, now with those columns."""
    form = TriageColumnsForm(request.POST)
    if not form.is_valid():
        action = reverse("accounts:columns")
        return _refused(request, form, title=_("Columns"), action=action)
    set_triage_columns(user=request.user, columns=clean_columns(form.cleaned_data["columns"]))
    query = QueryDict(form.cleaned_data["query"], mutable=True)
    for name in ("cols", "page"):  # the saved choice applies from now on
        query.pop(name, None)
    return redirect(_list_url(query))
