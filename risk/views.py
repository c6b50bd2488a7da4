from dataclasses import replace

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Band
from accounts.queries import get_account_for_user
from churnguard.http import AuthedRequest
from risk.explain import explain_account
from risk.fact_loader import facts_for_account
from risk.forms import BandOverrideForm, WhatIfForm
from risk.presenters import risk_panel, what_if_changes
from risk.queries import get_band_override_for_user, model_config, published_model
from risk.reasons import DEFAULT_SIGNAL_LABELS, translated_default
from risk.services.overrides import lift_override, override_band


@require_POST
def what_if(request: AuthedRequest, pk: int) -> HttpResponse:
    """Score the account with other facts, without saving anything: each factor's change."""
    account = get_account_for_user(request.user, pk)
    form = WhatIfForm(request.POST)
    context: dict[str, object] = {"account": account, "what_if_form": form}
    if form.is_valid():
        today = timezone.localdate()
        risk_model = published_model()
        config = model_config(risk_model)
        facts = facts_for_account(account, as_of=today, model=config)
        current = explain_account(account, as_of=today, risk_model=risk_model, facts=facts)
        changes = form.fact_changes(facts, today=today)
        hypothetical = explain_account(
            account, as_of=today, risk_model=risk_model, facts=replace(facts, **changes)
        )
        labels = {
            f.factor: translated_default(f.label, DEFAULT_SIGNAL_LABELS)
            for f in config.custom_factors
        }
        context |= {
            "tried": bool(changes),
            "current": current.assessment,
            "hypothetical": hypothetical.assessment,
            "hypothetical_band_label": Band(hypothetical.assessment.band).label,
            "difference": hypothetical.assessment.score - current.assessment.score,
            "factor_changes": what_if_changes(current.assessment, hypothetical.assessment, labels),
        }
    status = 200 if form.is_valid() else 400
    return render(request, "risk/account_panel.html#what-if-result", context, status=status)


RISK_OOB = "risk/account_panel.html#risk-oob"


def render_with_live_risk(
    request: AuthedRequest,
    template_name: str,
    context: dict,
    *,
    status: int = 200,
    also: tuple[str, ...] = (),
) -> HttpResponse:
    """An htmx answer on the account page: the fragment that was posted, then the score head,
    the "Why" and the expected-churn banner out of band (and the `also` templates, out-of-band
    parts of the page that composes the panel), so a change of scoring facts shows at once
    everywhere on the page. `context` carries `risk_panel()` as computed after the write."""
    parts = [render_to_string(name, context, request) for name in (template_name, RISK_OOB, *also)]
    return HttpResponse("".join(parts), status=status)


def _render_override_drawer(
    request: AuthedRequest, pk: int, form: BandOverrideForm, *, status: int = 200
) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    context = {
        "account": account,
        "override_form": form,
        **risk_panel(account, today=timezone.localdate()),
    }
    return render_with_live_risk(
        request, "risk/account_panel.html#band-override", context, status=status
    )


@require_POST
def override_create(request: AuthedRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    form = BandOverrideForm(request.POST)
    if form.is_valid():
        override_band(
            account=account, user=request.user, today=timezone.localdate(), **form.cleaned_data
        )
        if request.htmx:
            return _render_override_drawer(request, pk, BandOverrideForm())
        messages.success(request, _("Band override recorded; it lapses by itself."))
    elif request.htmx:
        return _render_override_drawer(request, pk, form, status=400)
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The override was not recorded: %(errors)s") % {"errors": errors})
    return redirect("accounts:detail", pk=pk)


@require_POST
def override_lift(request: AuthedRequest, pk: int, override_pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    override = get_band_override_for_user(request.user, override_pk, account=account)
    lift_override(override=override)
    if request.htmx:
        return _render_override_drawer(request, pk, BandOverrideForm())
    messages.success(request, _("Band override lifted."))
    return redirect("accounts:detail", pk=pk)
