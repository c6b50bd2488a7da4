"""Which account fact each column of a CRM export holds. Plain Python, no Django.

Headers match without regard to case, accents, punctuation or a unit in brackets: "Country/Region",
"country region" and "COUNTRY (ISO)" are the same column. A column nobody recognises becomes a
named signal; the user may remap any column on the preview screen.
"""

import re

from accounts.countries import normalise_name

SIGNAL = "signal"
IGNORE = "ignore"
# The numeric signal a usage-intensity column is stored as: the name the default risk model's
# usage factor reads (a test checks it against risk/default_model.py).
USAGE_INTENSITY_SIGNAL = "usage_intensity"

# Targets a column can map to, in the order the preview lists them.
ACCOUNT_FIELDS = (
    "external_id",
    "name",
    "industry",
    "country",
    "segment",
    "mrr",
    "arr",
    "currency",
    "contract_start",
    "renewal_date",
    "contract_term_months",
    "break_clause_date",
    "planned_go_live",
    "signing_discount_pct",
    "phase",
    "owner",
    "funding_stage",
    "cash_runway_months",
    "monthly_burn",
    "late_payments",
    "licensed_seats",
    "active_users",
    "usage_intensity",
    "as_of",
)
OUTCOME_FIELDS = ("external_id", "outcome", "churned_on", "churn_reason", "renewed_on", "new_mrr")

_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "external id",
        "record id",
        "account id",
        "company id",
        "crm id",
        "hubspot id",
        "salesforce id",
        "id",
        "customer id",
        "identifiant",
    ),
    "name": ("name", "company name", "account name", "company", "account", "nom", "societe"),
    "industry": ("industry", "sector", "secteur", "secteur d activite"),
    "country": ("country", "country region", "billing country", "pays", "country code"),
    "segment": ("segment", "customer segment", "tier"),
    "mrr": ("mrr", "monthly recurring revenue"),
    "arr": ("arr", "annual recurring revenue", "annual revenue"),
    "currency": ("currency", "currency code", "account currency", "devise"),
    "contract_start": (
        "contract start",
        "contract start date",
        "start date",
        "customer since",
        "debut du contrat",
    ),
    "renewal_date": (
        "renewal date",
        "renewal",
        "next renewal date",
        "contract end date",
        "end date",
        "date de renouvellement",
    ),
    "contract_term_months": (
        "contract term",
        "billing period",
        "term",
        "contract length",
        "duree du contrat",
    ),
    "break_clause_date": ("break clause", "break clause date"),
    "planned_go_live": ("planned go live", "go live date", "go live"),
    "signing_discount_pct": (
        "discount",
        "discount at signing",
        "signing discount",
        "remise",
        "remise a la signature",
    ),
    "phase": ("phase", "journey phase", "customer phase"),
    "owner": ("owner", "company owner", "account owner", "csm", "account manager", "proprietaire"),
    "funding_stage": ("funding stage", "funding", "stade de financement"),
    "cash_runway_months": ("cash runway", "runway", "tresorerie"),
    "monthly_burn": ("monthly burn", "burn rate", "burn"),
    "late_payments": ("late payments", "retards de paiement"),
    "licensed_seats": (
        "licensed seats",
        "seats",
        "seats purchased",
        "purchased seats",
        "contracted seats",
        "seat count",
        "number of seats",
        "licenses",
        "licences",
        "user licenses",
        "user licences",
        "number of licenses",
        "number of licences",
        "licensed users",
        "nombre de licences",
        "licences achetees",
        "sieges",
        "nombre de sieges",
        "sieges achetes",
    ),
    "active_users": (
        "active users",
        "monthly active users",
        "mau",
        "weekly active users",
        "wau",
        "daily active users",
        "dau",
        "seats used",
        "used seats",
        "active seats",
        "users active",
        "number of active users",
        "utilisateurs actifs",
        "utilisateurs actifs mensuels",
        "nombre d utilisateurs actifs",
        "sieges utilises",
        "licences utilisees",
    ),
    "usage_intensity": (
        "usage intensity",
        "sessions per user",
        "sessions per active user",
        "logins per user",
        "logins per active user",
        "average sessions per user",
        "avg sessions per user",
        "intensite d usage",
        "intensite d utilisation",
        "sessions par utilisateur",
        "sessions par utilisateur actif",
        "connexions par utilisateur",
    ),
    "as_of": ("as of", "snapshot date", "date of snapshot", "snapshot"),
    "outcome": ("outcome", "event", "resultat"),
    "churned_on": ("churn date", "churned on", "date de churn", "lost on", "cancellation date"),
    "churn_reason": ("churn reason", "reason", "raison", "motif"),
    "renewed_on": ("renewal date", "renewed on", "date de renouvellement"),
    "new_mrr": ("new mrr", "mrr", "nouveau mrr"),
}


def normalise_header(header: str) -> str:
    """ "Discount at signing (%)" -> "discount at signing"."""
    return normalise_name(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", header))


def recognise(headers: list[str], *, fields: tuple[str, ...] = ACCOUNT_FIELDS) -> list[str]:
    """A target per column: a field it matches, else a signal (accounts) or ignore (outcomes).
    A field is taken by the first column that matches it; a later one becomes a signal."""
    table = {alias: name for name in fields for alias in _ALIASES.get(name, ())}
    taken: set[str] = set()
    targets = []
    for header in headers:
        found = table.get(normalise_header(header))
        if found and found not in taken:
            taken.add(found)
            targets.append(found)
        elif not header.strip() or fields is OUTCOME_FIELDS:
            targets.append(IGNORE)
        else:
            targets.append(SIGNAL)
    return targets
