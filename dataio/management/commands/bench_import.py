"""Benchmark the account import: generate a CRM export, import it, print rows/s and memory.

The import runs in a database this command creates and drops (PostgreSQL: a new database on the
configured server; SQLite: a temporary file), so the configured database's data is never read or
touched. Timed: reading, checking, writing (COPY) and scoring every row, as `import_accounts`.
"""

import json
import random
import resource
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, connections

from dataio.services.accounts import ImportOptions, import_accounts

HEADER = [
    "Account ID",
    "Account Name",
    "Industry",
    "Billing Country",
    "Segment",
    "MRR",
    "Currency",
    "Contract Start",
    "Renewal Date",
    "Contract Term",
    "Discount at signing (%)",
    "Phase",
    "Funding Stage",
    "Cash Runway (months)",
    "Licensed seats",
    "Seats used",
    "Plan",
]
_INDUSTRIES = ["Travel", "Logistics", "Software", "Healthcare", "Retail", "Internet"]
_COUNTRIES = ["France", "Deutschland", "UK", "Spain", "Italy", "US", "Côte d'Ivoire"]
_PHASES = ["deployment", "defense", "maturation", "growth"]
_STAGES = ["Seed", "Series A", "Series C", "Profitable", "Listed"]


class Command(BaseCommand):
    help = "Import a generated file of N accounts into a throw-away database; print the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = int(options["rows"])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "accounts.csv"
            self._generate(path, rows)
            with _throwaway_database():
                call_command("migrate", verbosity=0, interactive=False)
                from teams.models import Team

                team = Team.objects.create(name="Benchmark")
                rss_before = _peak_rss_mb()
                started, cpu_started = time.perf_counter(), time.process_time()
                report = import_accounts(path=path, options=ImportOptions(default_team_id=team.pk))
                seconds = time.perf_counter() - started
                cpu_seconds = time.process_time() - cpu_started
                peak = _peak_rss_mb()
            figures = {
                "rows": rows,
                "database": connection.vendor,
                "seconds": round(seconds, 2),
                "rows_per_s": round(rows / seconds),
                # This process's CPU: on a busy machine the wall time also counts waiting.
                "python_cpu_seconds": round(cpu_seconds, 2),
                "created": report.created,
                "rejected": report.rejected,
                "scored": report.scored,
                "file_mb": round(path.stat().st_size / 1e6, 1),
                "peak_rss_mb": round(peak),
                "rss_growth_mb": round(peak - rss_before),
            }
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            f"Imported {figures['created']:,} of {rows:,} rows ({figures['file_mb']} MB CSV) on "
            f"{figures['database']} in {figures['seconds']} s: {figures['rows_per_s']:,} rows/s "
            f"({figures['python_cpu_seconds']} s of Python CPU), "
            f"{figures['scored']:,} scored. Peak memory {figures['peak_rss_mb']} MB "
            f"(+{figures['rss_growth_mb']} MB during the import). Target: under 60 s."
        )

    def _generate(self, path: Path, rows: int) -> None:
        rng = random.Random(14)
        today = date.today()  # noqa: DTZ011 - generated data only needs a plausible day
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(",".join(HEADER) + "\n")
            for n in range(rows):
                start = today - timedelta(days=rng.randint(30, 1500))
                renewal = today + timedelta(days=rng.randint(1, 365))
                mrr = f"{rng.randint(100, 50000)}.{rng.randint(0, 99):02d}"
                seats = rng.randint(1, 500)
                values = [
                    f"BENCH-{n:07d}",
                    f"Company {n}",
                    rng.choice(_INDUSTRIES),
                    rng.choice(_COUNTRIES),
                    rng.choice(["SMB", "Mid-market", "Enterprise"]),
                    mrr,
                    "EUR",
                    start.strftime("%d/%m/%Y"),
                    renewal.isoformat(),
                    rng.choice(["12", "annual", "24 months", "1"]),
                    str(rng.choice([0, 5, 10, 20])),
                    rng.choice(_PHASES),
                    rng.choice(_STAGES),
                    str(rng.randint(1, 36)),
                    str(seats),
                    str(rng.randint(0, seats)),
                    rng.choice(["Basic", "Pro", "Enterprise"]),
                ]
                handle.write(",".join(f'"{v}"' if "," in v or "'" in v else v for v in values))
                handle.write("\n")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def _throwaway_database() -> Iterator[None]:
    """Point the default connection at a new, empty database for the block; drop it after."""
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    if connection.vendor == "postgresql":
        name = f"{original_name}_bench_import_{secrets.token_hex(4)}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(Path(tempfile.mkdtemp()) / "bench_import.sqlite3")
    connections.close_all()
    settings_dict["NAME"] = name
    try:
        yield
    finally:
        connections.close_all()
        settings_dict["NAME"] = original_name
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            Path(name).unlink(missing_ok=True)
