"""The words for an import report's codes, in the reader's language."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.countries import country_name

MESSAGES = {
    "date_invalid": _("“%(value)s” is not a date: write 2026-12-31 or 31/12/2026."),
    "number_invalid": _("“%(value)s” is not a number."),
    "amount_negative": _("“%(value)s” is negative: an amount cannot be."),
    "amount_too_large": _("“%(value)s” is too large an amount."),
    "percent_range": _("“%(value)s” is not a percentage between 0 and 100."),
    "runway_range": _("“%(value)s” is not a number of months."),
    "count_invalid": _("“%(value)s” is not a whole number of zero or more."),
    "intensity_invalid": _("“%(value)s” is not a usage intensity: write a number of zero or more."),
    "term_invalid": _("“%(value)s” is not a term: write a number of months, or “annual”."),
    "phase_unknown": _("Unknown phase “%(value)s”: use deployment, defense, maturation or growth."),
    "funding_stage_unknown": _("Unknown funding stage “%(value)s”."),
    "country_unknown": _("Unknown country “%(value)s”."),
    "country_unknown_suggest": _("Unknown country “%(value)s”: did you mean %(suggestion)s?"),
    "currency_invalid": _("“%(value)s” is not a currency: use a code such as EUR."),
    "text_too_long": _("“%(value)s…” is longer than %(max)s characters."),
    "owner_unknown": _("No user “%(value)s”: use their e-mail, username or full name."),
    "owner_ambiguous": _("Several users are called “%(value)s”: use their e-mail."),
    "external_id_missing": _("The row has no external id."),
    "duplicate_id": _("The same id is also on row %(other)s of the file."),
    "name_missing": _("A new account needs a name."),
    "mrr_missing": _("A new account needs its MRR (or ARR)."),
    "team_missing": _("No team for this new account: pick a default team, or give an owner."),
    "out_of_scope": _("This account belongs to a team you do not manage."),
    "industry_unknown": _("Industry “%(value)s” is not in the risk model: kept as written."),
    "segment_unknown": _("Segment “%(value)s” is not a known segment: kept as written."),
    "usage_seats_missing": _("Active users without licensed seats: no adoption recorded."),
    "usage_active_missing": _("Licensed seats without active users: no adoption recorded."),
    "usage_no_seats": _("No licensed seats (0): no adoption recorded."),
    "usage_over_seats": _("More active users than licensed seats: no adoption recorded."),
    "outcome_unknown": _("Unknown outcome “%(value)s”: use churn or renewal."),
    "account_unknown": _("No account with the external id “%(value)s”."),
    "churn_date_missing": _("A churn needs its date."),
    "renewal_date_missing": _("A renewal needs its date."),
    "renewal_of_churned": _("A churned account cannot renew: record its reactivation instead."),
    "churn_reason_unknown": _("Unknown churn reason “%(value)s”: kept as other."),
}

UNREADABLE = {
    "empty": _("The file is empty."),
    "no_rows": _("The file has a header but no rows."),
    "binary": _("This is not a CSV or Excel file."),
    "not_a_table": _("No table found: the first row must name the columns."),
    "undecodable": _("The file's text could not be read: save it as UTF-8 CSV."),
    "too_large": _("The file is too large."),
}


def word(code: str, params: dict[str, Any]) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    values = dict(params)
    if "suggestion" in values:
        values["suggestion"] = country_name(values["suggestion"]) or values["suggestion"]
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)


def worded(report: dict[str, Any]) -> dict[str, Any]:
    """The report with a message beside each code (the shape the command prints)."""

    def cells(items: list[dict[str, Any]]) -> list[dict[str, str]]:
        return [
            {"column": item["column"], "message": word(item["code"], item["params"])}
            for item in items
        ]

    return {
        **{key: value for key, value in report.items() if key not in ("rows", "warnings")},
        "rows": [{"row": r["row"], "errors": cells(r["errors"])} for r in report["rows"]],
        "warnings": [
            {"row": w["row"], "warnings": cells(w["warnings"])} for w in report["warnings"]
        ],
    }
