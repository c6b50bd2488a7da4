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

NEW_TOKEN_KEY = "new_api_token"


@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issued = create_token(
            user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
        )
        # Shown by the page the redirect leads to, then gone: reloading that page neither shows
        # the token again nor creates another one.
        request.session[NEW_TOKEN_KEY] = {"name": issued.token.name, "plaintext": issued.plaintext}
        return redirect("api:tokens")
    context = {
        "form": form,
        "issued": request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None,
        "tokens": tokens_of(request.user),
    }
    response = render(request, "api/token_list.html", context, status=400 if form.errors else 200)
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
