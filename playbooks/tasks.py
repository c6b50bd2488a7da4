"""Celery tasks of the playbook: thin wrappers around services."""

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from playbooks.services import REMINDER_DAYS_BEFORE, send_lever_reminders


@shared_task(
    # A database that is briefly away is worth another try; reminders already claimed are not
    # sent twice (see send_lever_reminders), so a retry is harmless.
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
)
def send_lever_reminders_task(
    today: str | None = None, days_before: int = REMINDER_DAYS_BEFORE
) -> int:
    """Remind proposers of levers ending soon; `today` is an ISO date (default: today)."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return send_lever_reminders(today=day, days_before=days_before)
