"""Display values for the triage table, computed once per row in Python.

Django template rendering, not the indexed query, is the cost of a 50-row page
(PERFORMANCE.md), so the row template prints ready-made strings and calls no tag or filter.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.countries import country_name
from accounts.models import Band, Industry, Phase

TRIAGE_FIELDS = (
    "id",
    "name",
    "external_id",
    "industry",
    "country",
    "phase",
    "risk_score",
    "risk_band",
    "mrr",
    "currency",
    "renewal_date",
    "is_expected_churn",
    "override_band",  # annotated by triage_accounts()
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


@dataclass(frozen=True, slots=True)
class TriageRow:
    url: str
    name: str
    external_id: str
    industry: str
    country: str
    phase: str
    phase_label: str
    score: str
    band: str
    band_label: str
    mrr: str
    renewal: str
    renewal_soon: bool
    owner: str
    is_expected_churn: bool
    override_band: str  # "" when no override counts today
    override_label: str


def triage_rows(values: list[dict[str, Any]], *, today: date) -> list[TriageRow]:
    phases = {code: str(label) for code, label in Phase.choices}
    bands = {code: str(label) for code, label in Band.choices}
    industries = {code: str(label) for code, label in Industry.choices}
    # reverse() once; every row's URL only differs by its id.
    url_template = reverse("accounts:detail", args=[0]).replace("/0/", "/{}/")
    money = MoneyFormat()
    short_dates: dict[date, str] = {}  # renewal dates repeat a lot within a page
    rows = []
    for v in values:
        first, last = v["owner__first_name"], v["owner__last_name"]
        owner = f"{first} {last}".strip() or (v["owner__username"] or "")
        renewal: date | None = v["renewal_date"]
        if renewal not in short_dates:
            short_dates[renewal] = (
                "" if renewal is None else formats.date_format(renewal, "SHORT_DATE_FORMAT")
            )
        rows.append(
            TriageRow(
                url=url_template.format(v["id"]),
                name=v["name"],
                external_id=v["external_id"],
                industry=industries.get(v["industry"], v["industry"]),
                country=country_name(v["country"]),
                phase=v["phase"],
                phase_label=phases.get(v["phase"], v["phase"]),
                score="" if v["risk_score"] is None else str(v["risk_score"]),
                band=v["risk_band"],
                band_label=bands.get(v["risk_band"], ""),
                mrr=money(v["mrr"], v["currency"]),
                renewal=short_dates[renewal],
                renewal_soon=renewal is not None and 0 <= (renewal - today).days <= 90,
                owner=owner,
                is_expected_churn=v["is_expected_churn"],
                override_band=v["override_band"] or "",
                override_label=bands.get(v["override_band"], ""),
            )
        )
    return rows


def triage_rows_html(rows: list[TriageRow]) -> SafeString:
    """The table body in one string join.

    The template engine costs ~25 µs per variable per row; 50 rows of 10 cells made it most of
    the page's CPU (PERFORMANCE.md). Same markup as a template would give; every value escaped.
    """
    expected = escape(str(_("expected churn")))
    parts = []
    for r in rows:
        flag = f' <span class="tag expected">{expected}</span>' if r.is_expected_churn else ""
        soon = ' class="soon"' if r.renewal_soon else ""
        override = ""
        if r.override_band:
            says = escape(_("CSM says %(band)s") % {"band": r.override_label})
            override = f' <span class="band band-{escape(r.override_band)} override">{says}</span>'
        parts.append(
            f'<tr><td><a href="{escape(r.url)}">{escape(r.name)}</a>{flag}</td>'
            f'<td><span class="band band-{escape(r.band or "none")}">{escape(r.score or "–")} '
            f"{escape(r.band_label)}</span>{override}</td>"
            f'<td class="num">{escape(r.mrr)}</td><td{soon}>{escape(r.renewal)}</td>'
            f'<td><span class="phase phase-{escape(r.phase)}">{escape(r.phase_label)}</span></td>'
            f"<td>{escape(r.industry)}</td><td>{escape(r.country)}</td><td>{escape(r.owner)}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every interpolated value is escaped above


class MoneyFormat:
    """Whole amounts with the active language's thousands separator, e.g. "12,500 EUR" or
    "12 500 EUR"; looked up once per page instead of once per row."""

    def __init__(self) -> None:
        self.separator = formats.get_format("THOUSAND_SEPARATOR")
        self.standard = formats.get_format("NUMBER_GROUPING") in (3, (3, 0))

    def __call__(self, amount: Any, currency: str) -> str:
        if not self.standard:
            return format_money(amount, currency)
        whole = int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return f"{whole:,} {currency}".replace(",", self.separator)


def format_money(amount: Any, currency: str) -> str:
    number = formats.number_format(amount, 0, use_l10n=True, force_grouping=True)
    return f"{number} {currency}"
