"""The backtest page (managers and admins), the review before publishing a draft, and learned
model suggestions (admins)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Band
from churnguard.formats import format_date, locale_for
from churnguard.http import AuthedRequest
from risk import engine
from risk.backtest.chart import band_rate_chart
from risk.backtest.stats import BandRow
from risk.governance_forms import BacktestForm, PublishReviewForm, SuggestForm
from risk.models import SuggestionStatus
from risk.queries import NoPublishedModel
from risk.risk_models.services import ModelStateError
from risk.risk_models.views import get_risk_model
from risk.services.backtest import DEFAULT_HORIZON_DAYS, run_backtest
from risk.services.governance import ReasonRequired, compare_with_active, publish_reviewed
from risk.services.runs import RunAlreadyRunning
from risk.services.suggestions import request_suggestion
from teams.access import is_admin, is_manager, role_required


@require_GET
@role_required(is_manager)
def backtest_page(request: AuthedRequest) -> HttpResponse:
    """The active model's backtest, or the version, horizon and case dates chosen in the form."""
    form = BacktestForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return render(request, "risk/backtest.html", {"form": form}, status=400)
    chosen = form.cleaned_data if form.is_bound else {}
    try:
        result = run_backtest(
            model=chosen.get("model"),
            horizon_days=chosen.get("horizon_days", DEFAULT_HORIZON_DAYS),
            date_from=chosen.get("date_from"),
            date_to=chosen.get("date_to"),
        )
    except NoPublishedModel:
        result = None
    context = {
        "form": form,
        "result": result,
        "figures": result.figures if result else None,
        "chart": band_rate_chart(result.figures.bands) if result else None,
        "band_rows": [_band_row(row) for row in result.figures.bands] if result else [],
        "labels": _labels(),
    }
    return render(request, "risk/backtest.html", context)


def _labels() -> dict[str, str]:
    return {band: str(Band(band).label) for band in engine.BANDS}


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _band_row(row: BandRow | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {
        "band": row.band,
        "label": Band(row.band).label,
        "cases": row.cases,
        "churned": row.churned,
        "rate": _pct(row.rate),
        "low": _pct(row.interval[0]),
        "high": _pct(row.interval[1]),
    }


def _review_context(risk_model, form: PublishReviewForm) -> dict[str, object]:  # type: ignore[no-untyped-def]
    comparison = compare_with_active(draft=risk_model)
    return {
        "risk_model": risk_model,
        "comparison": comparison,
        "form": form,
        "rows": _side_by_side(comparison),
        "labels": _labels(),
        "changes": [
            {
                "change": change,
                "old": Band(change.old_band).label,
                "new": Band(change.new_band).label,
            }
            for change in comparison.band_changes
        ],
        "moves": [
            {"old": Band(old).label, "new": Band(new).label, "accounts": n}
            for old, new, n in comparison.band_moves
        ],
    }


def _side_by_side(comparison) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    draft_bands = {row.band: row for row in comparison.draft.figures.bands}
    active_bands = (
        {row.band: row for row in comparison.active.figures.bands} if comparison.active else {}
    )
    return [
        {
            "band": band,
            "label": Band(band).label,
            "draft": _band_row(draft_bands.get(band)),
            "active": _band_row(active_bands.get(band)),
        }
        for band in engine.BANDS
    ]


@require_http_methods(["GET", "POST"])
@role_required(is_admin)
def model_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the draft beside the active version. POST: publish it (with a reason if worse)."""
    risk_model = get_risk_model(pk)
    if not risk_model.is_draft:
        return redirect("risk:model-detail", pk=pk)
    form = PublishReviewForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(
            request, "risk/model_review.html", _review_context(risk_model, form), status=status
        )
    comparison = compare_with_active(draft=risk_model)
    try:
        run = publish_reviewed(
            model=risk_model,
            user=request.user,
            reason=form.cleaned_data["reason"],
            comparison=comparison,
        )
    except ReasonRequired:
        form.add_error(
            "reason",
            _("This draft predicts worse than the active version: say why you publish it."),
        )
        return render(
            request, "risk/model_review.html", _review_context(risk_model, form), status=400
        )
    except (ModelStateError, engine.ModelConfigError, RunAlreadyRunning) as error:
        messages.error(request, _("This draft was not published: %(error)s") % {"error": error})
        return redirect("risk:model-review", pk=pk)
    messages.success(
        request,
        _("v%(version)s is now the active risk model. Rescore run #%(run)s is rescoring it.")
        % {"version": risk_model.version, "run": run.pk},
    )
    return redirect("risk:model-detail", pk=pk)


@require_POST
@role_required(is_admin)
def model_suggest(request: AuthedRequest) -> HttpResponse:
    form = SuggestForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("train_before", []):
            messages.error(request, str(error))  # ErrorList items read as their messages
        return redirect("risk:model-list")
    train_before = form.cleaned_data["train_before"]
    suggestion = request_suggestion(train_before=train_before, user=request.user)
    when = format_date(train_before, locale_for(get_language()))
    if suggestion.status == SuggestionStatus.FAILED:
        messages.error(
            request,
            _("No suggestion can be learned from the history before %(date)s: %(reason)s")
            % {"date": when, "reason": suggestion.failure_text},
        )
    else:
        messages.success(
            request,
            _(
                "A suggestion is being learned from the history before %(date)s. Its progress "
                "is listed below; the new draft is linked there when ready: review it before "
                "publishing."
            )
            % {"date": when},
        )
    return redirect("risk:model-list")
