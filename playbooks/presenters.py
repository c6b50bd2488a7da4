"""What the account page and the playbook pages show, shaped for the templates."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import get_language, npgettext, npgettext_lazy, pgettext_lazy

from accounts.models import Account, Band, Phase
from churnguard.formats import format_money as format_exact_money
from churnguard.formats import format_percent, locale_for
from playbooks.default_wording import in_reader_language
from playbooks.forms import ProposalForm
from playbooks.levers import PARAM_UNITS, suggest_params
from playbooks.levers.ranking import LeverReason
from playbooks.models import GIVE_BACK_LABELS, Lever, Proposal, Strategy
from playbooks.queries import (
    LeverStats,
    PlayItem,
    account_context,
    account_proposals,
    active_levers,
    lever_outcome_stats,
    play_checklist,
    recommend_levers,
    strategy_in_force,
    usable_specs,
)
from playbooks.rules import why_not_decide, why_not_manage, why_not_run
from risk.reasons import format_money, format_number, parts_separator, reason_text
from teams.access import is_manager
from teams.models import User

# Pieces of a lever recommendation's reason (playbooks.levers.ranking), by code.
LEVER_REASON_MESSAGES: dict[str, Promise] = {
    "protects": pgettext_lazy("lever reason", "Protects %(mrr)s/month at %(pct)s %% risk"),
    "protects_unscored": pgettext_lazy(
        "lever reason", "Protects %(mrr)s/month at unscored risk (taken as %(pct)s %%)"
    ),
    "cash_cost": pgettext_lazy("lever reason", "for a cash cost of %(amount)s"),
    "deferred_cash": pgettext_lazy("lever reason", "by deferring %(amount)s of cash"),
    "no_cash_cost": pgettext_lazy("lever reason", "at no cash cost"),
    "lowers_mrr": npgettext_lazy(
        "lever reason",
        "lowering MRR by %(amount)s/month for %(count)s month",
        "lowering MRR by %(amount)s/month for %(count)s months",
        "count",
    ),
    "lowers_mrr_for_good": pgettext_lazy(
        "lever reason", "lowering MRR by %(amount)s/month for good"
    ),
    "wins_commitment": npgettext_lazy(
        "lever reason",
        "wins %(count)s more month of commitment",
        "wins %(count)s more months of commitment",
        "count",
    ),
    "keeps_cash_flowing": pgettext_lazy("lever reason", "keeps cash flowing"),
    "stops_incoming_cash": pgettext_lazy("lever reason", "stops incoming cash"),
    "keeps_subscription": pgettext_lazy("lever reason", "keeps the subscription"),
    "ends_subscription": pgettext_lazy("lever reason", "ends the subscription"),
}


def lever_reason_text(parts: LeverReason) -> str:
    """ "Protects 2,000 EUR/month at 70 % risk for a cash cost of 6,000 EUR; keeps the
    subscription": the first two pieces make the sentence, an MRR cut follows after a comma,
    the rest after semicolons."""
    words = []
    for code, params in parts:
        values = dict(params)
        currency = str(values.pop("currency", ""))
        for name in ("mrr", "amount"):
            if name in values:
                values[name] = format_money(values[name], currency)
        words.append((code, reason_text(code, values, messages=LEVER_REASON_MESSAGES)))
    if not words:
        return ""
    sentence = " ".join(text for _, text in words[:2])
    rest = words[2:]
    if rest and rest[0][0].startswith("lowers_mrr"):
        sentence = f"{sentence}, {rest[0][1]}"
        rest = rest[1:]
    return parts_separator().join([sentence, *(text for _, text in rest)])


@dataclass(frozen=True, slots=True)
class RecommendationRow:
    lever: Lever
    rank: int
    params: list[tuple[str, str]]  # (label, value) in the lever's order
    cash_cost: Decimal  # positive: what it costs us over its duration
    mrr_cost: Decimal  # positive: MRR a month we stop billing while it runs
    currency: str
    is_cash_deferred: bool
    reason: str  # the core's reason, worded in the active language


@dataclass(frozen=True, slots=True)
class PlaybookPanel:
    strategy: str
    strategy_label: str
    phase_label: str
    recommendations: list[RecommendationRow]
    proposals: list[Proposal]
    applied: list[Proposal]
    plays: list[PlayItem]
    form: ProposalForm | None


def recommendation_rows(
    *, account: Account, today: date, strategy: str, levers: list[Lever] | None = None
) -> list[RecommendationRow]:
    rows = []
    ranked = recommend_levers(account=account, today=today, strategy=strategy, levers=levers)  # type: ignore[arg-type]
    for item in ranked:
        rec = item.recommendation
        limits = rec.spec.param_limits
        currency = account.currency
        params = [
            (in_reader_language(limits[name].label), param_value_text(name, value, currency))
            for name, value in rec.params.items()
        ]
        rows.append(
            RecommendationRow(
                lever=item.lever,
                rank=rec.rank,
                params=params,
                cash_cost=-rec.impact.cash,
                mrr_cost=-rec.impact.mrr,
                currency=account.currency,
                is_cash_deferred=rec.impact.is_cash_deferred,
                reason=lever_reason_text(rec.reason),
            )
        )
    return rows


def proposal_form(
    *, account: Account, levers: list[Lever], lever: Lever | None = None
) -> ProposalForm:
    """A blank proposal form for `lever` (default: the first), prefilled as the core suggests."""
    form = ProposalForm(levers=levers, lever=lever)
    if form.spec is not None:
        suggested = suggest_params(form.spec, account_context(account))
        form = ProposalForm(levers=levers, lever=form.selected, params=suggested)
    return form


def playbook_panel(
    *, account: Account, user: User, today: date, form: ProposalForm | None = None
) -> dict[str, object]:
    """The playbook part of the account page: `{"playbook": PlaybookPanel}`."""
    strategy = strategy_in_force(today)
    levers = list(active_levers())
    recommendations = recommendation_rows(
        account=account, today=today, strategy=strategy, levers=levers
    )
    proposals = list(account_proposals(account))
    if form is None and not account.is_churned:
        top = recommendations[0].lever if recommendations else None
        form = proposal_form(account=account, levers=levers, lever=top) if levers else None
    panel = PlaybookPanel(
        strategy=strategy,
        strategy_label=str(Strategy(strategy).label),
        phase_label=str(Phase(account.phase).label) if account.phase else "",
        recommendations=recommendations,
        proposals=proposals,
        applied=[p for p in proposals if p.applied_on is not None],
        plays=play_checklist(account),
        form=form,
    )
    return {"playbook": panel}


def param_value_text(name: str, value: object, currency: str) -> str:
    """A lever parameter's value with its unit, in the reader's language: "12 months",
    "10 %", "€1,500/month". A value that is not a number (a row edited behind our back) is
    shown as stored."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    unit = PARAM_UNITS.get(name, "")
    locale = locale_for(get_language())
    if unit == "percent":
        return format_percent(number, locale, places=2)
    if unit in ("money", "money_per_month", "money_per_day"):
        amount = format_exact_money(number, currency, locale)  # cents show when there are any
        if unit == "money":
            return amount
        if unit == "money_per_month":
            return pgettext_lazy("lever parameter", "%(amount)s/month") % {"amount": amount}
        return pgettext_lazy("lever parameter", "%(amount)s/day") % {"amount": amount}
    text = format_number(number)
    count = int(number) if number == number.to_integral_value() else 2  # 1.5 months: plural
    if unit == "months":
        return npgettext("lever parameter", "%(number)s month", "%(number)s months", count) % {
            "number": text
        }
    if unit == "days":
        return npgettext("lever parameter", "%(number)s day", "%(number)s days", count) % {
            "number": text
        }
    return text


def param_rows(proposal: Proposal) -> list[tuple[str, str]]:
    """(label, value with its unit) of a proposal's parameters, labelled as its lever names
    them today; a parameter the lever no longer knows keeps its key as label."""
    labels: dict[str, str] = {}
    for lever, spec in usable_specs([proposal.lever]):
        if lever.kind == proposal.kind:
            labels = {
                name: in_reader_language(limit.label) for name, limit in spec.param_limits.items()
            }
    return [
        (labels.get(name, name), param_value_text(name, value, proposal.currency))
        for name, value in proposal.params.items()
    ]


@dataclass(frozen=True, slots=True)
class ProposalActions:
    """Which buttons the proposal page shows to this user; services check again on POST."""

    can_submit: bool
    can_decide: bool
    decide_blocked: str  # why a manager may not decide this one; empty for a CSM
    can_withdraw: bool
    can_apply: bool
    can_end: bool
    can_record_outcome: bool


def proposal_actions(proposal: Proposal, user: User) -> ProposalActions:
    state = proposal.state
    manage = not why_not_manage(user, proposal)
    run = not why_not_run(user, proposal)
    # A CSM is not told why they cannot decide: they never do. A manager is.
    blocked = why_not_decide(user, proposal) if state == "submitted" else ""
    shown = blocked if is_manager(user) else ""
    return ProposalActions(
        can_submit=state == "draft" and manage,
        can_decide=state == "submitted" and not blocked,
        decide_blocked=shown,
        can_withdraw=state in ("draft", "submitted", "approved") and manage,
        can_apply=state == "approved" and run,
        can_end=state == "applied" and run,
        can_record_outcome=state in ("applied", "ended") and run,
    )


@dataclass(frozen=True, slots=True)
class CatalogueRow:
    lever: Lever
    phases: list[str]  # labels; empty: every phase
    bands: list[str]
    give_backs: list[str]
    stats: list[LeverStats]  # one per currency


def _labels(codes: list[str], choices: Sequence[tuple[str, object]]) -> list[str]:
    """Labels of `codes` in the choices' own order (deployment before growth, low before high)."""
    return [str(label) for code, label in choices if code in codes]


def catalogue_rows(user: User) -> list[CatalogueRow]:
    """Offered levers, then retired ones that still have applied proposals to account for."""
    stats = lever_outcome_stats(user)
    retired_ids = {s.lever_id for s in stats}
    levers = list(active_levers()) + list(
        Lever.objects.filter(pk__in=retired_ids, is_active=False).order_by("order", "name")
    )
    return [
        CatalogueRow(
            lever=lever,
            phases=_labels(lever.phases, Phase.choices),
            bands=_labels(lever.bands, Band.choices),
            give_backs=[str(GIVE_BACK_LABELS.get(code, code)) for code in lever.give_backs],
            stats=[s for s in stats if s.lever_id == lever.pk],
        )
        for lever in levers
    ]
