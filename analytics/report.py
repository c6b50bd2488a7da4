"""The board report: the month's figures for the board, as a page and as a PDF.

The same template fragment draws the page and the PDF; WeasyPrint turns the HTML into the PDF
(imported only here, when a PDF is asked for: it is slow to import)."""

import functools
import logging
from datetime import date

from django.db.models import F, OuterRef, Q, Subquery
from django.template.loader import render_to_string

from accounts.models import Account
from analytics import queries
from analytics.queries import AT_RISK_BANDS, Filters
from churnguard.portfolio import portfolio_version
from risk.models import Score
from teams.models import User

TOP_RISKS = 10


def top_risks(*, user: User | None, filters: Filters, limit: int = TOP_RISKS) -> list[dict]:
    """The active accounts at risk with the most MRR, each with the three factors that weigh
    most in its latest score: two queries."""
    accounts = list(
        queries.scoped_accounts(user=user, filters=filters)
        .filter(status="active")
        .filter(Q(risk_band__in=AT_RISK_BANDS) | Q(is_expected_churn=True))
        .select_related("owner")
        .order_by(F("mrr").desc(), "id")[:limit]
    )
    # The latest score of these few accounts only: as an annotation of the query above, the
    # database may look it up for every account at risk before keeping the top ones.
    latest = Score.objects.filter(account=OuterRef("pk")).order_by("-computed_at", "-id")
    latest_ids = Account.objects.filter(pk__in=[a.pk for a in accounts]).values(
        latest=Subquery(latest.values("id")[:1])
    )
    by_account = {score.account_id: score for score in Score.objects.filter(pk__in=latest_ids)}
    rows = []
    for account in accounts:
        score = by_account.get(account.pk)
        contributions = score.contributions if score else []
        drags = sorted((c for c in contributions if c.points > 0), key=lambda c: -c.points)[:3]
        rows.append({"account": account, "reasons": [c.reason for c in drags]})
    return rows


def board_report_context(*, user: User | None, filters: Filters, month: date, today: date) -> dict:
    from analytics.views import _scope, cached, dashboard_data

    context = dashboard_data(user=user, filters=filters, month=month, today=today)
    # The top risks' factors come from their latest scores, which any rescore may change.
    context["top_risks"] = cached(
        ("top-risks", _scope(user), filters),
        lambda: top_risks(user=user, filters=filters),
        version=portfolio_version,
    )
    context["today"] = today
    return context


PDF_STYLESHEETS = ("css/analytics.css", "css/board_report_pdf.css")


@functools.cache
def _pdf_styles():  # type: ignore[no-untyped-def]
    """The parsed stylesheets and font configuration, once per process (parsing the CSS took
    ~0.3 s of each PDF, docs/performance.md)."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = [CSS(filename=finders.find(path), font_config=fonts) for path in PDF_STYLESHEETS]
    return sheets, fonts


def render_board_pdf(context: dict, *, base_url: str = "") -> bytes:
    """The board report as PDF bytes (A4), with the same charts as the page."""
    from weasyprint import HTML

    # The page's CSS has screen-only rules WeasyPrint reports one by one: keep its errors only.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    logging.getLogger("weasyprint.progress").setLevel(logging.ERROR)
    html = render_to_string("analytics/board_report_pdf.html", context)
    stylesheets, fonts = _pdf_styles()
    return HTML(string=html, base_url=base_url or None).write_pdf(
        stylesheets=stylesheets, font_config=fonts
    )
