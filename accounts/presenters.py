"""Display values for the triage table, computed once per row in Python.

Template rendering, not the indexed query, is the cost of a 50-row page (docs/performance.md),
so every cell is a ready-made string here and the row template (a Jinja2 template, autoescaped:
templates/accounts/triage_rows.jinja) only lays them out.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.countries import country_name
from accounts.models import Band, Industry, Phase, Segment
from churnguard.formats import format_date, format_money, locale_for


@dataclass(frozen=True, slots=True)
class Column:
    label: str | Promise
    sort: str = ""  # a key of accounts.queries.SORTS, "" when the column does not sort


# The optional columns of the triage table, in display order (the account and its risk always
# show). The column chooser, the header and the row template all read this one mapping.
TRIAGE_COLUMNS: dict[str, Column] = {
    "mrr": Column(gettext_lazy("MRR"), sort="mrr"),
    "renewal": Column(gettext_lazy("Renewal"), sort="renewal"),
    "phase": Column(gettext_lazy("Phase")),
    "industry": Column(gettext_lazy("Industry")),
    "country": Column(gettext_lazy("Country")),
    "segment": Column(gettext_lazy("Segment")),
    "owner": Column(gettext_lazy("Owner")),
}
DEFAULT_COLUMNS = ("mrr", "renewal", "phase", "industry", "country", "owner")
COLUMN_CHOICES = [(code, column.label) for code, column in TRIAGE_COLUMNS.items()]


def clean_columns(codes: object) -> tuple[str, ...]:
    """Known column codes in display order; unknown or repeated ones dropped (stale links)."""
    if isinstance(codes, str):
        codes = codes.split(",")
    if not isinstance(codes, list | tuple):
        return ()
    wanted = {code for code in codes if isinstance(code, str)}
    return tuple(code for code in TRIAGE_COLUMNS if code in wanted)


TRIAGE_FIELDS = (
    "id",
    "name",
    "external_id",
    "industry",
    "country",
    "segment",
    "phase",
    "risk_score",
    "risk_band",
    "mrr",
    "currency",
    "renewal_date",
    "is_expected_churn",
    "override_band",  # annotated by the triage page (workspace), which sees risk
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
    segment: str
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
    override_text: str  # "CSM says High", "" without an override


def triage_rows(values: list[dict[str, Any]], *, today: date) -> list[TriageRow]:
    phases = {code: str(label) for code, label in Phase.choices}
    bands = {code: str(label) for code, label in Band.choices}
    industries = {code: str(label) for code, label in Industry.choices}
    segments = {code: str(label) for code, label in Segment.choices}
    # reverse() once; every row's URL only differs by its id.
    url_template = reverse("accounts:detail", args=[0]).replace("/0/", "/{}/")
    locale = locale_for(get_language())
    short_dates: dict[date | None, str] = {}  # renewal dates repeat a lot within a page
    rows = []
    for v in values:
        first, last = v["owner__first_name"], v["owner__last_name"]
        owner = f"{first} {last}".strip() or (v["owner__username"] or "")
        renewal: date | None = v["renewal_date"]
        if renewal not in short_dates:
            short_dates[renewal] = "" if renewal is None else format_date(renewal, locale)
        rows.append(
            TriageRow(
                url=url_template.format(v["id"]),
                name=v["name"],
                external_id=v["external_id"],
                industry=industries.get(v["industry"], v["industry"]),
                country=country_name(v["country"]),
                segment=segments.get(v["segment"], v["segment"]),
                phase=v["phase"],
                phase_label=phases.get(v["phase"], v["phase"]),
                score="" if v["risk_score"] is None else str(v["risk_score"]),
                band=v["risk_band"],
                band_label=bands.get(v["risk_band"], ""),
                mrr=format_money(v["mrr"], v["currency"], locale, whole=True),
                renewal=short_dates[renewal],
                renewal_soon=renewal is not None and 0 <= (renewal - today).days <= 90,
                owner=owner,
                is_expected_churn=v["is_expected_churn"],
                override_band=v["override_band"] or "",
                override_text=_("CSM says %(band)s") % {"band": bands[v["override_band"]]}
                if v["override_band"] in bands
                else "",
            )
        )
    return rows
