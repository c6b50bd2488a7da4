"""The personal API tokens page: create (shown once), list, revoke."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.queries import get_token_for_user, tokens_of
from api.tokens import create_token, revoke_token
from churnguard.http import AuthedRequest


@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            issued = create_token(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
            form = TokenForm()
        else:
            status = 400
    context = {"form": form, "issued": issued, "tokens": tokens_of(request.user)}
    response = render(request, "api/token_list.html", context, status=status)
    # The new token is in this page only: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_token_for_user(request.user, pk)
    if revoke_token(token=token):
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    else:
        messages.info(request, _("This token was already revoked."))
    return redirect("api:tokens")
