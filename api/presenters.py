"""Accounts as the API shows them."""

from typing import Any

from accounts.models import Account
from risk.models import stored_contributions


def explanation(contributions_json: str | None) -> list[dict[str, Any]]:
    return [
        {"factor": c.factor, "points": c.points, "reason": c.reason}
        for c in stored_contributions(contributions_json)
    ]


def account_out(account: Account) -> dict[str, Any]:
    return {
        "external_id": account.external_id,
        "name": account.name,
        "industry": account.industry,
        "country": account.country,
        "segment": account.segment,
        "mrr": str(account.mrr),
        "currency": account.currency,
        "contract_start": account.contract_start,
        "renewal_date": account.renewal_date,
        "contract_term_months": account.contract_term_months,
        "phase": account.phase,
        "phase_entered_on": account.phase_entered_on,
        "status": account.status,
        "churned_on": account.churned_on,
        "is_expected_churn": account.is_expected_churn,
        "owner": account.owner.username if account.owner else None,
        "team": account.team.name,
        "risk_score": account.risk_score,
        "risk_band": account.risk_band,
        "scored_at": account.scored_at,
        "explanation": explanation(getattr(account, "explanation_json", None)),
    }
