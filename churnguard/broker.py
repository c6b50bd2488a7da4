"""Is the task queue reachable? Asked before work is promised to a user."""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def broker_available() -> bool:
    """True when tasks can be sent now. Eager mode (no broker configured) always can."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    from churnguard.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2)
    except Exception as error:  # kombu raises several transport-specific errors
        logger.warning("Task broker unreachable: %s", error)
        return False
    return True
