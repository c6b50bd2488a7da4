"""Risk model versions: list, draft, edit, publish (admins only).

Any version can be read; only a draft can be edited. Each part of the editor (general settings,
weights, industries, countries, custom factors) posts to its own URL, applies its change to the
draft's current configuration and hands the result to `update_draft`, which asks the engine
whether the model still holds. With htmx the part re-renders in place; without JavaScript the
page redirects with a message.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.countries import country_name
from accounts.models import Account, Industry
from churnguard.broker import broker_available
from churnguard.http import AuthedRequest
from risk import engine
from risk.governance_forms import SuggestForm
from risk.models import ModelStatus, RescoreRun, RiskModel
from risk.presenters import factor_label
from risk.queries import (
    NoPublishedModel,
    model_config,
    published_model,
    recent_suggestion_requests,
)
from risk.risk_models.forms import (
    CategoryFactorForm,
    ConfigForm,
    CountryRowForm,
    CountryRowRemoveForm,
    CustomFactorForm,
    CustomFactorRemoveForm,
    DraftForm,
    GeneralForm,
    IndustryPointsForm,
    SignalFactorForm,
    WeightsForm,
)
from risk.risk_models.services import ModelStateError, create_draft, update_draft
from risk.services.governance import ReasonRequired, compare_with_active, publish_reviewed
from risk.services.runs import RunAlreadyRunning
from teams.access import is_admin, role_required

TEMPLATE = "risk/model_detail.html"


def get_risk_model(pk: int) -> RiskModel:
    """Every version is visible to whoever may open these pages (admins): no further scoping."""
    return get_object_or_404(RiskModel.objects.select_related("created_by", "published_by"), pk=pk)


# List and drafts -------------------------------------------------------------------------------


@require_GET
@role_required(is_admin)
def model_list(request: AuthedRequest) -> HttpResponse:
    versions = list(
        RiskModel.objects.select_related("created_by", "published_by").order_by("-version")
    )
    context = {
        "versions": versions,
        "has_published": any(v.status == ModelStatus.PUBLISHED for v in versions),
        "draft_form": DraftForm(),
        "suggest_form": SuggestForm(),
        "suggestion_requests": recent_suggestion_requests(),
    }
    return render(request, "risk/model_list.html", context)


@require_POST
@role_required(is_admin)
def model_draft_create(request: AuthedRequest) -> HttpResponse:
    form = DraftForm(request.POST)
    try:
        source = published_model()
    except NoPublishedModel:
        messages.error(request, _("No model is published, so there is nothing to copy."))
        return redirect("risk:model-list")
    if not form.is_valid():
        messages.error(request, _("Notes are limited to 2000 characters; no draft was created."))
        return redirect("risk:model-list")
    draft = create_draft(source=source, user=request.user, notes=form.cleaned_data["notes"].strip())
    messages.success(
        request,
        _("Draft v%(draft)s created from v%(source)s. Scores do not change until it is published.")
        % {"draft": draft.version, "source": source.version},
    )
    return redirect("risk:model-detail", pk=draft.pk)


# Reading a version -----------------------------------------------------------------------------


def _tables(config: engine.ModelConfig, today: date) -> dict[str, Any]:
    """The model's tables in the shape the page shows them."""
    industries = [
        {"code": code, "label": label, "points": config.industry_points.get(code)}
        for code, label in Industry.choices
    ]
    industries += [
        {"code": code, "label": code, "points": points, "extra": True}
        for code, points in config.industry_points.items()
        if code not in Industry.values
    ]
    countries = []
    for code in sorted(config.country_points, key=country_name):
        entries = config.country_points[code]
        in_force = max(
            (e for e in entries if e.effective_from <= today),
            key=lambda e: e.effective_from,
            default=None,
        )
        countries += [
            {
                "code": code,
                "name": country_name(code),
                "entry": e,
                "in_force": e is in_force,
                "first": i == 0,
                "rows": len(entries),
                "region": config.region_of_country.get(code),
            }
            for i, e in enumerate(entries)
        ]
    regions = [
        {
            "name": region,
            "points": points,
            "countries": sorted(c for c, r in config.region_of_country.items() if r == region),
        }
        for region, points in sorted(config.region_points.items())
    ]
    return {
        "weights": [(factor_label(f), config.weights.get(f, 1.0)) for f in engine.FACTORS],
        "industries": industries,
        "countries": countries,
        "regions": regions,
        "custom_factors": [
            {"factor": cf, "weight": config.weights.get(cf.factor, 1.0)}
            for cf in config.custom_factors
        ],
    }


def _detail_context(risk_model: RiskModel, **bound: ConfigForm) -> dict[str, Any]:
    """The page's context; `bound` replaces the unbound form of the part being saved."""
    config = model_config(risk_model)
    context: dict[str, Any] = {
        "risk_model": risk_model,
        "config": config,
        "editable": risk_model.is_draft,
        "accounts_scored": Account.objects.filter(risk_model=risk_model).count(),
        "last_run": RescoreRun.objects.filter(risk_model=risk_model)
        .order_by("-started_at")
        .first(),
        "draft_form": DraftForm(),
        **_tables(config, timezone.localdate()),
    }
    if risk_model.is_draft:
        raw = risk_model.config
        context |= {
            "general_form": GeneralForm.unbound(raw, notes=risk_model.notes),
            "weights_form": WeightsForm.unbound(raw),
            "industry_form": IndustryPointsForm.unbound(raw),
            "country_form": CountryRowForm.unbound(raw),
            "country_remove_form": None,
            "custom_factor_form": CustomFactorForm.unbound(raw),
            "category_factor_form": CategoryFactorForm.unbound(raw),
            "custom_factor_remove_form": None,
        }
    context.update(bound)
    return context


@require_GET
@role_required(is_admin)
def model_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, TEMPLATE, _detail_context(get_risk_model(pk)))


# Editing a draft -------------------------------------------------------------------------------


def _edit_draft(
    request: AuthedRequest,
    pk: int,
    *,
    form_class: type[ConfigForm],
    form_key: str,
    section: str,
    done: Callable[[ConfigForm], str],
) -> HttpResponse:
    """Validate one part, save the draft through `update_draft`, answer htmx or a full page.

    Nothing is saved unless both the form and the engine accept the change.
    """
    risk_model = get_risk_model(pk)
    if not risk_model.is_draft:
        return _refuse_edit(request, risk_model)
    form = form_class(request.POST, config=risk_model.config)
    if form.is_valid():
        message = done(form)  # before saving: it may describe what the change replaces
        try:
            # Locked from read to write so two admins saving different parts at once each keep
            # the other's change.
            with transaction.atomic():
                locked = RiskModel.objects.select_for_update().get(pk=pk)
                update_draft(model=locked, **form.draft_changes(locked.config))
        except engine.ModelConfigError as error:
            form.add_error(None, str(error))
        except ModelStateError:
            return _refuse_edit(request, risk_model)
        else:
            risk_model = get_risk_model(pk)
            if not request.htmx:
                messages.success(request, message)
                return redirect("risk:model-detail", pk=pk)
            context = _detail_context(risk_model) | {"saved": section, "saved_message": message}
            return render(request, f"{TEMPLATE}#{section}", context)
    if request.htmx:
        # htmx does not swap 4xx answers by default: the errors come back as a 200 fragment.
        return render(
            request, f"{TEMPLATE}#{section}", _detail_context(risk_model, **{form_key: form})
        )
    messages.error(request, _("Nothing was saved: please correct the errors below."))
    return render(request, TEMPLATE, _detail_context(risk_model, **{form_key: form}), status=400)


def _refuse_edit(request: AuthedRequest, risk_model: RiskModel) -> HttpResponse:
    messages.error(
        request,
        _(
            "v%(version)s is %(status)s and cannot be edited: "
            "create a new draft to change the model."
        )
        % {"version": risk_model.version, "status": risk_model.get_status_display().lower()},
    )
    url = reverse("risk:model-detail", args=[risk_model.pk])
    if request.htmx:
        # The page the admin is on is out of date: reload it to show the version as it is now.
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_POST
@role_required(is_admin)
def model_general(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit_draft(
        request,
        pk,
        form_class=GeneralForm,
        form_key="general_form",
        section="model-general",
        done=lambda form: _("General settings saved."),
    )


@require_POST
@role_required(is_admin)
def model_weights(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit_draft(
        request,
        pk,
        form_class=WeightsForm,
        form_key="weights_form",
        section="model-weights",
        done=lambda form: _("Weights saved."),
    )


@require_POST
@role_required(is_admin)
def model_industries(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit_draft(
        request,
        pk,
        form_class=IndustryPointsForm,
        form_key="industry_form",
        section="model-industries",
        done=lambda form: _("Industry points saved."),
    )


def _country_saved(form: ConfigForm) -> str:
    data = form.cleaned_data
    return _("%(country)s from %(date)s: %(points)+d points.") % {
        "country": country_name(data["country"]),
        "date": data["effective_from"].isoformat(),
        "points": data["points"],
    }


@require_POST
@role_required(is_admin)
def model_country_save(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit_draft(
        request,
        pk,
        form_class=CountryRowForm,
        form_key="country_form",
        section="model-countries",
        done=_country_saved,
    )


@require_POST
@role_required(is_admin)
def model_country_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    def done(form: ConfigForm) -> str:
        return _("Row of %(country)s from %(date)s removed.") % {
            "country": country_name(form.cleaned_data["country"]),
            "date": form.cleaned_data["effective_from"].isoformat(),
        }

    return _edit_draft(
        request,
        pk,
        form_class=CountryRowRemoveForm,
        form_key="country_remove_form",
        section="model-countries",
        done=done,
    )


def _custom_factor_saved(form: ConfigForm) -> str:
    assert isinstance(form, SignalFactorForm)
    label = form.cleaned_data["label"]
    if form.replaces_a_factor():
        return _("Custom factor “%(label)s” updated.") % {"label": label}
    return _("Custom factor “%(label)s” added.") % {"label": label}


@require_POST
@role_required(is_admin)
def model_custom_factor_save(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit_draft(
        request,
        pk,
        form_class=CustomFactorForm,
        form_key="custom_factor_form",
        section="model-custom-factors",
        done=_custom_factor_saved,
    )


@require_POST
@role_required(is_admin)
def model_category_factor_save(request: AuthedRequest, pk: int) -> HttpResponse:
    return _edit_draft(
        request,
        pk,
        form_class=CategoryFactorForm,
        form_key="category_factor_form",
        section="model-custom-factors",
        done=_custom_factor_saved,
    )


@require_POST
@role_required(is_admin)
def model_custom_factor_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    def done(form: ConfigForm) -> str:
        return _("Custom factor on “%(signal)s” removed.") % {"signal": form.cleaned_data["signal"]}

    return _edit_draft(
        request,
        pk,
        form_class=CustomFactorRemoveForm,
        form_key="custom_factor_remove_form",
        section="model-custom-factors",
        done=done,
    )


# Publishing ------------------------------------------------------------------------------------


@require_POST
@role_required(is_admin)
def model_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    risk_model = get_risk_model(pk)
    if not broker_available():
        # Publishing starts a rescoring: promise it only when the task queue can take it.
        messages.error(
            request,
            _(
                "The task queue is unreachable, so v%(version)s was not published (its rescoring "
                "could not start). Nothing was changed; try again in a few minutes."
            )
            % {"version": risk_model.version},
        )
        return _back_to_model(request, pk)
    try:
        # Reviewed on the way: a draft that predicts worse goes through the review page.
        comparison = compare_with_active(draft=risk_model)
        run = publish_reviewed(model=risk_model, user=request.user, comparison=comparison)
    except ReasonRequired:
        url = reverse("risk:model-review", args=[pk])
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)
    except ModelStateError:
        messages.error(
            request,
            _("v%(version)s is %(status)s, not a draft: only a draft can be published.")
            % {"version": risk_model.version, "status": risk_model.get_status_display().lower()},
        )
    except engine.ModelConfigError as error:
        messages.error(request, _("This draft cannot be published: %(error)s") % {"error": error})
    except RunAlreadyRunning as running:
        messages.error(
            request,
            _("Rescore run #%(run)s is still running: publish again once it has finished.")
            % {"run": running.run.pk},
        )
    else:
        messages.success(
            request,
            _(
                "v%(version)s is now the active risk model. Rescore run #%(run)s is rescoring "
                "%(count)s accounts with it."
            )
            % {"version": risk_model.version, "run": run.pk, "count": run.accounts_total},
        )
    return _back_to_model(request, pk)


def _back_to_model(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(reverse("risk:model-detail", args=[pk]))
    return redirect("risk:model-detail", pk=pk)
