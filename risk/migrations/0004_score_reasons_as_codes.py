"""Score history written before reasons had codes: its English sentences become codes and
parameters, so they are worded in the reader's language like every new row.

The parsing below is a frozen copy of the sentences the engine used to write; it runs once. A
sentence it does not recognise is kept as it was, under the "legacy" code, and shown as written.
"""

import json
import re
from datetime import date

from django.db import migrations

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_DATE = r"\d{1,2} (?:" + "|".join(_MONTHS) + r") \d{4}"
_NUMBER = r"-?\d{1,3}(?:,\d{3})*(?:\.\d+)?|-?\d+(?:\.\d+)?"

_EXPOSURES = {
    "heavily exposed to the crisis": "heavy",
    "exposed to the crisis": "exposed",
    "somewhat exposed to the crisis": "somewhat",
    "neutral": "neutral",
    "has held up in the crisis": "held_up",
}
_RUNWAYS = {
    "out of cash": "out",
    "cash runs out within a month": "month",
    "survives one quarter at most": "quarter",
    "less than two quarters of cash": "two_quarters",
    "less than a year of cash": "year",
    "less than two years of cash": "two_years",
    "two years of cash or more": "more",
}
_STAGES = {
    "bootstrapped company": "bootstrapped",
    "seed-stage start-up": "seed",
    "Series A start-up": "series_a",
    "Series B+ start-up": "series_b_plus",
    "profitable company": "profitable",
    "listed company": "listed",
    "multinational with reserves": "multinational",
}
_SEGMENTS = {"small business": "smb", "mid-market": "mid_market", "enterprise": "enterprise"}
_INDUSTRIES = {"E-commerce": "ecommerce", "Remote-work": "remote_work"}


def _iso(text):
    day, month, year = text.split()
    return date(int(year), _MONTHS[month], int(day)).isoformat()


def _number(text):
    return text.replace(",", "")


def _industry(label):
    return _INDUSTRIES.get(label) or label.lower().replace(" ", "_")


# Placeholder -> (regex, conversion of what matched).
_SLOTS = {
    "date": (_DATE, _iso),
    "as_of": (_DATE, _iso),
    "since": (_DATE, _iso),
    "days": (r"-?\d+", int),
    "count": (r"\d+", int),
    "then": (r"\d+", int),
    "now": (r"\d+", int),
    "pct": (_NUMBER, _number),
    "weakest": (_NUMBER, _number),
    "value": (_NUMBER, _number),
    "threshold": (_NUMBER, _number),
    "months": (_NUMBER, _number),
    "burn": (_NUMBER, _number),
    "name": (r".+?", str),
    "label": (r".+?", str),
    "industry": (r".+?", _industry),
    "phase": (r"[a-z_]+", str),
    "country": (r"[^\s,:()]+", str),
    "region": (r".+?", str),
    "note": (r".+", str),
    "exposure": ("|".join(map(re.escape, sorted(_EXPOSURES, key=len, reverse=True))), _EXPOSURES.get),
    "runway": ("|".join(map(re.escape, _RUNWAYS)), _RUNWAYS.get),
    "phase_words": (
        "onboarding|already a concern|deployed and seeing value|eligible for expansion|as recorded",
        None,  # follows from the phase
    ),
    "cash_parts": (r".+", None),  # parsed as parts
}


def _compile(table):
    compiled = []
    for code, english in table:
        regex, position = [], 0
        for slot in re.finditer(r"\{(\w+)\}", english):
            regex.append(re.escape(english[position : slot.start()]))
            regex.append(f"(?P<{slot[1]}>{_SLOTS[slot[1]][0]})")
            position = slot.end()
        regex.append(re.escape(english[position:]))
        compiled.append((code, re.compile("".join(regex))))
    return compiled


_SCORED = _compile(
    [
        ("industry.scored", "{industry} industry: {exposure}"),
        ("geography.dated_note_region", "Country {country} ({region}): {note} (since {since})"),
        ("geography.dated_note", "Country {country}: {note} (since {since})"),
        ("geography.region", "Country {country}, {region}: {exposure}"),
        ("renewal.overdue", "Renewal was due on {date}: overdue by {days} days"),
        ("renewal.today", "Renewal on {date}, today"),
        ("renewal.tomorrow", "Renewal on {date}, tomorrow"),
        ("renewal.in_days", "Renewal on {date}, in {days} days"),
        ("discount.full_price", "Signed at full price"),
        ("discount.warning", "Signed with a {pct} % discount, a strong sign of non-renewal"),
        ("discount.given", "Signed with a {pct} % discount"),
        ("stakeholder.in_place", "Key stakeholders in place"),
        ("stakeholder.left", "Key stakeholder left on {date}, {days} days ago"),
        ("kpi.one", "Outcome KPI {name} at {pct} % of target"),
        (
            "kpi.many",
            "{count} outcome KPIs at {pct} % of target on average (weakest: {name} at {weakest} %)",
        ),
        ("cash.dated", "Cash (as of {as_of}): {cash_parts}"),
        ("cash.undated", "Cash (undated): {cash_parts}"),
        ("signal.at_or_above", "{label} {value} (as of {date}): at or above {threshold}"),
        ("signal.at_or_below", "{label} {value} (as of {date}): at or below {threshold}"),
        ("signal.value", "{label} {value} (as of {date})"),
    ]
)
_PHASE_AND_USAGE_PARTS = _compile(
    [
        ("phase.in_since", "In {phase} since {since}: {phase_words}"),
        ("phase.in", "In {phase}: {phase_words}"),
        ("phase.defense_days", "{days} days in defense without resolution"),
        ("phase.break_clause", "break clause on {date}, in {days} days"),
        ("phase.no_go_live", "no planned go-live date recorded"),
        ("phase.on_schedule_go_live", "on schedule for the planned go-live of {date}"),
        ("phase.on_schedule_usual", "on schedule for the usual {count}-day deployment of {date}"),
        ("phase.late_go_live", "{days} days past the planned go-live of {date}"),
        ("phase.late_usual", "{days} days past the usual {count}-day deployment of {date}"),
        ("usage.fell", "Active users fell from {then} % to {now} % of seats in {days} days"),
        ("usage.rose", "Active users rose from {then} % to {now} % of seats in {days} days"),
        ("usage.held", "Active users held from {then} % to {now} % of seats in {days} days"),
        ("usage.low_adoption", "low adoption"),
    ]
)
_CASH_PARTS = _compile(
    [
        ("cash.runway", "runway {months} months, {runway}"),
        ("cash.burn", "burning {burn} a month"),
        ("cash.no_late_payments", "no late payments in 12 months"),
        ("cash.late_payments", "{count} late payments in 12 months"),
    ]
)
_TAIL = re.compile(r"(?P<body>.+), (?P<raw>[+-]\d+)(?: × (?P<weight>[\d.e+-]+) = (?P<pts>[+-]\d+))?")
_POINTED = re.compile(r"(?P<text>.+) \((?P<points>[+-]\d+)\)")


def _match(text, table):
    for code, regex in table:
        found = regex.fullmatch(text)
        if found is None:
            continue
        params = {}
        for name, value in found.groupdict().items():
            convert = _SLOTS[name][1]
            if name == "cash_parts":
                parts = _parts(value, _CASH_PARTS, cash=True)
                if parts is None:
                    break
                params["parts"] = parts
            elif convert is not None:
                params[name] = convert(value)
        else:
            if code == "geography.dated_note_region" or code == "geography.dated_note":
                exposure = _EXPOSURES.get(params["note"])
                if exposure is not None:
                    code = code.replace("_note", "_exposure")
                    params["exposure"] = exposure
                    del params["note"]
            return code, params
    return None


def _cash_part(text):
    if text == "1 late payment in 12 months":
        return "cash.late_payments", {"count": 1}
    if text in _STAGES:
        return "cash.stage", {"stage": _STAGES[text]}
    if text in _SEGMENTS:
        return "cash.segment", {"segment": _SEGMENTS[text]}
    return _match(text, _CASH_PARTS)


def _parts(text, table, *, cash=False):
    """A list of [code, params, points] for "; "-joined pieces each ending with "(+n)", or one
    piece without points (its points are then the whole factor's, filled in by the caller)."""
    pieces = text.split("; ")
    if len(pieces) == 1:
        found = _cash_part(text) if cash else _match(text, table)
        return None if found is None else [[found[0], found[1], None]]
    parts = []
    for piece in pieces:
        pointed = _POINTED.fullmatch(piece)
        if pointed is None:
            return None
        found = _cash_part(pointed["text"]) if cash else _match(pointed["text"], table)
        if found is None:
            return None
        parts.append([found[0], found[1], int(pointed["points"])])
    return parts


def convert_row(row):
    """[factor, points, reason] -> [factor, points, code, params(, raw, weight)]."""
    factor, points, reason = row
    tail = _TAIL.fullmatch(reason)
    found = None
    if tail is not None:
        raw = int(tail["raw"])
        body = tail["body"]
        found = _match(body, _SCORED)
        if found is None and factor in ("phase", "usage_trend"):
            parts = _parts(body, _PHASE_AND_USAGE_PARTS)
            if parts is not None and len(parts) == 1:
                found = (parts[0][0], parts[0][1])
            elif parts is not None:
                found = ("parts", {"parts": parts})
    if found is None:
        return [factor, points, "legacy", {"text": reason}]
    code, params = found
    for part in params.get("parts", ()):
        if part[2] is None:
            part[2] = raw
    if tail["weight"] is None:
        return [factor, points, code, params]
    return [factor, points, code, params, raw, float(tail["weight"])]


def is_old_row(row):
    return len(row) == 3 and isinstance(row[2], str)


def forwards(apps, schema_editor):
    Score = apps.get_model("risk", "Score")
    batch = []
    rows = Score.objects.only("id", "contributions_json").order_by("pk")
    for score in rows.iterator(chunk_size=2000):
        contributions = json.loads(score.contributions_json)
        if not any(is_old_row(row) for row in contributions):
            continue
        score.contributions_json = json.dumps(
            [convert_row(row) if is_old_row(row) else row for row in contributions],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        batch.append(score)
        if len(batch) >= 2000:
            Score.objects.bulk_update(batch, ["contributions_json"])
            batch = []
    if batch:
        Score.objects.bulk_update(batch, ["contributions_json"])


class Migration(migrations.Migration):
    dependencies = [("risk", "0003_default_model_and_rule")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
