"""Where the account stands: industry, country, journey phase, renewal, discount, stakeholders."""

from bisect import bisect_right
from collections.abc import Hashable
from datetime import date, timedelta

from ..assessment import Contribution, Part, new_contribution
from ..config import ModelConfig
from ..facts import AccountFacts
from .common import join_parts, missing, reason_part, remember, scored

_NO_INDUSTRY = new_contribution("industry", 0, "industry.none", None, False)
_NO_COUNTRY = new_contribution("geography", 0, "geography.none", None, False)
_NO_PHASE = new_contribution("phase", 0, "phase.none", None, False)
_NO_RENEWAL = new_contribution("renewal_proximity", 0, "renewal.none", None, False)
_NO_DISCOUNT = new_contribution("signing_discount", 0, "discount.none", None, False)
_NO_STAKEHOLDERS = new_contribution("stakeholder", 0, "stakeholder.none", None, False)


# The row of the industry table that scores an industry it does not list.
DEFAULT_INDUSTRY = "other"


def industry(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    code = facts.industry
    if code is None:
        return _NO_INDUSTRY
    memo = model.compiled.memos["industry"]
    found = memo.get(code)
    if found is None:
        points = model.industry_points.get(code)
        if points is None:
            # An industry the table does not list (a CRM's own wording) gets the default points.
            points = model.industry_points.get(DEFAULT_INDUSTRY)
        if points is None:
            found = missing("industry", "industry.unknown", {"industry": code})
        else:
            params = {"industry": code, "exposure": _exposure(points)}
            found = scored(model, "industry", points, "industry.scored", params)
        found = remember(memo, code, found)
    return found


def _exposure(points: int) -> str:
    """How exposed to the crisis the points say the account is (a code of the wording table)."""
    if points >= 15:
        return "heavy"
    if points >= 8:
        return "exposed"
    if points > 0:
        return "somewhat"
    if points == 0:
        return "neutral"
    return "held_up"


def geography(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """The country's own dated row in force at `as_of`, else its region's points."""
    code = facts.country
    if code is None:
        return _NO_COUNTRY
    memo = model.compiled.memos["geography"]
    key = (code, as_of)
    found = memo.get(key)
    if found is None:
        found = remember(memo, key, _geography(code, model, as_of))
    return found


def _geography(code: str, model: ModelConfig, as_of: date) -> Contribution:
    region = model.region_of_country.get(code)
    dated = model.compiled.countries.get(code)
    if dated is not None:
        starts, entries = dated
        i = bisect_right(starts, as_of) - 1
        if i >= 0:
            entry = entries[i]
            params: dict[str, object] = {"country": code, "since": entry.effective_from}
            if entry.note:
                params["note"] = entry.note
            else:
                params["exposure"] = _exposure(entry.points)
            if region:
                params["region"] = region
            kind = "note" if entry.note else "exposure"
            message = f"geography.dated_{kind}_region" if region else f"geography.dated_{kind}"
            return scored(model, "geography", entry.points, message, params)
    if region is not None:
        points = model.region_points[region]
        params = {"country": code, "region": region, "exposure": _exposure(points)}
        return scored(model, "geography", points, "geography.region", params)
    return missing("geography", "geography.unknown", {"country": code})


# Journey phase -------------------------------------------------------------------------------


def phase(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """The phase's own points, plus deployment lateness, time in defense and a near break clause."""
    name = facts.phase
    if name is None:
        return _NO_PHASE
    entered_on = facts.phase_entered_on
    if entered_on is not None and entered_on > as_of:
        entered_on = None  # entered after as_of: unknown at the time being scored
    go_live_on = facts.planned_go_live_on if name == "deployment" else None
    break_clause_on = facts.break_clause_on
    if break_clause_on is not None and (
        break_clause_on < as_of or name not in model.compiled.break_clause_phases
    ):
        break_clause_on = None  # passed, or irrelevant in this phase
    if name == "deployment":
        # Go-live and break clause dates make nearly every deployment unique: not worth a memo.
        return _phase(model, as_of, name, entered_on, go_live_on, break_clause_on)
    # Only what can change the outcome goes in the key, so maturation and growth accounts share.
    memo = model.compiled.memos["phase"]
    key = (name, entered_on, break_clause_on, as_of)
    found = memo.get(key)
    if found is None:
        found = _phase(model, as_of, name, entered_on, None, break_clause_on)
        found = remember(memo, key, found)
    return found


def _phase(
    model: ModelConfig,
    as_of: date,
    name: str,
    entered_on: date | None,
    go_live_on: date | None,
    break_clause_on: date | None,
) -> Contribution:
    # Deployments combine several dates, so whole contributions rarely repeat; the phase and
    # break-clause pieces do, and are remembered.
    cache = model.compiled.parts
    key: Hashable = ("phase", name, entered_on)
    base = cache.get(key)
    if base is None:
        points = model.phase_points.get(name)
        if points is None:
            return missing("phase", "phase.unknown", {"phase": name})
        if entered_on is None:
            base = reason_part("phase.in", {"phase": name}, points)
        else:
            base = reason_part("phase.in_since", {"phase": name, "since": entered_on}, points)
        base = remember(cache, key, base)
    parts = [base]
    if name == "deployment":
        parts.append(_deployment_lateness(model, as_of, entered_on, go_live_on))
    elif name == "defense" and entered_on is not None:
        days = (as_of - entered_on).days
        points = model.compiled.defense_duration.points_for_float(days)
        if points:
            parts.append(reason_part("phase.defense_days", {"days": days}, points))
    if break_clause_on is not None:
        key = ("break_clause", break_clause_on, as_of)
        clause = cache.get(key)
        if clause is None:
            days = (break_clause_on - as_of).days
            points = model.compiled.break_clause.points_for_float(days)
            clause = reason_part(
                "phase.break_clause", {"date": break_clause_on, "days": days}, points
            )
            clause = remember(cache, key, clause)
        parts.append(clause)
    points, code, params = join_parts(parts)
    return scored(model, "phase", points, code, params)


def _deployment_lateness(
    model: ModelConfig, as_of: date, entered_on: date | None, go_live_on: date | None
) -> Part:
    params: dict[str, object]
    if go_live_on is not None:
        expected, what = go_live_on, "go_live"
        params = {"date": expected}
    elif entered_on is not None:
        expected = entered_on + timedelta(days=model.expected_deployment_days)
        what = "usual"
        params = {"date": expected, "count": model.expected_deployment_days}
    else:
        return reason_part("phase.no_go_live", None, 0)
    days_late = (as_of - expected).days
    if days_late <= 0:
        return reason_part(f"phase.on_schedule_{what}", params, 0)
    points = model.compiled.deployment_late.points_for_float(days_late)
    return reason_part(f"phase.late_{what}", {**params, "days": days_late}, points)


# Renewal, discount, stakeholder --------------------------------------------------------------


def renewal_in_force(facts: AccountFacts, as_of: date) -> tuple[date, str] | None:
    """The next date the customer can leave, and why: ("renewal", "break_clause", "rolled" for a
    renewal date already passed on an account whose known term renewed it, or "overdue").

    A break clause still ahead and before the renewal counts as a renewal. A renewal date in the
    past on an active account with a known term was renewed for another term (possibly several):
    the risk gathers before the end of the term in force, not after a stale date."""
    renewal_on = facts.renewal_on
    if renewal_on is None:
        return None
    clause = facts.break_clause_on
    if clause is not None and as_of <= clause < renewal_on:
        return clause, "break_clause"
    if renewal_on >= as_of:
        return renewal_on, "renewal"
    term = facts.contract_term_months
    if term is None or term < 1:
        return renewal_on, "overdue"
    months = term * -(-_months_between(renewal_on, as_of) // term)
    rolled = _add_months(renewal_on, months)
    while rolled < as_of:  # the day of the month may fall short (31 Jan + 1 month)
        months += term
        rolled = _add_months(renewal_on, months)
    return rolled, "rolled"


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return date(year, month, min(day.day, last))


# A term shorter than this is renewed so often that being near its end says little: its points
# are scaled by its share of it (a monthly contract gets a third of a quarterly one's).
SHORT_TERM_MONTHS = 3

# The message of each kind of end, when it is neither today nor tomorrow.
_END_CODES = {
    "renewal": "renewal.in_days",
    "break_clause": "renewal.break_clause",
    "rolled": "renewal.term_ends",
}


def renewal_proximity(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """Days to the end of the term in force (or a break clause before it). A renewal date in the
    past counts as overdue unless the contract term says it renewed: the engine only scores
    active accounts."""
    found_on = renewal_in_force(facts, as_of)
    if found_on is None:
        return _NO_RENEWAL
    end_on, kind = found_on
    term = facts.contract_term_months
    short = term if term is not None and 1 <= term < SHORT_TERM_MONTHS else None
    memo = model.compiled.memos["renewal_proximity"]
    key = (end_on, kind, short, as_of)
    found = memo.get(key)
    if found is None:
        days = (end_on - as_of).days
        if kind == "overdue":
            params: dict[str, object] = {"date": end_on, "days": -days}
            points = model.renewal_overdue_points
            found = scored(model, "renewal_proximity", points, "renewal.overdue", params)
        else:
            points = model.compiled.renewal.points_for_float(days)
            params = {"date": end_on, "days": days}
            if short is not None:
                points = (points * short + SHORT_TERM_MONTHS // 2) // SHORT_TERM_MONTHS
                code = "renewal.short_term"
                params["months"] = short
            elif kind == "renewal" and days in (0, 1):
                code = "renewal.today" if days == 0 else "renewal.tomorrow"
                params = {"date": end_on}
            else:
                code = _END_CODES[kind]
            found = scored(model, "renewal_proximity", points, code, params)
        found = remember(memo, key, found)
    return found


def signing_discount(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """The discount given at signing: in the brief's case, the best predictor of non-renewal."""
    pct = facts.signing_discount_pct
    if pct is None:
        return _NO_DISCOUNT
    memo = model.compiled.memos["signing_discount"]
    key = str(pct)  # see `number_key`
    found = memo.get(key)
    if found is None:
        points = model.compiled.signing_discount.points_for(pct)
        if pct <= 0:
            code, params = "discount.full_price", None
        else:
            code = "discount.warning" if points > 0 else "discount.given"
            params = {"pct": pct}
        found = remember(memo, key, scored(model, "signing_discount", points, code, params))
    return found


def stakeholder(facts: AccountFacts, model: ModelConfig, as_of: date) -> Contribution:
    """A key stakeholder leaving: the fresher the departure, the more points."""
    left_on = facts.key_stakeholder_left_on
    if left_on is not None and left_on > as_of:
        left_on = None  # not gone yet at the time being scored
    if left_on is None and not facts.stakeholders_known:
        return _NO_STAKEHOLDERS
    memo = model.compiled.memos["stakeholder"]
    key = (left_on, as_of)
    found = memo.get(key)
    if found is None:
        if left_on is None:
            found = scored(model, "stakeholder", 0, "stakeholder.in_place")
        else:
            days = (as_of - left_on).days
            points = model.compiled.stakeholder_left.points_for_float(days)
            params = {"date": left_on, "days": days}
            found = scored(model, "stakeholder", points, "stakeholder.left", params)
        found = remember(memo, key, found)
    return found
