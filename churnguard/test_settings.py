"""Settings for the test suite: the application's own, with DEBUG on at import time.

DEBUG picks the development static-files storage (no collected manifest needed); pytest-django
still runs each test with DEBUG off. Processes the tests start (a Celery worker, gunicorn)
inherit the variable.
"""

import os

os.environ.setdefault("DEBUG", "1")

from churnguard.settings import *  # noqa: F403
