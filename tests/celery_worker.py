"""A real Celery worker for integration tests: a subprocess on Redis, on the test database.

Tests using it need PostgreSQL (the worker is another process, so it must see committed rows of
the test database) and Redis; elsewhere they skip with the reason. Each worker consumes a queue
of its own, so concurrent test runs and leftover messages never reach it.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def require_real_services() -> None:
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (CI does)")


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(self, queue: str, concurrency: int) -> None:
        env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_QUEUE": queue}
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "churnguard",
                "worker",
                "-Q",
                queue,
                "-c",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: a kill reaches the pool children
        )
        threading.Thread(target=self._read, daemon=True).start()
        self._wait_for("ready.", timeout=60)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def _wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("Celery worker did not start:\n" + "".join(self.lines[-40:]))

    def kill(self) -> None:
        """SIGKILL the whole worker, mid-task: no cleanup, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def real_celery(concurrency: int = 2) -> Iterator["WorkerPool"]:
    """Send tasks to real workers on a fresh queue for the duration of the block."""
    from churnguard.celery import app

    require_real_services()
    pool = WorkerPool(f"test-{uuid.uuid4().hex[:10]}", concurrency)
    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    _route_to(app, pool.queue)
    try:
        pool.start()
        yield pool
    finally:
        pool.stop_all()
        app.conf.task_always_eager = eager
        _route_to(app, queue)


def _route_to(app, queue: str) -> None:
    # Celery caches its router and queue declarations on first use; drop them so the new
    # default queue is read again.
    app.conf.task_default_queue = queue
    for cached in ("router", "queues", "default_queue"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp._rtable = None


class WorkerPool:
    def __init__(self, queue: str, concurrency: int) -> None:
        self.queue = queue
        self.concurrency = concurrency
        self.workers: list[Worker] = []

    def start(self) -> Worker:
        worker = Worker(self.queue, self.concurrency)
        self.workers.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
