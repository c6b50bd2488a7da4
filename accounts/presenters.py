"""Display values for the triage table, computed once per row in Python.

Django template rendering, not the indexed query, is the cost of a 50-row page
(PERFORMANCE.md), so the row template prints ready-made strings and calls no tag or filter.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import formats

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


def triage_rows(values: list[dict[str, Any]], *, today: date) -> list[TriageRow]:
    phases = {code: str(label) for code, label in Phase.choices}
    bands = {code: str(label) for code, label in Band.choices}
    industries = {code: str(label) for code, label in Industry.choices}
    # reverse() once; every row's URL only differs by its id.
    url_template = reverse("accounts:detail", args=[0]).replace("/0/", "/{}/")
    rows = []
    for v in values:
        first, last = v["owner__first_name"], v["owner__last_name"]
        owner = f"{first} {last}".strip() or (v["owner__username"] or "")
        renewal: date = v["renewal_date"]
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
                mrr=format_money(v["mrr"], v["currency"]),
                renewal=formats.date_format(renewal, "SHORT_DATE_FORMAT"),
                renewal_soon=0 <= (renewal - today).days <= 90,
                owner=owner,
                is_expected_churn=v["is_expected_churn"],
            )
        )
    return rows


def format_money(amount: Any, currency: str) -> str:
    number = formats.number_format(amount, 0, use_l10n=True, force_grouping=True)
    return f"{number} {currency}"
