"""Benchmark the analytics pages and the board report PDF on a large portfolio.

Works in its own PostgreSQL database (the configured one's name + "_bench_analytics", created and
migrated when missing), so it never touches data it did not create: 100,000 demo accounts with
their MRR history (movements since each contract start, 24 months and more), risk bands spread
over the book. Prints the median time of each page, cold (right after `portfolio_changed()`, as
after any write: the figures computed) and warm (the figures cached), beside a trivial page
(target: under 300 ms), and of the PDF (target: under 3 s). Figures: docs/performance.md.
"""

import json
import statistics
import time
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Account, MrrMovement
from analytics import queries
from analytics.queries import Filters
from analytics.report import board_report_context, render_board_pdf, top_risks
from churnguard.portfolio import portfolio_changed
from teams.models import Role, User

SUFFIX = "_bench_analytics"
PAGES = {
    "dashboard": "/analytics/",
    "dashboard_team": "/analytics/?team={team}",
    "churn_drivers": "/analytics/churn-drivers/",
    "movements": "/analytics/movements/?month={month}&kind=churn",
    "forecast_accounts": "/analytics/forecast/?quarter=0&bucket=at_risk",
    "board_report": "/analytics/board-report/",
}


class Command(BaseCommand):
    help = "Time the analytics pages and the PDF on 100,000 accounts in a database of their own."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=5, help="Requests per page.")
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--blocks",
            action="store_true",
            help="Also time each aggregation of the pages on its own (the whole portfolio).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_analytics needs PostgreSQL: set DATABASE_URL.")
        self._use_own_database()
        count = int(options["accounts"])  # type: ignore[call-overload]
        self._seed(count)
        runs = int(options["runs"])  # type: ignore[call-overload]
        accounts = Account.objects.count()
        movements = MrrMovement.objects.count()
        pages = self._time_pages(runs)
        pdf_s = self._time_pdf(max(1, runs // 2))
        report: dict[str, object] = {
            "accounts": accounts,
            "movements": movements,
            "pages_ms": pages,
            "pdf_s": pdf_s,
        }
        blocks = self._time_blocks(runs) if options["blocks"] else {}
        if blocks:
            report["blocks_ms"] = blocks
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(
            f"{accounts:,} accounts, {movements:,} MRR movements "
            f"(database {connection.settings_dict['NAME']})."
        )
        self.stdout.write(f"Medians of {runs} requests each (target < 300 ms):")
        for page, ms in pages["warm_median"].items():
            first = pages["cold_median"][page]
            self.stdout.write(
                f"  {page:<20} warm (figures cached) {ms:7.1f} ms   cold (computed) {first:7.1f} ms"
            )
        self.stdout.write(f"  {'board PDF':<18} median {pdf_s:7.2f} s   (target < 3 s)")
        if blocks:
            self.stdout.write(f"Each aggregation on its own, median of {runs}:")
            for name, ms in blocks.items():
                self.stdout.write(f"  {name:<20} {ms:7.1f} ms")

    def _use_own_database(self) -> None:
        name = str(connection.settings_dict["NAME"])
        if not name.endswith(SUFFIX):
            name = f"{name}{SUFFIX}"
        # The maintenance database: the configured one may not exist yet.
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        connections["default"].close()
        connections["default"].settings_dict["NAME"] = name
        call_command("migrate", verbosity=0)

    def _seed(self, count: int) -> None:
        if Account.objects.count() != count or not MrrMovement.objects.exists():
            self.stderr.write(f"Seeding {count:,} accounts in the benchmark database…")
            call_command(
                "seed_demo",
                accounts=count,
                seed=1,
                reset=True,
                no_score=True,
                i_know_this_is_not_production=True,  # only ever inside its own database
                stdout=self.stderr,
            )
        if Account.objects.exclude(risk_band="").exists():
            return
        # Bands spread over the book as a scoring run would leave them (no run needed here).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_account SET risk_band = (ARRAY['low','low','low','medium',"
                "'medium','high','critical'])[1 + id % 7], risk_score = 10 + id % 90"
            )
            cursor.execute("VACUUM ANALYZE")

    def _time_pages(self, runs: int) -> dict[str, dict[str, float]]:
        user, _ = User.objects.get_or_create(
            username="bench-analytics", defaults={"role": Role.ADMIN, "is_superuser": True}
        )
        client = Client()
        client.force_login(user)
        team = Account.objects.values_list("team_id", flat=True).first()
        month = timezone.localdate().strftime("%Y-%m")
        results: dict[str, float] = {}
        cold: dict[str, float] = {}
        # Plain static storage: the benchmark needs no collectstatic manifest.
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False, STORAGES=storages):
            for name, url in {"trivial (/healthz)": "/healthz", **PAGES}.items():
                url = url.format(team=team, month=month)
                cold_timings, timings = [], []
                for _ in range(runs):
                    portfolio_changed()  # cold: as after any write, the figures are computed
                    cold_timings.append(self._request(client, url))
                    timings.append(self._request(client, url))  # warm: cached figures
                cold[name] = round(statistics.median(cold_timings), 1)
                results[name] = round(statistics.median(timings), 1)
        return {"warm_median": results, "cold_median": cold}

    @staticmethod
    def _request(client: Client, url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return elapsed

    def _time_blocks(self, runs: int) -> dict[str, float]:
        """Each query of the dashboard, the churn drivers and the report, timed on its own."""
        today = timezone.localdate()
        month = date(today.year, today.month, 1)
        everything = Filters()
        industry = Account.objects.values_list("industry", flat=True).order_by("pk").first()
        one_industry = Filters(industry=industry or "")
        blocks = {
            "revenue_series": lambda: queries.revenue_series(
                user=None, filters=everything, last_month=month
            ),
            "cohort_table": lambda: queries.cohort_table(
                user=None, filters=everything, last_month=month
            ),
            "active_book": lambda: queries.active_book(user=None, filters=everything, today=today),
            "overnight_moves": lambda: queries.overnight_moves(user=None, filters=everything),
            # What the churn-drivers page runs: every attribute from one query (the counts the
            # database keeps), and the same from the accounts (a filter the counts are not
            # keyed by: here one industry).
            "churn_drivers": lambda: queries.churn_drivers(
                user=None, filters=everything, today=today
            ),
            "churn_drivers_industry": lambda: queries.churn_drivers(
                user=None, filters=one_industry, today=today
            ),
            "signal_buckets": lambda: queries.signal_buckets(user=None, filters=everything),
            "churn_reasons": lambda: queries.churn_reasons(user=None, filters=everything),
            "top_risks": lambda: top_risks(user=None, filters=everything),
        }
        medians = {}
        for name, compute in blocks.items():
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                compute()
                timings.append((time.perf_counter() - started) * 1000)
            medians[name] = round(statistics.median(timings), 1)
        return medians

    def _time_pdf(self, runs: int) -> float:
        today = timezone.localdate()
        month = date(today.year, today.month, 1)
        render_board_pdf(
            board_report_context(user=None, filters=Filters(), month=month, today=today)
        )  # warm: WeasyPrint imported, fonts loaded
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            context = board_report_context(user=None, filters=Filters(), month=month, today=today)
            render_board_pdf(context)
            timings.append(time.perf_counter() - started)
        return round(statistics.median(timings), 2)
