"""Default data shown in the reader's language while it keeps its shipped wording.

Lever names, their parameter labels and the plays of the default catalogue are data an admin
may edit. While a value is still the one shipped, it is translated; once edited, it is shown as
written. Every shipped value is listed here, so it reaches the translation catalogue.
"""

from functools import cache

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

SHIPPED_WORDS: tuple[Promise, ...] = (
    pgettext_lazy("default data", "Temporary upgrade"),
    pgettext_lazy("default data", "Months"),
    pgettext_lazy("default data", "Upgrade value per month"),
    pgettext_lazy("default data", "Early access to new features"),
    pgettext_lazy("default data", "Estimated value per month"),
    pgettext_lazy("default data", "Free professional services"),
    pgettext_lazy("default data", "Days"),
    pgettext_lazy("default data", "Day rate"),
    pgettext_lazy("default data", "Payment holiday"),
    pgettext_lazy("default data", "Payment deferral"),
    pgettext_lazy("default data", "Instalment plan"),
    pgettext_lazy("default data", "Balance"),
    pgettext_lazy("default data", "Instalments"),
    pgettext_lazy("default data", "Temporary downsell"),
    pgettext_lazy("default data", "Discount percentage"),
    pgettext_lazy("default data", "Free feature for a limited time"),
    pgettext_lazy("default data", "Feature value per month"),
    pgettext_lazy("default data", "Lower price for a longer commitment"),
    pgettext_lazy("default data", "Extra months of commitment"),
    pgettext_lazy("default data", "List the deployment gaps"),
    pgettext_lazy(
        "default data",
        "Every step still blocking go-live, with an owner and a date. The longer "
        "deployment drags, the higher the risk, above all before a break clause.",
    ),
    pgettext_lazy("default data", "Close the gaps with CS or professional services"),
    pgettext_lazy(
        "default data",
        "Bring in customer success or professional-services help where the account is "
        "stuck, rather than waiting for it to unblock itself.",
    ),
    pgettext_lazy("default data", "Write a proactive recovery plan"),
    pgettext_lazy(
        "default data",
        "Agree with the sponsor on what must change (adoption, a stakeholder who left, "
        "competitor pressure, technical problems) and by when.",
    ),
    pgettext_lazy("default data", "Or decide collectively on expected churn"),
    pgettext_lazy(
        "default data",
        "If nothing will turn the account around, flag it as expected churn with your "
        "manager so the loss is forecast and effort goes where it helps. Never hide a "
        "churn risk.",
    ),
    pgettext_lazy("default data", "Send the right content"),
    pgettext_lazy(
        "default data",
        "Material that takes the account deeper into the product and towards the outcome "
        "it bought it for.",
    ),
    pgettext_lazy("default data", "Use the right channel"),
    pgettext_lazy(
        "default data",
        "Reach each level (users, operational and economic beneficiaries) where they listen.",
    ),
    pgettext_lazy("default data", "Set the right cadence"),
    pgettext_lazy(
        "default data",
        "Touchpoints often enough to catch a problem early, not so often they become noise.",
    ),
    pgettext_lazy("default data", "Requalify the expansion opportunity"),
    pgettext_lazy(
        "default data", "For each opportunity decide: this quarter, later, or never, and say why."
    ),
)


@cache
def _by_english() -> dict[str, Promise]:
    with translation.override(None):
        return {str(word): word for word in SHIPPED_WORDS}


def in_reader_language(value: str) -> str:
    """`value` translated while it is a shipped default; as written otherwise."""
    found = _by_english().get(value)
    return value if found is None else str(found)
