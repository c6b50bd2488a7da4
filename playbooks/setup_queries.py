"""Reads of the admin's set-up pages. Levers, strategies and policies belong to the company,
not to a team: the pages are for admins, who see everything, so no team scoping applies."""

from datetime import date

from django.db.models import Max, QuerySet
from django.shortcuts import get_object_or_404

from playbooks.models import ApprovalPolicy, Lever, LeverChange, StrategySetting


def setup_levers() -> QuerySet[Lever]:
    """Every lever, offered or not, with when it was last changed in the set-up pages."""
    return Lever.objects.annotate(last_changed_at=Max("changes__changed_at")).order_by(
        "order", "name"
    )


def get_lever(pk: int) -> Lever:
    return get_object_or_404(Lever, pk=pk)


def lever_changes(lever: Lever) -> QuerySet[LeverChange]:
    return LeverChange.objects.filter(lever=lever).select_related("changed_by")


def strategy_history() -> QuerySet[StrategySetting]:
    return StrategySetting.objects.select_related("created_by").order_by("-effective_from")


def policy_history() -> QuerySet[ApprovalPolicy]:
    return ApprovalPolicy.objects.select_related("created_by").order_by("-effective_from")


def in_force_from(rows: list[StrategySetting] | list[ApprovalPolicy], today: date) -> date | None:
    """The start date of the row in force today among `rows` (None: none has started)."""
    started = [row.effective_from for row in rows if row.effective_from <= today]
    return max(started, default=None)
