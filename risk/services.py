"""Writes of scores. Placeholder until the engine lands: keeps `attention` current."""

from django.utils import timezone

from accounts.models import Account, Status
from risk.attention import attention


def rescore_account(*, account: Account) -> None:
    account.attention = attention(
        score=account.risk_score,
        mrr=account.mrr,
        renewal_on=account.renewal_date,
        is_active=account.status == Status.ACTIVE,
        as_of=timezone.localdate(),
    )
    account.save(update_fields=["attention"])
