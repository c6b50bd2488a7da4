"""The Celery app and the beat schedule (periodic jobs are declared here, in code)."""

import os

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "churnguard.settings")

app = Celery("churnguard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def drop_unusable_connections(sender: Task | None = None, **kwargs: object) -> None:
    """What Django does before each request: close a connection that broke or outlived
    CONN_MAX_AGE, so a task retried after a lost database gets a fresh one. Never inside an eager
    task: it runs in its caller's transaction."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@app.on_after_finalize.connect
def declare_beat_schedule(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = {
        # Rescore the whole portfolio at night, when CSMs are not reading scores; expires after
        # six hours so a beat that was down all night does not start a run in the morning rush.
        "nightly-rescore": {
            "task": "risk.tasks.start_nightly_rescore_task",
            "schedule": crontab(
                hour=settings.NIGHTLY_RESCORE_HOUR, minute=settings.NIGHTLY_RESCORE_MINUTE
            ),
            "options": {"expires": 6 * 3600},
        },
        # Remind CSMs of levers that end within two weeks, before their working day starts; a
        # reminder is claimed once per proposal, so a late or repeated run sends nothing twice.
        # Expires at noon: past that, the next morning's run catches up.
        "lever-reminders": {
            "task": "playbooks.tasks.send_lever_reminders_task",
            "schedule": crontab(hour=7, minute=30),
            "options": {"expires": 4 * 3600 + 30 * 60},
        },
        # Send the webhook deliveries whose retry is due (and any whose message a broker lost);
        # each attempt claims its delivery, so an overlapping sweep sends nothing twice.
        "webhook-retries": {
            "task": "webhooks.tasks.deliver_due_webhooks_task",
            "schedule": crontab(minute="*"),
            "options": {"expires": 50},
        },
    }
