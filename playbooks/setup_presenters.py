"""What the set-up pages show, worded in the reader's language at display time.

A lever change is stored as codes (field names, parameter names, numbers as text); here it
becomes lines such as "Discount percentage: default — 30 → 40 %".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Band, Phase, Segment
from playbooks.default_wording import in_reader_language
from playbooks.models import (
    GIVE_BACK_LABELS,
    ApprovalPolicy,
    Lever,
    LeverChange,
    Strategy,
    StrategySetting,
)
from playbooks.presenters import param_value_text
from playbooks.queries import DEFAULT_POLICY, PolicyInForce, policy_in_force, strategy_in_force
from playbooks.setup_forms import LeverSetupForm
from playbooks.setup_queries import in_force_from

# The lever's fields in the history, named as the set-up form names them.
HISTORY_FIELDS = ("name", "is_active", "order", "phases", "bands", "segments", "give_backs")
# Said of an empty list of codes: the lever then applies everywhere (or asks for nothing).
EVERYWHERE: dict[str, Promise] = {
    "phases": gettext_lazy("every phase"),
    "bands": gettext_lazy("every band"),
    "segments": gettext_lazy("every segment"),
    "give_backs": gettext_lazy("nothing"),
}
CODE_LABELS: dict[str, dict[str, Any]] = {
    "phases": dict(Phase.choices),
    "bands": dict(Band.choices),
    "segments": dict(Segment.choices),
    "give_backs": GIVE_BACK_LABELS,
}


def param_unit_text(unit: str, currency: str) -> str:
    """How a parameter's unit reads after its value: "months", "EUR a month", "%"."""
    words = {
        "months": _("months"),
        "days": _("days"),
        "money": currency,
        "money_per_month": _("%(currency)s a month") % {"currency": currency},
        "money_per_day": _("%(currency)s a day") % {"currency": currency},
        "percent": "%",
        "count": "",
    }
    return words.get(unit, "")


@dataclass(frozen=True, slots=True)
class ChangeLine:
    label: str
    before: str
    after: str


def _codes_text(field: str, codes: object) -> str:
    if not isinstance(codes, list) or not codes:
        return str(EVERYWHERE[field])
    labels = CODE_LABELS[field]
    return ", ".join(str(labels.get(code, code)) for code in codes)


def _plain_text(field: str, value: object) -> str:
    if field == "is_active":
        return _("Yes") if value else _("No")
    if field == "name":
        return in_reader_language(str(value))
    return str(value)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _param_lines(change: LeverChange, labels: dict[str, str], currency: str) -> list[ChangeLine]:
    before, after = change.before, change.after
    old_defaults = _dict(before.get("default_params"))
    new_defaults = _dict(after.get("default_params"))
    old_limits, new_limits = _dict(before.get("param_limits")), _dict(after.get("param_limits"))
    lines = []
    names = dict.fromkeys([*new_limits, *old_limits, *new_defaults, *old_defaults])
    for name in names:
        stored = _dict(new_limits.get(name)).get("label") or labels.get(name) or name
        label = in_reader_language(str(stored))
        pairs: list[tuple[str, str, dict[str, Any], dict[str, Any], str | None]] = [
            (_("%(param)s: default"), "default_params", old_defaults, new_defaults, None),
            (_("%(param)s: minimum"), "param_limits", old_limits, new_limits, "min"),
            (_("%(param)s: maximum"), "param_limits", old_limits, new_limits, "max"),
        ]
        for wording, field, old, new, key in pairs:
            if field not in after:
                continue
            old_value = old.get(name) if key is None else _dict(old.get(name)).get(key)
            new_value = new.get(name) if key is None else _dict(new.get(name)).get(key)
            if old_value != new_value:
                lines.append(
                    ChangeLine(
                        label=wording % {"param": label},
                        before=_value_text(name, old_value, currency),
                        after=_value_text(name, new_value, currency),
                    )
                )
    return lines


def _value_text(name: str, value: object, currency: str) -> str:
    return "–" if value is None else param_value_text(name, value, currency)


def lever_change_lines(
    change: LeverChange, labels: dict[str, str], currency: str
) -> list[ChangeLine]:
    """The change's fields as (label, before, after) lines in the reader's language."""
    lines = []
    for field in HISTORY_FIELDS:
        if field not in change.after:
            continue
        label = LeverSetupForm.base_fields[field].label
        word = _codes_text if field in CODE_LABELS else _plain_text
        lines.append(
            ChangeLine(
                label=str(label),
                before=word(field, change.before.get(field)),
                after=word(field, change.after.get(field)),
            )
        )
    return lines + _param_lines(change, labels, currency)


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    change: LeverChange
    lines: list[ChangeLine]


def lever_history(lever: Lever, changes: Sequence[LeverChange], currency: str) -> list[ChangeEntry]:
    """The lever's changes, newest first, each worded as lines; parameters keep their labels."""
    limits = _dict(lever.param_limits)
    labels = {name: str(_dict(entry).get("label") or name) for name, entry in limits.items()}
    return [ChangeEntry(change, lever_change_lines(change, labels, currency)) for change in changes]


@dataclass(frozen=True, slots=True)
class DatedRow:
    """A strategy or policy row with where it stands today."""

    row: Any
    status: str  # "scheduled", "in_force" or "replaced"

    @property
    def status_label(self) -> str:
        labels = {
            "scheduled": _("scheduled"),
            "in_force": _("in force"),
            "replaced": _("replaced"),
        }
        return labels[self.status]


def dated_rows(rows: list[StrategySetting] | list[ApprovalPolicy], today: date) -> list[DatedRow]:
    current = in_force_from(rows, today)
    result = []
    for row in rows:
        if row.effective_from > today:
            status = "scheduled"
        elif row.effective_from == current:
            status = "in_force"
        else:
            status = "replaced"
        result.append(DatedRow(row, status))
    return result


@dataclass(frozen=True, slots=True)
class StrategyNow:
    strategy: str
    label: str
    since: date | None  # None: the built-in default, never set by an admin


def strategy_now(rows: list[StrategySetting], today: date) -> StrategyNow:
    code = strategy_in_force(today)
    return StrategyNow(code, str(Strategy(code).label), in_force_from(rows, today))


@dataclass(frozen=True, slots=True)
class PolicyNow:
    policy: PolicyInForce
    since: date | None  # None: the built-in defaults apply

    @property
    def is_default(self) -> bool:
        return self.since is None


def policy_now(rows: list[ApprovalPolicy], today: date) -> PolicyNow:
    policy = policy_in_force(today)
    return PolicyNow(policy, None if policy is DEFAULT_POLICY else in_force_from(rows, today))
