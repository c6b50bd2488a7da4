"""How fast gunicorn serves the triage list, compared with the cheapest page Django can serve.

    DATABASE_URL=postgres://... .venv/bin/python bench/web_bench.py \
        [--accounts 100000] [--seconds 15] [--clients 16] [--workers 2] [--json] [--fresh]

What it measures, for two URLs served by the same production-like gunicorn (DEBUG off,
persistent database connections, the Redis cache when REDIS_URL is set), both requested with
the same logged-in session:

- `/healthz`, a trivial view: the floor set by gunicorn and the middleware stack (the session
  cookie is sent, but the view never loads the session);
- `/accounts/?phase=defense`, the CSM's triage list (first page of 50, default order, one
  filter) over a seeded portfolio of N accounts.

For each: one client, sequential (median and p90 latency), then `--clients` concurrent clients
for `--seconds` (requests/s, p50/p90/p99 latency, errors, and the CPU gunicorn and the load
generator used: per-request CPU is the figure that survives a busy machine). Absolute figures
drift between machines, so the verdict is the ratio of the two pages' throughput measured side
by side in one run (docs/performance.md): the triage page should reach at least 15 % of the trivial
view's requests/s, and answer a single user in under 50 ms.

The data lives in its own database on DATABASE_URL's server: the one DATABASE_URL names when
that name ends in `_bench`, else `churnguard_bench`, so seeding and reseeding never touch a
development database. Before measuring, the database is migrated,
seeded (once), vacuumed and analysed (the planner statistics a production server's autovacuum
would keep), and the static files are collected (DEBUG off needs their manifest).

The load generator is deliberately lean (one thread per client, a raw socket per request,
pre-built request bytes): on a 2-core machine the client shares the CPU with gunicorn, and
a heavy client would measure itself. Gunicorn's sync workers close the connection after every
response, so a request is connect, send, read to EOF: no HTTP library needed.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import IO, Any, NoReturn

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
GUNICORN = str(VENV_BIN / "gunicorn")
# The benchmark's own database: the configured one's name with this suffix, created at the start
# and dropped at the end (unless --keep). The configured database is never touched.
BENCH_SUFFIX = "_bench"
BENCH_DB = "churnguard_bench"  # replaced in main() by <configured name>_bench
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}

CSM_USERNAME = "camille"
CSM_PASSWORD = "churnguard-demo"  # seed_demo's shared demo password
SEED = 1
URLS = {"healthz": "/healthz", "triage": "/accounts/?phase=defense"}

SEQUENTIAL_REQUESTS = 200
WARMUP_SECONDS = 1.0
# A hard cap besides the clock, so a run always ends even if the server answers absurdly fast.
MAX_REQUESTS = 500_000
SOCKET_TIMEOUT = 30.0
STARTUP_TIMEOUT = 120.0  # gunicorn imports the whole app: slow on a busy 2-core machine

TARGET_SINGLE_MEDIAN_MS = 50.0
TARGET_RATIO_PCT = 15.0


def log(message: str) -> None:
    """Progress goes to stderr so `--json` leaves stdout with the JSON object alone."""
    print(message, file=sys.stderr, flush=True)


def fail(message: str) -> NoReturn:
    sys.exit(f"web_bench: {message}")


# --- the database -------------------------------------------------------------------------


def bench_database_url(url: str) -> str:
    """DATABASE_URL's server and credentials, with the benchmark's own database: the name with
    BENCH_SUFFIX, or the name as given when it already is a benchmark one (`..._bench`), so
    several people can benchmark on one server side by side."""
    global BENCH_DB
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        fail(f"DATABASE_URL must point at PostgreSQL, got scheme {parts.scheme!r}")
    name = parts.path.lstrip("/") or "churnguard"
    BENCH_DB = name if name.endswith(BENCH_SUFFIX) else name + BENCH_SUFFIX
    return urllib.parse.urlunsplit(parts._replace(path="/" + BENCH_DB))


def database_name(bench_url: str) -> str:
    return urllib.parse.urlsplit(bench_url).path.lstrip("/")


def drop_database(bench_url: str) -> None:
    with connect(bench_url, "postgres") as conn:
        log(f"Dropping database {BENCH_DB}")
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )


def connect(bench_url: str, dbname: str) -> psycopg.Connection[Any]:
    """An autocommit connection: CREATE DATABASE and VACUUM refuse to run in a transaction."""
    # libpq only understands the postgres:// and postgresql:// spellings.
    parts = urllib.parse.urlsplit(bench_url)
    url = urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/" + dbname))
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        fail(f"cannot reach PostgreSQL at DATABASE_URL's server: {exc}")


def ensure_database(bench_url: str, *, fresh: bool) -> None:
    """Create the benchmark database if missing (or drop it first), from `postgres`."""
    name = database_name(bench_url)
    with connect(bench_url, "postgres") as conn:
        if fresh:
            log(f"Dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            log(f"Creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def vacuum_analyze(bench_url: str) -> None:
    """Bring the planner's statistics and visibility map to a production database's state.

    A freshly seeded table has no statistics until autovacuum gets to it, and some servers run
    with autovacuum off: the planner then guesses ~100 rows for a 25,000-row team and picks a
    bitmap scan plus sort (~25 ms) over the (team, attention) index walk (< 1 ms). Measuring
    that would measure the seeding, not the page.
    """
    with connect(bench_url, database_name(bench_url)) as conn:
        conn.execute("VACUUM (ANALYZE)")


def server_env(bench_url: str, *, cold: bool = False) -> dict[str, str]:
    """The production-like settings every subprocess (manage.py and gunicorn) runs with.

    `cold` turns off the triage table's fragment cache, so every request queries and renders
    the 50 rows: the cost of the first view after a change, rather than of the steady state.
    """
    env = dict(os.environ)
    env.update(
        DATABASE_URL=bench_url,
        DEBUG="0",
        SECRET_KEY="bench",
        ALLOWED_HOSTS="127.0.0.1",
        CONN_MAX_AGE="60",
    )
    if cold:
        env["TRIAGE_FRAGMENT_CACHE"] = "0"
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command and return its output; stop the benchmark if it fails."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        fail(f"manage.py {' '.join(args)} failed:\n{output}")
    return output


def portfolio_size(env: dict[str, str]) -> int:
    code = "from accounts.models import Account; print(Account.objects.count())"
    return int(manage(env, "shell", "-c", code).split()[-1])


def prepare_database(env: dict[str, str], bench_url: str, accounts: int) -> None:
    log("Migrating")
    manage(env, "migrate", "--no-input", "-v0")
    existing = portfolio_size(env)
    if existing in (0, accounts):
        mode = "--if-empty"  # seeds an empty database, keeps a portfolio of the right size
    else:
        # Figures from a portfolio of another size would not compare: replace it.
        log(f"Reseeding: the portfolio holds {existing:,} accounts, not {accounts:,}")
        mode = "--reset"
    log(f"Seeding {accounts:,} accounts unless already there")
    output = manage(
        env,
        "seed_demo",
        "--accounts",
        str(accounts),
        "--seed",
        str(SEED),
        mode,
        "--i-know-this-is-not-production",
    )
    log(output.rstrip())
    vacuum_analyze(bench_url)
    # DEBUG=0 serves static references through the manifest storage, as the Docker image does:
    # without a collected manifest every page that links a stylesheet would fail with a 500.
    manage(env, "collectstatic", "--no-input", "-v0")


# --- gunicorn ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_gunicorn(
    env: dict[str, str], workers: int, port: int, log_file: IO[str]
) -> subprocess.Popen[bytes]:
    command = [
        GUNICORN,
        "churnguard.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    # Its own session, so the whole process group can be killed if the master hangs.
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # the master stops its workers gracefully on SIGTERM
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_up(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if fetch(port, request_bytes(port, URLS["healthz"]))[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    fail(f"gunicorn did not answer /healthz within {STARTUP_TIMEOUT:.0f} s")


# --- HTTP, by hand ----------------------------------------------------------------------------


def request_bytes(
    port: int, path: str, *, cookies: str = "", method: str = "GET", body: bytes = b""
) -> bytes:
    """A complete HTTP/1.1 request, built once and replayed for every load request."""
    headers = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if cookies:
        headers.append(f"Cookie: {cookies}")
    if body:
        headers += [
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
        ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + body


def fetch(port: int, raw_request: bytes) -> tuple[int, bytes]:
    """Send one request on a fresh connection; return (status, raw response).

    Gunicorn's sync workers close every connection after the response, so reading to EOF reads
    exactly one complete response.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT) as sock:
        sock.sendall(raw_request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    return int(response[9:12]), response


def split_response(response: bytes) -> tuple[list[str], str]:
    head, _, body = response.partition(b"\r\n\r\n")
    return head.decode("latin-1").split("\r\n"), body.decode("utf-8", "replace")


def set_cookies(header_lines: list[str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            jar.load(value.strip())
    return {key: morsel.value for key, morsel in jar.items()}


def cookie_header(cookies: dict[str, str]) -> str:
    # Sent by hand: with DEBUG off the cookies are marked Secure, which a cookie jar would
    # rightly refuse to send over the loopback's plain HTTP.
    return "; ".join(f"{key}={value}" for key, value in cookies.items())


def log_in(port: int) -> str:
    """Log in as the demo CSM through the real login form; return the Cookie header to send."""
    status, response = fetch(port, request_bytes(port, "/login/"))
    if status != 200:
        fail(f"GET /login/ answered {status}")
    headers, body = split_response(response)
    cookies = set_cookies(headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if "csrftoken" not in cookies or token is None:
        fail("the login page set no CSRF cookie or token")
    form = urllib.parse.urlencode(
        {"username": CSM_USERNAME, "password": CSM_PASSWORD, "csrfmiddlewaretoken": token[1]}
    ).encode()
    post = request_bytes(port, "/login/", cookies=cookie_header(cookies), method="POST", body=form)
    status, response = fetch(port, post)
    cookies |= set_cookies(split_response(response)[0])
    if status != 302 or "sessionid" not in cookies:
        fail(f"logging in as {CSM_USERNAME} failed (status {status}): was the portfolio seeded?")
    return cookie_header(cookies)


# --- measuring ---------------------------------------------------------------------------------


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile; plenty for a few hundred to a few hundred thousand samples."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(pct / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def timed_fetch(port: int, raw_request: bytes) -> tuple[float, int | str]:
    """(latency in ms, status): a failed connection is an error, named by its exception."""
    started = time.perf_counter()
    try:
        status: int | str = fetch(port, raw_request)[0]
    except (OSError, ValueError) as exc:
        status = type(exc).__name__
    return (time.perf_counter() - started) * 1000, status


@dataclass
class Sequential:
    requests: int
    median_ms: float
    p90_ms: float
    errors: int


@dataclass
class Concurrent:
    clients: int
    seconds: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    first_error: str | None
    # The load generator's own CPU, in % of one core: it must stay small next to the server's.
    client_cpu_pct: float
    # Gunicorn's CPU (master + workers; not PostgreSQL's or Redis's), per request and in % of
    # one core: per-request CPU barely moves when other processes share the machine.
    server_cpu_ms_per_request: float | None
    server_cpu_pct: float | None


@dataclass
class UrlResult:
    path: str
    sequential: Sequential
    concurrent: Concurrent


def sequential(port: int, raw_request: bytes, count: int) -> Sequential:
    samples = [timed_fetch(port, raw_request) for _ in range(count)]
    latencies = sorted(ms for ms, _ in samples)
    errors = sum(status != 200 for _, status in samples)
    return Sequential(count, percentile(latencies, 50), percentile(latencies, 90), errors)


def server_cpu_seconds(master_pid: int) -> float | None:
    """CPU used so far by gunicorn's master and live workers (Linux /proc); None elsewhere."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        ticks = 0
        for pid in [master_pid, *children]:
            # Fields after the parenthesised command name; utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])
    except (OSError, ValueError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def concurrent(
    port: int, server_pid: int, raw_request: bytes, clients: int, seconds: float
) -> Concurrent:
    """`clients` threads, each requesting back to back until the clock or the cap runs out."""
    latencies: list[float] = []  # list.append is atomic under the GIL: no lock needed
    errors: list[int | str] = []
    issued = iter(range(MAX_REQUESTS))  # next() on a shared iterator is thread-safe enough
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline and next(issued, None) is not None:
            ms, status = timed_fetch(port, raw_request)
            latencies.append(ms)
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    server_before = server_cpu_seconds(server_pid)
    cpu_before, started = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu_pct = (time.process_time() - cpu_before) / elapsed * 100
    server_after = server_cpu_seconds(server_pid)
    server_cpu = None
    if server_before is not None and server_after is not None:
        server_cpu = server_after - server_before
    latencies.sort()
    return Concurrent(
        clients=clients,
        seconds=round(elapsed, 2),
        requests=len(latencies),
        requests_per_s=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50),
        p90_ms=percentile(latencies, 90),
        p99_ms=percentile(latencies, 99),
        errors=len(errors),
        first_error=str(errors[0]) if errors else None,
        client_cpu_pct=cpu_pct,
        server_cpu_ms_per_request=(
            server_cpu * 1000 / len(latencies) if server_cpu is not None and latencies else None
        ),
        server_cpu_pct=server_cpu / elapsed * 100 if server_cpu is not None else None,
    )


def measure(
    port: int, server_pid: int, path: str, cookies: str, args: argparse.Namespace
) -> UrlResult:
    raw_request = request_bytes(port, path, cookies=cookies)
    # A concurrent warm-up reaches every worker: each loads templates and opens its
    # persistent database connection before anything is timed.
    concurrent(port, server_pid, raw_request, args.clients, WARMUP_SECONDS)
    return UrlResult(
        path,
        sequential(port, raw_request, SEQUENTIAL_REQUESTS),
        concurrent(port, server_pid, raw_request, args.clients, args.seconds),
    )


# --- reporting ---------------------------------------------------------------------------------


def summary(
    args: argparse.Namespace, results: dict[str, UrlResult], load: list[float]
) -> dict[str, Any]:
    triage, healthz = results["triage"], results["healthz"]
    ratio_pct = triage.concurrent.requests_per_s / healthz.concurrent.requests_per_s * 100
    # The same comparison by gunicorn CPU per request: it ignores time spent waiting on the
    # database, but barely moves when other processes compete for the cores.
    cpu_ratio_pct = None
    if triage.concurrent.server_cpu_ms_per_request and healthz.concurrent.server_cpu_ms_per_request:
        cpu_ratio_pct = (
            healthz.concurrent.server_cpu_ms_per_request
            / triage.concurrent.server_cpu_ms_per_request
            * 100
        )
    return {
        "accounts": args.accounts,
        "workers": args.workers,
        "clients": args.clients,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        # Other processes on the machine skew every figure but the per-request CPU: keep a trace.
        "load_average_1m": {"before": load[0], "after": load[1]},
        "urls": {name: asdict(result) for name, result in results.items()},
        "ratio_pct": ratio_pct,
        "cpu_ratio_pct": cpu_ratio_pct,
        "targets": {
            "triage_single_median_ms": TARGET_SINGLE_MEDIAN_MS,
            "ratio_pct": TARGET_RATIO_PCT,
        },
        "meets": {
            "triage_single_median": triage.sequential.median_ms < TARGET_SINGLE_MEDIAN_MS,
            "ratio": ratio_pct >= TARGET_RATIO_PCT,
        },
    }


def rounded(value: Any) -> Any:
    """Figures to 3 decimals: sub-microsecond digits are noise, not precision."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    return value


TABLE_HEADER = (
    "URL",
    "1 client median",
    "1 client p90",
    "req/s",
    "p50",
    "p90",
    "p99",
    "errors",
    "server CPU/req",
    "server CPU",
    "client CPU",
)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} ms"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} %"


def print_table(report: dict[str, Any]) -> None:
    load = report["load_average_1m"]
    print(
        f"\nChurnGuard web benchmark: {report['accounts']:,} accounts, gunicorn "
        f"{report['workers']} sync workers, {report['cpus']} CPUs, "
        f"load average {load['before']:.2f} → {load['after']:.2f}"
    )
    rows = [TABLE_HEADER]
    for result in report["urls"].values():
        s, c = result["sequential"], result["concurrent"]
        errors = str(c["errors"]) + (f" (first: {c['first_error']})" if c["first_error"] else "")
        rows.append(
            (
                result["path"],
                _ms(s["median_ms"]),
                _ms(s["p90_ms"]),
                f"{c['requests_per_s']:.1f}",
                _ms(c["p50_ms"]),
                _ms(c["p90_ms"]),
                _ms(c["p99_ms"]),
                errors,
                _ms(c["server_cpu_ms_per_request"]),
                _pct(c["server_cpu_pct"]),
                _pct(c["client_cpu_pct"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(
        f"(req/s to p99 and CPU: {report['clients']} concurrent clients for "
        f"{report['seconds']:g} s; CPU in % of one core)\n"
    )
    for row in rows:
        # The URL left-aligned, the figures right-aligned.
        cells = [
            v.rjust(w) if i else v.ljust(w)
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))

    for name, result in report["urls"].items():
        if result["sequential"]["errors"]:
            print(f"warning: {result['sequential']['errors']} sequential {name} requests failed")

    meets = report["meets"]
    single = report["urls"]["triage"]["sequential"]["median_ms"]
    verdict = {True: "met", False: "MISSED"}
    print(
        f"\ntriage req/s ÷ healthz req/s: {report['ratio_pct']:.1f} %  "
        f"(target ≥ {TARGET_RATIO_PCT:g} %: {verdict[meets['ratio']]})"
    )
    if report["cpu_ratio_pct"] is not None:
        print(f"  the same by gunicorn CPU per request: {report['cpu_ratio_pct']:.1f} %")
    print(
        f"triage single-client median: {single:.1f} ms  "
        f"(target < {TARGET_SINGLE_MEDIAN_MS:g} ms: {verdict[meets['triage_single_median']]})"
    )


# --- main --------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="disable the triage table's fragment cache (every request renders its rows)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop and rebuild a kept benchmark database (after rewritten migrations)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the <name>_bench database for the next run instead of dropping it",
    )
    args = parser.parse_args()
    if min(args.accounts, args.clients, args.workers) < 1 or args.seconds <= 0:
        parser.error("--accounts, --clients, --workers and --seconds must be positive")
    return args


def main() -> None:
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        fail("set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/x")
    bench_url = bench_database_url(database_url)
    ensure_database(bench_url, fresh=args.fresh)
    try:
        report = run_benchmark(args, bench_url)
    finally:
        if not args.keep:
            drop_database(bench_url)
    if args.json:
        print(json.dumps(rounded(report), indent=2))
    else:
        print_table(report)


def run_benchmark(args: argparse.Namespace, bench_url: str) -> dict[str, Any]:
    env = server_env(bench_url, cold=args.cold)
    prepare_database(env, bench_url, args.accounts)

    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="web_bench_gunicorn_", suffix=".log") as glog:
        server = start_gunicorn(env, args.workers, port, glog)
        try:
            wait_until_up(server, port, Path(glog.name))
            cookies = log_in(port)
            load = [os.getloadavg()[0]]
            results = {}
            for name, path in URLS.items():
                log(f"Measuring {path}")
                results[name] = measure(port, server.pid, path, cookies, args)
            load.append(os.getloadavg()[0])
        finally:
            stop_gunicorn(server)

    return summary(args, results, load)


if __name__ == "__main__":
    main()
