from datetime import timedelta

import pytest
from django.utils import timezone

from tasks.models import Task


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_task(csm, account, today):
    """A manual task on `account` for `csm`, due today unless told."""

    def make(**fields) -> Task:
        defaults = {
            "account": account,
            "owner": csm,
            "title": "Call the sponsor",
            "due_on": today,
            "created_by": csm,
            "created_at": timezone.now(),
        }
        defaults.update(fields)
        return Task.objects.create(**defaults)

    return make


@pytest.fixture
def overdue(make_task, today):
    return make_task(title="Send the QBR deck", due_on=today - timedelta(days=3))
