"""Alerts without noise, and one digest per CSM per run.

Alerts are kept in step with conditions on the accounts, set-based: an alert opens when its
condition starts to hold (at most one open per account and cause) and closes itself when the
condition clears. Re-running `refresh_alerts` changes nothing.
"""

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Account, Status
from alerts.models import Alert, AlertStatus, Cause, DigestSent
from churnguard.mail import single_line
from risk.models import ExpectedChurn, ExpectedChurnStatus, RescoreRun, Score
from tasks.models import Priority, SourceKind, Task
from tasks.queries import tasks_due_by_owner
from tasks.services import create_task_for_first_able
from tasks.titles import with_titles
from teams.models import User, email_language

logger = logging.getLogger(__name__)

RISKY_BANDS = ("high", "critical")
RENEWAL_ALERT_DAYS = 30
OPEN = (AlertStatus.OPEN, AlertStatus.SNOOZED)


def _conditions(today: date) -> dict[str, Q]:
    active = Q(status=Status.ACTIVE, archived_at__isnull=True)
    return {
        Cause.HIGH_RISK: active & Q(risk_band__in=RISKY_BANDS),
        Cause.RENEWAL_AT_RISK: active
        & Q(risk_band__in=RISKY_BANDS)
        & Q(renewal_date__range=(today, today + timedelta(days=RENEWAL_ALERT_DAYS))),
        Cause.EXPECTED_CHURN: active & Q(expected_churns__status=ExpectedChurnStatus.PROPOSED),
    }


def refresh_alerts(*, today: date) -> dict[str, int]:
    """Open, close and wake alerts so they match the accounts today. Returns counts."""
    now = timezone.now()
    opened = closed = 0
    with transaction.atomic():
        woken = Alert.objects.filter(status=AlertStatus.SNOOZED, snoozed_until__lt=today).update(
            status=AlertStatus.OPEN
        )
        for cause, condition in _conditions(today).items():
            holding = Account.objects.filter(condition)
            closed += (
                Alert.objects.filter(cause=cause, status__in=OPEN)
                .exclude(account__in=holding.values("pk"))
                .update(status=AlertStatus.CLOSED, closed_at=now)
            )
            new_ids = holding.exclude(
                pk__in=Alert.objects.filter(cause=cause, status__in=OPEN).values("account_id")
            ).values_list("pk", flat=True)
            opened += len(
                Alert.objects.bulk_create(
                    (Alert(account_id=pk, cause=cause, opened_at=now) for pk in new_ids.iterator()),
                    ignore_conflicts=True,
                    batch_size=2000,
                )
            )
    return {"opened": opened, "closed": closed, "woken": woken}


class AlertError(ValueError):
    pass


@transaction.atomic
def snooze(*, alert: Alert, user: User, until: date, reason: str, today: date) -> None:
    if not reason.strip():
        raise AlertError("A reason is required to snooze an alert.")
    if until <= today:
        raise AlertError("Snooze until a date after today.")
    # Locked and read again: a closed alert (maybe closed a moment ago) is never reopened.
    current = Alert.objects.select_for_update().get(pk=alert.pk)
    if current.status == AlertStatus.CLOSED:
        raise AlertError(gettext("This alert is closed: there is nothing left to snooze."))
    alert.status = AlertStatus.SNOOZED
    alert.snoozed_until = until
    alert.snooze_reason = reason.strip()
    alert.snoozed_by = user
    alert.save(update_fields=["status", "snoozed_until", "snooze_reason", "snoozed_by"])


@transaction.atomic
def record_feedback(*, alert: Alert, user: User, useful: bool) -> None:
    alert.was_useful = useful
    alert.feedback_by = user
    alert.feedback_at = timezone.now()
    alert.save(update_fields=["was_useful", "feedback_by", "feedback_at"])


@transaction.atomic
def make_alert_task(*, alert: Alert, user: User, today: date) -> Task:
    """A high-priority task, due today, to act on the alert: for the account's owner, or for
    `user` when the owner cannot take it. Idempotent: the alert's open task if it has one."""
    return create_task_for_first_able(
        owners=[alert.account.owner, user],
        account=alert.account,
        due_on=today,
        created_by=user,
        priority=Priority.HIGH,
        source_kind=SourceKind.ALERT,
        source_id=str(alert.pk),
    )


def send_digests(*, run: RescoreRun) -> int:
    """E-mail each CSM the accounts whose band moved in this run and the new expected-churn
    proposals on their accounts. Nothing moved, no e-mail. At most one e-mail per CSM per run."""
    moves: dict[int, list[Score]] = defaultdict(list)
    band_moves = (
        Score.objects.filter(run=run)
        .exclude(previous_band="")
        .exclude(band=F("previous_band"))
        .select_related("account")
        .order_by("account__name")
    )
    for score in band_moves.iterator(chunk_size=2000):
        if score.account.owner_id:
            moves[score.account.owner_id].append(score)
    proposals: dict[int, list[ExpectedChurn]] = defaultdict(list)
    for proposal in ExpectedChurn.objects.filter(run=run).select_related("account"):
        if proposal.account.owner_id:
            proposals[proposal.account.owner_id].append(proposal)
    # Tasks due or overdue go out too, even on a night when no band moved.
    tasks = tasks_due_by_owner(today=run.as_of)
    sent = 0
    recipients = set(moves) | set(proposals) | set(tasks)
    for user in User.objects.filter(pk__in=recipients, is_active=True):
        try:
            due = tasks.get(user.pk, [])
            if _send_digest(run, user, moves.get(user.pk, []), proposals.get(user.pk, []), due):
                sent += 1
        except Exception:  # one failing e-mail must not cost the other CSMs their digest
            logger.exception("Digest of run %s for user %s not sent", run.pk, user.pk)
    return sent


def _send_digest(
    run: RescoreRun,
    user: User,
    moves: list[Score],
    proposals: list[ExpectedChurn],
    tasks: list[Task],
) -> bool:
    if not user.email or not (moves or proposals or tasks):
        return False
    try:
        with transaction.atomic():
            # Claim first: a retried task finds the row and sends nothing twice.
            DigestSent.objects.create(
                run=run, user=user, sent_at=timezone.now(), accounts=len(moves) + len(proposals)
            )
            with translation.override(email_language(user)):
                with_titles(tasks)
                context = {
                    "user": user,
                    "run": run,
                    "moves": moves,
                    "proposals": proposals,
                    "overdue_tasks": [task for task in tasks if task.due_on < run.as_of],
                    "today_tasks": [task for task in tasks if task.due_on == run.as_of],
                    "count": len({s.account_id for s in moves} | {p.account_id for p in proposals}),
                    "url": settings.SITE_URL + reverse("accounts:list"),
                }
                body = render_to_string("alerts/digest_email.txt", context)
                subject = single_line(render_to_string("alerts/digest_subject.txt", context))
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        return False
    return True
