"""The portfolio dashboard, the lists behind its figures, the churn drivers and the board report.

Thin views: read the filters, call the queries, hand the presenters' charts to the templates.
"""

import csv
import hashlib
from datetime import date, timedelta

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import MovementKind
from analytics import formulas, presenters, queries
from analytics.forms import AnalyticsFilterForm
from analytics.queries import Filters
from churnguard.http import AuthedRequest
from churnguard.portfolio import figures_version
from playbooks.queries import policy_in_force
from teams.access import ALL_TEAMS, is_manager, role_required, visible_team_ids
from teams.models import Role, Team
from teams.queries import owners_visible_to

PAGE_SIZE = 50


def _filter_form(request: AuthedRequest) -> AnalyticsFilterForm:
    teams = visible_team_ids(request.user)
    team_rows = Team.objects.order_by("name")
    if teams is not ALL_TEAMS:
        team_rows = team_rows.filter(pk__in=teams)
    owners = owners_visible_to(request.user).filter(role=Role.CSM)
    return AnalyticsFilterForm(request.GET, teams=list(team_rows), owners=list(owners))


def _filters(request: AuthedRequest, form: AnalyticsFilterForm) -> Filters:
    # A CSM lands on their own book; "All CSMs" in the form shows their team's.
    own = request.user.pk if request.user.role == Role.CSM else None
    return form.to_filters(default_owner=own)


def _month(form: AnalyticsFilterForm, today: date) -> date:
    month = form.valid_data().get("month")
    return month if isinstance(month, date) else formulas.month_start(today)


# Figures drawn from accounts, the ledger, bands, KPIs and signals are cached under the figures
# version, which every write to them bumps on commit (churnguard/portfolio.py): a write is never
# followed by a stale figure, and a write that changes none (a rescore that moved no band, a
# usage entry, a stakeholder; touchpoints and tasks never bumped anything) leaves them cached.
# What a rescore does change (the factors of the top risks) is cached under the portfolio
# version, which every rescore bumps. Figures drawn from proposals (levers granted, approvals
# waiting) are cheap and read fresh on every request. The lifetime only bounds the cache's size.
CACHE_SECONDS = 600


def cached(key_parts: tuple, compute, *, version=figures_version):  # type: ignore[no-untyped-def]
    """`compute()` cached for the current `version()`, the reader's scope and language."""
    current = version()
    if current is None:
        return compute()
    key = (
        "analytics:"
        + hashlib.sha1(
            repr((version.__name__, current, translation.get_language(), *key_parts)).encode()
        ).hexdigest()
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _scope(user) -> tuple:  # type: ignore[no-untyped-def]
    teams = None if user is None else visible_team_ids(user)
    return (None if teams is None else tuple(sorted(teams)),)


def dashboard_data(*, user, filters: Filters, month: date, today: date) -> dict:
    """Every figure of the dashboard and the board report, with its charts (the ledger and
    account figures cached, the levers granted read fresh)."""
    data = dict(
        cached(
            ("dashboard", _scope(user), filters, month, today),
            lambda: _dashboard_data(user=user, filters=filters, month=month, today=today),
        )
    )
    data["levers"] = queries.levers_granted(
        user=user, filters=filters, since=today - timedelta(days=365)
    )
    return data


def _dashboard_data(*, user, filters: Filters, month: date, today: date) -> dict:
    currency = policy_in_force(today).currency
    series = queries.revenue_series(user=user, filters=filters, last_month=month)
    current = series[-1]
    trailing = formulas.trailing_twelve_months(series)
    # One grouped scan of the active accounts gives every account-level figure below.
    book = queries.active_book(user=user, filters=filters, today=today)
    forecast = book.forecast()
    bands = book.exposure("band")
    return {
        "currency": currency,
        "month": month,
        "series": series,
        "current": current,
        "trailing": trailing,
        "mrr_at_risk": book.mrr_at_risk(),
        "forecast": forecast,
        "exposure_band": bands,
        "exposures": [
            (_("MRR at risk by phase"), book.exposure("phase"), "exposure-phase"),
            (_("MRR at risk by team"), book.exposure("team"), "exposure-team"),
            (_("MRR at risk by CSM"), book.exposure("owner"), "exposure-owner"),
        ],
        "calendar": book.calendar(),
        "charts": [
            presenters.mrr_chart(series, currency, filters),
            presenters.waterfall_chart(current, currency, filters),
            presenters.retention_chart(series),
            presenters.band_chart(bands, currency, filters),
            presenters.forecast_chart(forecast, currency, filters),
        ],
    }


@require_GET
def dashboard(request: AuthedRequest):
    form = _filter_form(request)
    filters = _filters(request, form)
    today = timezone.localdate()
    user = request.user
    month = _month(form, today)
    context = dashboard_data(user=user, filters=filters, month=month, today=today)
    context.update(form=form, filters=filters, query=filters.as_query())
    context.update(
        cached(
            ("dashboard-extra", _scope(user), filters, month, today),
            lambda: _dashboard_extra(user=user, filters=filters, month=month),
        )
    )
    context["queues"] = queries.waiting_queues(user=user, filters=filters)
    table = request.GET.get("export", "")
    if table:
        return _dashboard_csv(context, table)
    return render(request, "analytics/dashboard.html", context)


def _dashboard_extra(*, user, filters: Filters, month: date) -> dict:
    return {
        "overnight": queries.overnight_moves(user=user, filters=filters),
        "cohorts": queries.cohort_table(user=user, filters=filters, last_month=month),
    }


def _dashboard_csv(context: dict, table: str) -> HttpResponse:
    """Any table of the dashboard as CSV (`?export=NAME`)."""
    if table == "months":
        header = [
            _("Month"),
            _("MRR"),
            _("ARR"),
            _("New"),
            _("Expansion"),
            _("Contraction"),
            _("Churn"),
            _("Reactivation"),
            _("NRR"),
            _("GRR"),
            _("Logo churn"),
            _("Revenue churn"),
        ]
        rows = (
            [
                m.month.strftime("%Y-%m"),
                m.end_mrr,
                m.arr,
                m.movements.new,
                m.movements.expansion,
                m.movements.contraction,
                m.movements.churn,
                m.movements.reactivation,
                m.nrr,
                m.grr,
                m.logo_churn_rate,
                m.revenue_churn_rate,
            ]
            for m in context["series"]
        )
    elif table == "forecast":
        header = [_("Quarter"), _("Committed"), _("At risk"), _("Expected churn")]
        rows = ([q.label, q.committed, q.at_risk, q.expected_churn] for q in context["forecast"])
    elif table == "calendar":
        header = [_("Month"), _("Accounts"), _("MRR"), _("of which at risk")]
        rows = (
            [m.month.strftime("%Y-%m"), m.accounts, m.mrr, m.at_risk_mrr]
            for m in context["calendar"]
        )
    elif table == "levers":
        header = [
            _("Lever"),
            _("Granted"),
            _("Cash cost"),
            _("MRR cost a month"),
            _("Saved"),
            _("Lost"),
            _("MRR kept"),
        ]
        rows = (
            [x.label, x.granted, x.cash_cost, x.mrr_cost, x.saved, x.lost, x.mrr_kept]
            for x in context["levers"]
        )
    elif table.startswith("exposure-"):
        by = table.removeprefix("exposure-")
        slices = {"band": context["exposure_band"]}
        slices.update(
            zip(("phase", "team", "owner"), (e[1] for e in context["exposures"]), strict=True)
        )
        if by not in slices:
            raise Http404("No such table")
        header = ["", _("Accounts"), _("MRR at risk")]
        rows = ([x.label, x.accounts, x.mrr] for x in slices[by])
    elif table == "cohorts":
        header = [_("Start month"), _("Accounts"), _("MRR")] + [
            f"M{i}"
            for i in range(len(context["cohorts"][0].retention) if context["cohorts"] else 0)
        ]
        rows = (
            [c.cohort.strftime("%Y-%m"), c.accounts, c.base_mrr, *c.retention]
            for c in context["cohorts"]
        )
    else:
        raise Http404("No such table")
    return _csv(f"{table}.csv", header, rows)


@require_GET
def movements(request: AuthedRequest):
    """The MRR movements behind a figure: a month, optionally one kind."""
    form = _filter_form(request)
    filters = _filters(request, form)
    month = _month(form, timezone.localdate())
    kind = request.GET.get("kind", "")
    rows = queries.scoped_movements(user=request.user, filters=filters).filter(
        on__gte=month, on__lt=formulas.add_months(month, 1)
    )
    if kind in MovementKind.values:
        rows = rows.filter(kind=kind)
    rows = rows.select_related("account").order_by("-on", "-id")
    if request.GET.get("format") == "csv":
        return _csv(
            "mrr-movements.csv",
            [_("Date"), _("Account"), _("Kind"), _("Amount"), _("Currency"), _("MRR after")],
            (
                [m.on, m.account.name, m.get_kind_display(), m.amount, m.currency, m.mrr_after]
                for m in rows
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/movement_list.html",
        {"page": page, "month": month, "kind": kind, "form": form, "kinds": MovementKind.choices},
    )


@require_GET
def forecast_accounts(request: AuthedRequest):
    """The accounts behind a forecast figure (a quarter and a bucket)."""
    form = _filter_form(request)
    filters = _filters(request, form)
    bucket = request.GET.get("bucket", "")
    try:
        quarter = int(request.GET.get("quarter", "0"))
        start, end = queries.quarters(timezone.localdate())[quarter]
    except (ValueError, IndexError):
        raise Http404("No such quarter") from None
    if bucket not in queries.FORECAST_BUCKETS:
        raise Http404("No such forecast figure")
    accounts = queries.forecast_accounts(
        user=request.user, filters=filters, start=start, end=end, bucket=bucket
    )
    if request.GET.get("format") == "csv":
        return _csv(
            "forecast.csv",
            [_("Account"), _("Renewal date"), _("MRR"), _("Currency"), _("Risk band")],
            (
                [a.name, a.renewal_date, a.mrr, a.currency, a.get_risk_band_display()]
                for a in accounts
            ),
        )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/forecast_accounts.html",
        {"page": page, "start": start, "end": end, "bucket": bucket, "quarter": quarter},
    )


@require_GET
def churn_drivers(request: AuthedRequest):
    form = _filter_form(request)
    filters = _filters(request, form)
    today = timezone.localdate()
    drivers, reasons = cached(
        ("drivers", _scope(request.user), filters, today),
        lambda: (
            queries.churn_drivers(user=request.user, filters=filters, today=today),
            queries.churn_reasons(user=request.user, filters=filters),
        ),
    )
    if request.GET.get("format") == "csv":
        return _csv(
            "churn-drivers.csv",
            [
                _("Attribute"),
                _("Bucket"),
                _("Accounts"),
                _("Churned"),
                _("Churn rate"),
                _("Lift"),
                _("Interval low"),
                _("Interval high"),
            ],
            (
                [
                    d.attribute,
                    b.label,
                    b.total,
                    b.churned,
                    f"{b.churn_rate:.4f}",
                    "" if b.lift is None else f"{b.lift:.2f}",
                    *(f"{v:.4f}" for v in (b.interval or ("", "")) if v != ""),
                ]
                for d in drivers
                for b in d.buckets
            ),
        )
    rows = [
        {
            "attribute": d.attribute,
            "label": presenters.driver_label(d.attribute),
            "separation": d.separation,
            "buckets": [
                {"stat": b, "label": presenters.bucket_label(d.attribute, b.label)}
                for b in d.buckets
            ],
        }
        for d in drivers
    ]
    return render(
        request,
        "analytics/churn_drivers.html",
        {"drivers": rows, "reasons": reasons, "form": form, "query": filters.as_query()},
    )


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@require_GET
@role_required(is_manager)
def board_report(request: AuthedRequest):
    from analytics.report import board_report_context, render_board_pdf

    form = _filter_form(request)
    filters = _filters(request, form)
    today = timezone.localdate()
    context = board_report_context(
        user=request.user, filters=filters, month=_month(form, today), today=today
    )
    if request.GET.get("format") == "pdf":
        pdf = render_board_pdf(context, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="board-report-{context["month"]:%Y-%m}.pdf"'
        )
        return response
    context.update(form=form, query=filters.as_query())
    return render(request, "analytics/board_report.html", context)


@require_GET
def home(request: AuthedRequest):
    """Managers and admins land on the dashboard; a CSM on the triage list, their morning."""
    return redirect("analytics:dashboard" if is_manager(request.user) else "accounts:list")
