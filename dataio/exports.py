"""Exports of the triage list and of scores with their factor breakdown, as CSV or XLSX.

Rows are read in chunks and written as they come, so an export of every account stays within a
bounded memory. Text cells that a spreadsheet would run as a formula are neutralised.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.countries import country_name
from accounts.models import Account, Band, Industry, Phase, Segment
from accounts.queries import TriageFilters, triage_accounts
from risk.models import Score, StoredContribution, stored_contributions
from risk.presenters import FACTOR_LABELS
from teams.models import User

CHUNK_ROWS = 2000
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

TRIAGE_FIELDS = (
    "id",
    "external_id",
    "name",
    "risk_score",
    "risk_band",
    "mrr",
    "currency",
    "renewal_date",
    "phase",
    "industry",
    "segment",
    "country",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "team__name",
    "is_expected_churn",
    "status",
)


def neutralise(value: Any) -> Any:
    """Text that would start a formula gets a leading apostrophe; other values pass as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _headers() -> list[str]:
    return [
        _("External ID"),
        _("Name"),
        _("Risk score"),
        _("Risk band"),
        _("MRR"),
        _("Currency"),
        _("Renewal date"),
        _("Phase"),
        _("Industry"),
        _("Segment"),
        _("Country"),
        _("Owner"),
        _("Team"),
        _("Expected churn"),
        _("Status"),
    ]


def _values(v: dict[str, Any], labels: dict[str, dict[str, str]]) -> list[Any]:
    owner = f"{v['owner__first_name']} {v['owner__last_name']}".strip() or v["owner__username"]
    return [
        v["external_id"],
        v["name"],
        v["risk_score"],
        labels["band"].get(v["risk_band"], v["risk_band"]),
        v["mrr"],
        v["currency"],
        v["renewal_date"],
        labels["phase"].get(v["phase"], v["phase"]),
        labels["industry"].get(v["industry"], v["industry"]),
        labels["segment"].get(v["segment"], v["segment"]),
        country_name(v["country"]),
        owner or "",
        v["team__name"],
        _("yes") if v["is_expected_churn"] else _("no"),
        v["status"],
    ]


def _labels() -> dict[str, dict[str, str]]:
    return {
        name: {code: str(label) for code, label in choices}
        for name, choices in (
            ("band", Band.choices),
            ("phase", Phase.choices),
            ("industry", Industry.choices),
            ("segment", Segment.choices),
        )
    }


def _chunks(accounts: QuerySet[Account]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for values in accounts.values(*TRIAGE_FIELDS).iterator(chunk_size=CHUNK_ROWS):
        chunk.append(values)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def triage_table(*, user: User, filters: TriageFilters, today: date) -> Iterator[list[Any]]:
    """The triage list as filtered (the user's scope), header first, in the list's order."""
    accounts = triage_accounts(user=user, filters=filters, today=today)
    labels = _labels()
    yield _headers()
    for chunk in _chunks(accounts):
        for values in chunk:
            yield _values(values, labels)


def scores_table(*, user: User, filters: TriageFilters, today: date) -> Iterator[list[Any]]:
    """The same accounts with their current score's factor breakdown: points per factor, and
    the reasons the engine gave."""
    accounts = triage_accounts(user=user, filters=filters, today=today)
    labels = _labels()
    factors = list(FACTOR_LABELS)
    points_of = _("Points: %(factor)s")
    yield [
        *_headers(),
        *(points_of % {"factor": FACTOR_LABELS[f]} for f in factors),
        _("Reasons"),
    ]
    for chunk in _chunks(accounts):
        breakdowns = _latest_contributions([v["id"] for v in chunk])
        for values in chunk:
            contributions = breakdowns.get(values["id"], [])
            points = {c.factor: c.points for c in contributions}
            reasons = "; ".join(c.reason for c in contributions)
            yield [
                *_values(values, labels),
                *(points.get(factor) for factor in factors),
                reasons,
            ]


def _latest_contributions(account_ids: list[int]) -> dict[int, list[StoredContribution]]:
    """The contributions of each account's latest current (not backdated) score."""
    latest: dict[int, list[StoredContribution]] = {}
    rows = (
        Score.objects.filter(account_id__in=account_ids, backdated=False)
        .order_by("account_id", "-computed_at", "-id")
        .values_list("account_id", "contributions_json")
    )
    for account_id, contributions in rows.iterator(chunk_size=CHUNK_ROWS):
        if account_id not in latest:
            latest[account_id] = stored_contributions(contributions)
    return latest


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text line by line, with a BOM so that Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([neutralise("" if value is None else value) for value in row])


def xlsx_bytes(rows: Iterable[list[Any]], *, sheet: str) -> bytes:
    """An XLSX workbook of the rows. XlsxWriter's constant-memory mode flushes each row."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "in_memory": False, "remove_timezone": True}
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    bold = workbook.add_format({"bold": True})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                worksheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, bool):
                worksheet.write_boolean(r, c, value)
            elif isinstance(value, int | float) or hasattr(value, "as_tuple"):
                worksheet.write_number(r, c, float(value))
            else:
                # write_string, never write(): a text cell is never read as a formula.
                worksheet.write_string(r, c, neutralise(str(value)), bold if r == 0 else None)
    workbook.close()
    return buffer.getvalue()
