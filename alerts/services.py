"""Alerts without noise, and one digest per CSM per run.

Alerts are kept in step with conditions on the accounts (`alerts.conditions`), set-based: an
alert opens when its condition starts to hold (at most one open per account and cause), carries
the severity `alerts.severity` gives it, and closes itself when the condition clears, or at once
when a manager decides what it waited for (`close_for_decision`). A CSM may snooze or close
alerts by hand, with a reason; a hand-closed alert stays quiet for a while (`refresh_alerts`).
Re-running `refresh_alerts` changes nothing.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts.models import Account
from alerts.conditions import conditions
from alerts.models import Alert, AlertStatus, ClosedBecause, DigestSent
from alerts.severity import severity
from churnguard.mail import single_line
from risk.models import ExpectedChurn, RescoreRun, Score
from tasks.models import Priority, SourceKind, Task
from tasks.queries import tasks_due_by_owner
from tasks.services import create_task_for_first_able
from tasks.titles import with_titles
from teams.models import User, email_language

logger = logging.getLogger(__name__)

OPEN = (AlertStatus.OPEN, AlertStatus.SNOOZED)
# A hand-closed alert stays closed this long while its condition keeps holding, unless its
# severity rises: the CSM said it was dealt with, and the same signal is not news.
HAND_CLOSED_QUIET_DAYS = 30
# Rows per UPDATE ... WHERE id IN (...): well under every database's limit on parameters.
UPDATE_BATCH = 900


def refresh_alerts(*, today: date, run: RescoreRun | None = None) -> dict[str, int]:
    """Open, close, rate and wake alerts so they match the accounts today. Returns counts.

    Idempotent: re-running it changes nothing. `run` is the rescoring run that triggered it,
    recorded on the alerts it opens and closes.
    """
    counts: Counter[str] = Counter()
    with transaction.atomic():
        counts["woken"] = Alert.objects.filter(
            status=AlertStatus.SNOOZED, snoozed_until__lt=today
        ).update(status=AlertStatus.OPEN)
        for cause, condition in conditions(today).items():
            _refresh_cause(cause, condition, today=today, run=run, counts=counts)
    return {key: counts[key] for key in ("opened", "closed", "woken", "rated")}


def _refresh_cause(
    cause: str, condition: Q, *, today: date, run: RescoreRun | None, counts: Counter[str]
) -> None:
    now = timezone.now()
    holding = Account.objects.filter(condition)
    counts["closed"] += (
        Alert.objects.filter(cause=cause, status__in=OPEN)
        .exclude(account__in=holding.values("pk"))
        .update(
            status=AlertStatus.CLOSED,
            closed_at=now,
            closed_because=ClosedBecause.CLEARED,
            closed_by_run=run,
        )
    )
    levels = {
        pk: severity(cause=cause, band=band, mrr=mrr, renewal_on=renewal_on, today=today)
        for pk, band, mrr, renewal_on in holding.values_list(
            "pk", "risk_band", "mrr", "renewal_date"
        ).iterator(chunk_size=2000)
    }
    open_now = Alert.objects.filter(cause=cause, status__in=OPEN)
    rerated: dict[int, list[int]] = defaultdict(list)
    for pk, account_id, level in open_now.values_list("pk", "account_id", "severity"):
        new_level = levels.pop(account_id, level)
        if new_level != level:
            rerated[new_level].append(pk)
    for level, pks in rerated.items():
        for start in range(0, len(pks), UPDATE_BATCH):
            batch = pks[start : start + UPDATE_BATCH]
            counts["rated"] += Alert.objects.filter(pk__in=batch).update(severity=level)
    quiet = _hand_closed_levels(cause, today=today)
    new = (
        Alert(account_id=pk, cause=cause, severity=level, opened_at=now, opened_by_run=run)
        for pk, level in levels.items()
        if level > quiet.get(pk, 0)
    )
    counts["opened"] += len(Alert.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000))


def _hand_closed_levels(
    cause: str, *, today: date, account_id: int | None = None
) -> dict[int, int]:
    """Accounts (or the one account) whose alert of this cause was closed by hand lately, and
    its severity then."""
    since = today - timedelta(days=HAND_CLOSED_QUIET_DAYS)
    recent = Alert.objects.filter(
        cause=cause, closed_because=ClosedBecause.BY_HAND, closed_at__date__gt=since
    )
    if account_id is not None:
        recent = recent.filter(account_id=account_id)
    levels: dict[int, int] = {}
    for account, level in recent.values_list("account_id", "severity"):
        levels[account] = max(level, levels.get(account, 0))
    return levels


@transaction.atomic
def close_for_decision(*, account_id: int, cause: str) -> int:
    """Close the account's alert of this cause now that a manager decided what it waited for.

    Unless the cause still holds (another proposal of the account still waits): then the alert
    stays, and closes with the last decision. Returns how many alerts were closed (0 or 1).
    """
    condition = conditions(timezone.localdate())[cause]
    if Account.objects.filter(condition, pk=account_id).exists():
        return 0
    return Alert.objects.filter(account_id=account_id, cause=cause, status__in=OPEN).update(
        status=AlertStatus.CLOSED, closed_at=timezone.now(), closed_because=ClosedBecause.DECIDED
    )


@transaction.atomic
def open_for_account(*, account_id: int, cause: str, today: date) -> int:
    """Open the account's alert of this cause now, when its condition starts to hold between
    two refreshes (a proposal submitted to a manager). Returns 1 when an alert was opened."""
    facts = (
        Account.objects.filter(conditions(today)[cause], pk=account_id)
        .values_list("risk_band", "mrr", "renewal_date")
        .first()
    )
    if (
        facts is None
        or Alert.objects.filter(account_id=account_id, cause=cause, status__in=OPEN).exists()
    ):
        return 0
    band, mrr, renewal_on = facts
    level = severity(cause=cause, band=band, mrr=mrr, renewal_on=renewal_on, today=today)
    quiet = _hand_closed_levels(cause, today=today, account_id=account_id)
    if level <= quiet.get(account_id, 0):
        return 0
    alert = Alert(account_id=account_id, cause=cause, severity=level, opened_at=timezone.now())
    return len(Alert.objects.bulk_create([alert], ignore_conflicts=True))


class AlertError(ValueError):
    pass


def _locked_open(alerts: Iterable[Alert]) -> list[Alert]:
    """The alerts' rows, locked and read again; refused if any was closed meanwhile."""
    pks = {alert.pk for alert in alerts}
    if not pks:
        raise AlertError(gettext("Select at least one alert."))
    locked = list(Alert.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    gone = len(pks) - sum(1 for alert in locked if alert.status != AlertStatus.CLOSED)
    if gone:
        raise AlertError(
            ngettext(
                "%(count)d of the selected alerts is already closed: nothing was changed.",
                "%(count)d of the selected alerts are already closed: nothing was changed.",
                gone,
            )
            % {"count": gone}
        )
    return locked


def _reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise AlertError(message)
    return reason.strip()


@transaction.atomic
def snooze_alerts(
    *, alerts: Iterable[Alert], user: User, until: date, reason: str, today: date
) -> int:
    """Snooze open alerts until a later date, with the reason. All of them or none."""
    reason = _reason(reason, gettext("A reason is required to snooze an alert."))
    if until <= today:
        raise AlertError(gettext("Snooze until a date after today."))
    locked = _locked_open(alerts)
    return Alert.objects.filter(pk__in=[alert.pk for alert in locked]).update(
        status=AlertStatus.SNOOZED, snoozed_until=until, snooze_reason=reason, snoozed_by=user
    )


def snooze(*, alert: Alert, user: User, until: date, reason: str, today: date) -> None:
    snooze_alerts(alerts=[alert], user=user, until=until, reason=reason, today=today)
    alert.refresh_from_db(fields=["status", "snoozed_until", "snooze_reason", "snoozed_by"])


@transaction.atomic
def close_alerts(*, alerts: Iterable[Alert], user: User, reason: str) -> int:
    """Close open or snoozed alerts by hand, with the reason. All of them or none.

    A hand-closed alert is not opened again for the same cause for `HAND_CLOSED_QUIET_DAYS`,
    unless its severity rises (see `refresh_alerts`).
    """
    reason = _reason(reason, gettext("A reason is required to close an alert."))
    locked = _locked_open(alerts)
    return Alert.objects.filter(pk__in=[alert.pk for alert in locked]).update(
        status=AlertStatus.CLOSED,
        closed_at=timezone.now(),
        closed_because=ClosedBecause.BY_HAND,
        closed_by=user,
        close_reason=reason,
    )


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
