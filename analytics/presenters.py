"""From query results to what the pages show: charts (geometry + data tables) in the reader's
language. No HTML here: templates draw everything."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import Band
from analytics import formulas
from analytics.charts import Chart, Legend, Segment, bar_chart, line_chart
from analytics.driver_buckets import SIGNAL_PREFIX, TENURE_YEARS
from analytics.queries import Filters, QuarterForecast, Slice


def month_label(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def short_month(month: date) -> str:
    return formats.date_format(month, "M y")


def money(value: Decimal | float) -> str:
    return formats.number_format(round(Decimal(value)), 0, use_l10n=True, force_grouping=True)


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return formats.number_format(value * 100, 1, use_l10n=True) + " %"


def link(name: str, filters: Filters, **params: object) -> str:
    query = {**filters.as_query(), **{k: str(v) for k, v in params.items() if v not in (None, "")}}
    return reverse(name) + ("?" + urlencode(query) if query else "")


def mrr_chart(series: Sequence[formulas.MonthMetrics], currency: str, filters: Filters) -> Chart:
    return bar_chart(
        slug="mrr",
        title=_("MRR at the end of each month"),
        unit=_("%(currency)s a month") % {"currency": currency},
        categories=[short_month(m.month) for m in series],
        segments=[
            [
                Segment(
                    value=float(m.end_mrr),
                    css="series-mrr",
                    href=link("analytics:movements", filters, month=m.month.strftime("%Y-%m")),
                )
            ]
            for m in series
        ],
        columns=[_("Month"), _("MRR"), _("ARR")],
        rows=[[month_label(m.month), money(m.end_mrr), money(m.arr)] for m in series],
    )


def waterfall_chart(month: formulas.MonthMetrics, currency: str, filters: Filters) -> Chart:
    """The month's movements: what came in (up), what went out (down), and the net change."""
    moved = month.movements
    steps = [
        ("new", _("New"), moved.new, "series-up"),
        ("expansion", _("Expansion"), moved.expansion, "series-up"),
        ("reactivation", _("Reactivation"), moved.reactivation, "series-up"),
        ("contraction", _("Contraction"), -moved.contraction, "series-down"),
        ("churn", _("Churn"), -moved.churn, "series-down"),
    ]
    month_param = month.month.strftime("%Y-%m")
    segments = [
        [
            Segment(
                value=float(value),
                css=css,
                href=link("analytics:movements", filters, month=month_param, kind=kind),
            )
        ]
        for kind, _label, value, css in steps
    ]
    net = moved.net
    segments.append(
        [
            Segment(
                value=float(net),
                css="series-total",
                href=link("analytics:movements", filters, month=month_param),
            )
        ]
    )
    labels = [label for _k, label, _v, _c in steps] + [_("Net")]
    values = [value for _k, _l, value, _c in steps] + [net]
    return bar_chart(
        slug="waterfall",
        title=_("MRR movements in %(month)s") % {"month": month_label(month.month)},
        unit=_("%(currency)s a month") % {"currency": currency},
        categories=labels,
        segments=segments,
        columns=[_("Movement"), _("MRR")],
        rows=[
            [_("MRR at the start of the month"), money(month.start_mrr)],
            *[[label, money(value)] for label, value in zip(labels, values, strict=True)],
            [_("MRR at the end of the month"), money(month.end_mrr)],
        ],
    )


def retention_chart(series: Sequence[formulas.MonthMetrics]) -> Chart:
    recent = list(series)[-12:]

    def pct(value: Decimal | None) -> float | None:
        return None if value is None else float(value * 100)

    return line_chart(
        slug="retention",
        title=_("Net and gross revenue retention, month by month"),
        unit=_("% of the MRR at the start of the month"),
        categories=[short_month(m.month) for m in recent],
        series=[
            ("series-nrr", _("NRR"), [pct(m.nrr) for m in recent]),
            ("series-grr", _("GRR"), [pct(m.grr) for m in recent]),
        ],
        columns=[_("Month"), _("NRR"), _("GRR")],
        rows=[[month_label(m.month), percent(m.nrr), percent(m.grr)] for m in recent],
        floor=_floor([pct(m.grr) for m in recent]),
    )


def _floor(values: Sequence[float | None]) -> float:
    """The retention axis starts a little under the lowest rate (a multiple of 5 %)."""
    known = [v for v in values if v is not None]
    return float(int(min(known, default=90.0) // 5 * 5) - 5) if known else 90.0


def band_chart(slices: Sequence[Slice], currency: str, filters: Filters) -> Chart:
    by_band = {s.key: s for s in slices}
    bands = [Band.MEDIUM, Band.HIGH, Band.CRITICAL] if "medium" in by_band else AT_RISK_ORDER
    return bar_chart(
        slug="risk-bands",
        title=_("MRR at risk by band"),
        unit=_("%(currency)s a month") % {"currency": currency},
        categories=[str(Band(b).label) for b in bands],
        segments=[
            [
                Segment(
                    value=float(by_band[b].mrr) if b in by_band else 0.0,
                    css=f"series-band-{b}",
                    href=reverse("accounts:list") + f"?band={b}",
                )
            ]
            for b in bands
        ],
        columns=[_("Band"), _("Accounts"), _("MRR")],
        rows=[
            [
                str(Band(b).label),
                str(by_band[b].accounts if b in by_band else 0),
                money(by_band[b].mrr if b in by_band else 0),
            ]
            for b in bands
        ],
    )


AT_RISK_ORDER = [Band.HIGH, Band.CRITICAL]


def forecast_chart(quarters: Sequence[QuarterForecast], currency: str, filters: Filters) -> Chart:
    def href(i: int, bucket: str) -> str:
        return link("analytics:forecast-accounts", filters, quarter=i, bucket=bucket)

    names = {
        "committed": _("Committed"),
        "at_risk": _("At risk"),
        "expected_churn": _("Expected churn"),
    }
    return bar_chart(
        slug="forecast",
        title=_("Renewal forecast"),
        unit=_("%(currency)s a month") % {"currency": currency},
        categories=[q.label for q in quarters],
        segments=[
            [
                Segment(float(q.committed), "series-committed", href(i, "committed")),
                Segment(float(q.at_risk), "series-at-risk", href(i, "at_risk")),
                Segment(
                    float(q.expected_churn), "series-expected-churn", href(i, "expected_churn")
                ),
            ]
            for i, q in enumerate(quarters)
        ],
        legend=[
            Legend("series-committed", names["committed"]),
            Legend("series-at-risk", names["at_risk"]),
            Legend("series-expected-churn", names["expected_churn"]),
        ],
        columns=[_("Quarter"), names["committed"], names["at_risk"], names["expected_churn"]],
        rows=[
            [q.label, money(q.committed), money(q.at_risk), money(q.expected_churn)]
            for q in quarters
        ],
    )


def driver_label(attribute: str) -> str:
    labels = {
        "discount": _("Discount at signing"),
        "industry": _("Industry"),
        "country": _("Country"),
        "phase": _("Journey phase"),
        "segment": _("Segment"),
        "funding": _("Funding stage"),
        "runway": _("Cash runway (months)"),
        "tenure": _("Tenure (years)"),
        "kpi": _("KPI attainment against target"),
    }
    if attribute.startswith(SIGNAL_PREFIX):
        return _("Signal %(name)s") % {"name": attribute.removeprefix(SIGNAL_PREFIX)}
    return str(labels.get(attribute, attribute))


def bucket_label(attribute: str, label: str) -> str:
    """A bucket's code in the reader's language (industries, phases...)."""
    from accounts.countries import country_name
    from accounts.models import FundingStage, Industry, Phase, Segment

    if label == formulas.OTHER_BUCKET:
        return _("Other (small groups)")
    choices = {
        "industry": Industry,
        "phase": Phase,
        "segment": Segment,
        "funding": FundingStage,
    }.get(attribute)
    if choices is not None and label in choices.values:
        return str(choices(label).label)
    if attribute == "country":
        return country_name(label)
    if attribute == "tenure" and label == str(TENURE_YEARS):
        return _("%(years)s and more") % {"years": label}
    if attribute.startswith(SIGNAL_PREFIX) and _is_range(label):
        low, high = (Decimal(v) for v in label.split(":"))
        if low == high:
            return _number(low)
        return _("%(low)s to %(high)s") % {"low": _number(low), "high": _number(high)}
    return label


def _is_range(label: str) -> bool:
    """A numeric signal's quantile bucket is labelled "low:high" (driver_buckets.signal_buckets)."""
    parts = label.split(":")
    if len(parts) != 2:
        return False
    try:
        [Decimal(v) for v in parts]
    except ArithmeticError:
        return False
    return True


def _number(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = min(max(0, -exponent), 2) if isinstance(exponent, int) else 0
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)
