"""The default catalogue: the nine levers of the brief, ready before the first hard call.

Money defaults (upgrade value, day rate, feature value) are in the company's own currency and
are a starting point for the admin, not advice. Eligibility follows the journey phases: value
levers where the product is in use, services where deployment needs help, payment relief where
the account is in trouble. No concession is offered to low-risk accounts except early access,
which costs nothing.
"""

from decimal import Decimal

from .specs import LeverSpec, ParamLimit

_AT_RISK = frozenset({"medium", "high", "critical"})
_EVERYWHERE: frozenset[str] = frozenset()


def _months(low: int, high: int) -> ParamLimit:
    return ParamLimit(Decimal(low), Decimal(high), "Months", is_whole_number=True)


def _money(label: str) -> ParamLimit:
    return ParamLimit(Decimal("0"), Decimal("100000"), label)


DEFAULT_CATALOGUE: tuple[LeverSpec, ...] = (
    LeverSpec(
        kind="temporary_upgrade",
        name="Temporary upgrade",
        default_params={"months": Decimal("6"), "upgrade_mrr": Decimal("200")},
        param_limits={"months": _months(1, 12), "upgrade_mrr": _money("Upgrade value per month")},
        phases=frozenset({"defense", "maturation", "growth"}),
        bands=_AT_RISK,
        segments=_EVERYWHERE,
        give_backs=("success_story", "webinar"),
        keeps_cash_flowing=True,
        keeps_subscription=True,
    ),
    LeverSpec(
        kind="early_access",
        name="Early access to new features",
        default_params={"months": Decimal("3"), "value_mrr": Decimal("0")},
        param_limits={"months": _months(1, 12), "value_mrr": _money("Estimated value per month")},
        # Only an account already using the product gets anything out of what comes next.
        phases=frozenset({"maturation", "growth"}),
        bands=_EVERYWHERE,
        segments=_EVERYWHERE,
        give_backs=("webinar", "reference"),
        keeps_cash_flowing=True,
        keeps_subscription=True,
    ),
    LeverSpec(
        kind="free_services",
        name="Free professional services",
        default_params={"days": Decimal("5"), "day_rate": Decimal("800")},
        param_limits={
            "days": ParamLimit(Decimal("0.5"), Decimal("60"), "Days"),
            "day_rate": ParamLimit(Decimal("0"), Decimal("10000"), "Day rate"),
        },
        # The brief's cure for a deployment that drags; also a way back for a struggling account.
        phases=frozenset({"deployment", "defense"}),
        bands=_AT_RISK,
        segments=_EVERYWHERE,
        give_backs=("success_story", "reference"),
        keeps_cash_flowing=True,
        keeps_subscription=True,
    ),
    LeverSpec(
        kind="payment_holiday",
        name="Payment holiday",
        default_params={"months": Decimal("3")},
        param_limits={"months": _months(1, 6)},
        phases=frozenset({"deployment", "defense"}),
        bands=frozenset({"high", "critical"}),
        segments=_EVERYWHERE,
        give_backs=("longer_commitment", "success_story"),
        keeps_cash_flowing=False,
        keeps_subscription=True,
    ),
    LeverSpec(
        kind="payment_deferral",
        name="Payment deferral",
        default_params={"months": Decimal("3")},
        param_limits={"months": _months(1, 6)},
        phases=_EVERYWHERE,
        bands=_AT_RISK,
        segments=_EVERYWHERE,
        give_backs=("longer_commitment",),
        keeps_cash_flowing=False,
        keeps_subscription=True,
    ),
    LeverSpec(
        kind="instalment_plan",
        name="Instalment plan",
        # No default balance: it comes from the account (see suggest_params).
        default_params={"instalments": Decimal("3")},
        param_limits={
            "balance": ParamLimit(Decimal("0.01"), Decimal("10000000"), "Balance"),
            "instalments": ParamLimit(
                Decimal("2"), Decimal("12"), "Instalments", is_whole_number=True
            ),
        },
        phases=_EVERYWHERE,
        bands=_AT_RISK,
        segments=_EVERYWHERE,
        give_backs=("longer_commitment",),
        keeps_cash_flowing=True,
        keeps_subscription=True,
    ),
    LeverSpec(
        kind="temporary_downsell",
        name="Temporary downsell",
        default_params={"percent": Decimal("30"), "months": Decimal("3")},
        param_limits={
            "percent": ParamLimit(Decimal("1"), Decimal("100"), "Discount percentage"),
            "months": _months(1, 12),
        },
        phases=frozenset({"defense", "maturation"}),
        bands=frozenset({"high", "critical"}),
        segments=_EVERYWHERE,
        give_backs=("longer_commitment", "reference"),
        keeps_cash_flowing=True,
        keeps_subscription=True,
    ),
    LeverSpec(
        kind="free_feature",
        name="Free feature for a limited time",
        default_params={"feature_mrr": Decimal("100"), "months": Decimal("3")},
        param_limits={"feature_mrr": _money("Feature value per month"), "months": _months(1, 12)},
        phases=_EVERYWHERE,
        bands=_AT_RISK,
        segments=_EVERYWHERE,
        give_backs=("success_story", "webinar"),
        keeps_cash_flowing=True,
        keeps_subscription=True,
    ),
    LeverSpec(
        kind="price_cut_for_commitment",
        name="Lower price for a longer commitment",
        default_params={"percent": Decimal("10"), "extra_months": Decimal("12")},
        param_limits={
            # A permanent cut: capped lower than a temporary downsell.
            "percent": ParamLimit(Decimal("1"), Decimal("50"), "Discount percentage"),
            "extra_months": ParamLimit(
                Decimal("6"), Decimal("36"), "Extra months of commitment", is_whole_number=True
            ),
        },
        # A critical account will not sign for longer; one that sees value might.
        phases=frozenset({"defense", "maturation", "growth"}),
        bands=frozenset({"medium", "high"}),
        segments=_EVERYWHERE,
        give_backs=("longer_commitment", "reference"),
        keeps_cash_flowing=True,
        keeps_subscription=True,
    ),
)
