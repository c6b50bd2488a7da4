"""Between the catalogue rows the admin edits and the `LeverSpec`s the pure core works with.

A `Lever` row stores its numbers as JSON strings ("3", "0.5") so no float ever touches a price;
`lever_spec` turns a row back into a `LeverSpec`, whose constructor refuses a broken lever
(unknown kind, missing parameter limit, default out of range...). The admin form calls it on
save, so a bad edit is a form error, never a 500 on the account page later.

Also the default phase plays of the brief. No model import here: `seed_defaults` takes the model
classes (tests and demo data use it; the seed migration keeps its own frozen copy of the rows).
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from playbooks.levers import DEFAULT_CATALOGUE, LeverSpec, ParamLimit

# The brief's goal for each journey phase, as a checklist a CSM works through.
DEFAULT_PLAYS: tuple[tuple[str, int, str, str], ...] = (
    (
        "deployment",
        10,
        "List the deployment gaps",
        "Every step still blocking go-live, with an owner and a date. The longer deployment "
        "drags, the higher the risk, above all before a break clause.",
    ),
    (
        "deployment",
        20,
        "Close the gaps with CS or professional services",
        "Bring in customer success or professional-services help where the account is stuck, "
        "rather than waiting for it to unblock itself.",
    ),
    (
        "defense",
        10,
        "Write a proactive recovery plan",
        "Agree with the sponsor on what must change (adoption, a stakeholder who left, "
        "competitor pressure, technical problems) and by when.",
    ),
    (
        "defense",
        20,
        "Or decide collectively on expected churn",
        "If nothing will turn the account around, flag it as expected churn with your manager so "
        "the loss is forecast and effort goes where it helps. Never hide a churn risk.",
    ),
    (
        "maturation",
        10,
        "Send the right content",
        "Material that takes the account deeper into the product and towards the outcome it "
        "bought it for.",
    ),
    (
        "maturation",
        20,
        "Use the right channel",
        "Reach each level (users, operational and economic beneficiaries) where they listen.",
    ),
    (
        "maturation",
        30,
        "Set the right cadence",
        "Touchpoints often enough to catch a problem early, not so often they become noise.",
    ),
    (
        "growth",
        10,
        "Requalify the expansion opportunity",
        "For each opportunity decide: this quarter, later, or never, and say why.",
    ),
)


def _decimal(where: str, raw: object) -> Decimal:
    # JSON numbers arrive as int or float: a float is turned into its shortest text first, so the
    # admin's 0.5 stays 0.5 and never becomes 0.5000000000000000277.
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ValueError(f"{where} must be a number, not {raw!r}.")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"{where} must be a number, not {raw!r}.") from None
    if not value.is_finite():
        raise ValueError(f"{where} must be a number, not {raw!r}.")
    return value


def _mapping(where: str, raw: object) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where} must be a JSON object.")
    return raw


def _codes(where: str, raw: object) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
        raise ValueError(f"{where} must be a JSON list of codes.")
    return raw


def _limit(name: str, raw: object) -> ParamLimit:
    data = _mapping(f"The limits of {name}", raw)
    unknown = sorted(set(data) - {"min", "max", "label", "whole"})
    if unknown:
        raise ValueError(f"The limits of {name} have unknown keys: {', '.join(unknown)}.")
    for key in ("min", "max"):
        if key not in data:
            raise ValueError(f"The limits of {name} need a {key!r}.")
    whole = data.get("whole", False)
    if not isinstance(whole, bool):
        raise ValueError(f"The limits of {name}: 'whole' must be true or false.")
    return ParamLimit(
        min=_decimal(f"The minimum of {name}", data["min"]),
        max=_decimal(f"The maximum of {name}", data["max"]),
        label=str(data.get("label") or name),
        is_whole_number=whole,
    )


def lever_spec(lever: Any) -> LeverSpec:
    """The `LeverSpec` of a `Lever` row; ValueError with a readable message if it is broken."""
    limits = {
        str(name): _limit(str(name), raw)
        for name, raw in _mapping("Parameter limits", lever.param_limits).items()
    }
    defaults = {
        str(name): _decimal(f"The default {name}", raw)
        for name, raw in _mapping("Default parameters", lever.default_params).items()
    }
    return LeverSpec(
        kind=lever.kind,
        name=lever.name,
        default_params=defaults,
        param_limits=limits,
        phases=frozenset(_codes("Phases", lever.phases)),
        bands=frozenset(_codes("Bands", lever.bands)),
        segments=frozenset(_codes("Segments", lever.segments)),
        give_backs=tuple(_codes("Give-backs", lever.give_backs)),
        keeps_cash_flowing=lever.keeps_cash_flowing,
        keeps_subscription=lever.keeps_subscription,
    )


def spec_fields(spec: LeverSpec) -> dict[str, Any]:
    """The `Lever` row fields of a spec (JSON-ready, numbers as strings)."""
    return {
        "kind": spec.kind,
        "name": spec.name,
        "default_params": {name: f"{value:f}" for name, value in spec.default_params.items()},
        "param_limits": {
            name: {
                "min": f"{limit.min:f}",
                "max": f"{limit.max:f}",
                "label": limit.label,
                "whole": limit.is_whole_number,
            }
            for name, limit in spec.param_limits.items()
        },
        "phases": sorted(spec.phases),
        "bands": sorted(spec.bands),
        "segments": sorted(spec.segments),
        "give_backs": list(spec.give_backs),
        "keeps_cash_flowing": spec.keeps_cash_flowing,
        "keeps_subscription": spec.keeps_subscription,
    }


def seed_defaults(
    lever_model: Any, play_model: Any, *, specs: Iterable[LeverSpec] = DEFAULT_CATALOGUE
) -> None:
    """Create the default levers and plays that are missing (by name / title); edits survive."""
    for order, spec in enumerate(specs, start=1):
        fields = spec_fields(spec)
        lever_model.objects.get_or_create(
            name=fields.pop("name"), defaults={**fields, "order": order * 10}
        )
    for phase, order, title, description in DEFAULT_PLAYS:
        play_model.objects.get_or_create(
            phase=phase, title=title, defaults={"order": order, "description": description}
        )
