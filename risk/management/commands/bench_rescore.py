"""Benchmark the nightly rescoring through Celery against the database's own limit.

Worst case on purpose: every account is unscored before the run, so every account gets a new
score *and* a history row with its explanation. The limit it is compared with is one set-based
SQL UPDATE of the same rows (rolled back), measured on the same database in the same run.

It never touches the configured database: it creates `<configured name>_bench` beside it
(CREATE DATABASE), runs itself again inside it, and drops it afterwards.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from accounts.models import Account, Status
from risk.models import RescoreRun, RunStatus, RunTrigger, Score
from risk.services.runs import start_rescore_run

ROOT = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = "Seed N accounts if needed, rescore them all through Celery, compare with raw SQL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=100_000)
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes to start.")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--timeout", type=int, default=900)
        # Internal: set on the copy of this command that runs inside the benchmark database.
        parser.add_argument("--inside-bench-database", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: object, **options: object) -> None:
        if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError(
                "bench_rescore needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL."
            )
        if not options["inside_bench_database"]:
            self._run_in_own_database(options)
            return
        if not str(connection.settings_dict["NAME"]).endswith(BENCH_SUFFIX):
            raise CommandError("Refusing to benchmark in a database that is not a _bench copy.")
        call_command("migrate", interactive=False, verbosity=0)
        count = int(options["accounts"])  # type: ignore[call-overload]
        self._seed(count)
        total = Account.objects.filter(status=Status.ACTIVE).count()
        self._reset_scores()
        worker = self._start_worker(int(options["concurrency"]))  # type: ignore[call-overload]
        try:
            seconds = self._timed_run(int(options["timeout"]))  # type: ignore[call-overload]
        finally:
            # The run's follow-up task (proposals, alerts, digests) may still be running: it is
            # not part of the timing, and a warm shutdown waits for it.
            worker.terminate()
            try:
                worker.wait(timeout=600)
            except subprocess.TimeoutExpired:
                worker.kill()
        sql_seconds = self._timed_sql_update()
        report = {
            "accounts": total,
            "seconds": round(seconds, 2),
            "accounts_per_s": round(total / seconds),
            "sql_update_seconds": round(sql_seconds, 2),
            "ratio_to_sql": round(seconds / sql_seconds, 2),
            "history_rows": Score.objects.count(),
        }
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(
            f"Rescored {total:,} accounts through Celery in {seconds:.1f} s "
            f"({report['accounts_per_s']:,} accounts/s), {report['history_rows']:,} history rows.\n"
            f"One set-based SQL UPDATE of the same rows: {sql_seconds:.1f} s. "
            f"Ratio: {report['ratio_to_sql']}× (target: under 4×, aim for 2×)."
        )

    def _run_in_own_database(self, options: dict[str, object]) -> None:
        """Create `<name>_bench`, run the benchmark in a child process there, drop it after."""
        name = f"{connection.settings_dict['NAME']}{BENCH_SUFFIX}"
        url = bench_database_url(settings.DATABASE_URL, name)
        self.stderr.write(f"Benchmarking in a database of its own: {name} (dropped afterwards)")
        with _maintenance_connection() as maintenance:
            maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        command = [sys.executable, "manage.py", "bench_rescore", "--inside-bench-database"]
        for option in ("accounts", "concurrency", "timeout"):
            command += [f"--{option}", str(options[option])]
        if options["json"]:
            command.append("--json")
        try:
            child = subprocess.run(
                command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=False
            )
        finally:
            with _maintenance_connection() as maintenance:
                maintenance.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        if child.returncode:
            raise CommandError(f"The benchmark failed (exit {child.returncode}).")

    def _seed(self, count: int) -> None:
        existing = Account.objects.count()
        if existing == count:
            return
        self.stderr.write(f"Seeding {count:,} accounts (found {existing:,})…")
        call_command(
            "seed_demo",
            accounts=count,
            seed=1,
            reset=existing > 0,
            no_score=True,
            i_know_this_is_not_production=True,  # only ever inside its own _bench database
            stdout=self.stderr,
        )

    def _reset_scores(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE risk_score")
            cursor.execute(
                "UPDATE accounts_account SET risk_score = NULL, risk_band = '', scored_at = NULL"
            )
            cursor.execute("VACUUM ANALYZE accounts_account")
        _settle()

    def _start_worker(self, concurrency: int) -> subprocess.Popen:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "churnguard",
                "worker",
                "-c",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            # As in production: DEBUG off (Django would otherwise record every query). Its secret
            # key signs nothing this worker sends; any value will do.
            env={
                **os.environ,
                "DEBUG": "0",
                "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32),
            },
            # Keep the worker's banner out of the report (--json must print JSON only).
            stdout=subprocess.DEVNULL,
        )
        time.sleep(4)  # let the pool fork before the clock starts
        return worker

    def _timed_run(self, timeout: int) -> float:
        started = time.perf_counter()
        run = start_rescore_run(trigger=RunTrigger.MANUAL)
        deadline = started + timeout
        while time.perf_counter() < deadline:
            status = RescoreRun.objects.filter(pk=run.pk).values_list("status", flat=True).get()
            if status != RunStatus.RUNNING:
                break
            time.sleep(0.05)
        else:
            raise CommandError(f"The run did not finish within {timeout} s.")
        elapsed = time.perf_counter() - started
        if status != RunStatus.SUCCEEDED:
            raise CommandError(f"The run ended {status}.")
        return elapsed

    def _timed_sql_update(self) -> float:
        # The same start as the run had: the dead rows the run left behind are vacuumed first.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM accounts_account")
        _settle()
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                "UPDATE accounts_account SET risk_score = (id % 101), risk_band = 'low', "
                "attention = id, scored_at = now() WHERE status = 'active'"
            )
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return elapsed


BENCH_SUFFIX = "_bench"


def _maintenance_connection() -> psycopg.Connection:
    """An autocommit connection to the server's `postgres` database (CREATE/DROP DATABASE run
    outside a transaction, and the configured database may not even exist)."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def bench_database_url(url: str, name: str) -> str:
    """DATABASE_URL with its database name replaced (same server, same credentials)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def _settle() -> None:
    """Both timings start with nothing left to flush: the writes before them (the reset, the run)
    would otherwise be written out by a checkpoint in the middle of the next timing. CHECKPOINT
    needs a superuser or the pg_checkpoint role; without it the timings are only noisier."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass
