"""make bench: load-test the site as production runs it, over a large generated dataset.

1. Generate 5,000 talks (`generate_data`) into a database of its own: PostgreSQL database
   `seminars_bench` when PostgreSQL answers on 127.0.0.1:5432, else the SQLite file
   bench/bench.sqlite3. Never the developer's database.
2. Time the cold builds of the calendar feeds (bench/cold_builds.py).
3. Serve the site with gunicorn, DEBUG off, static files collected, on 127.0.0.1:8765, with
   the shared cache (Redis database 13 when Redis answers, else a file cache), and measure each
   URL with wrk for 10 s at 2 threads and 20 connections. Every response must have its URL's
   expected status (bench/status.lua counts the others). Then again with no cache at all.
4. Print the table and write it to bench/results.md (and, on PostgreSQL, the query plans of
   every page and feed to bench/explain.md).

Settings (environment): BENCH_DATABASE_URL, BENCH_CACHE_URL, BENCH_PORT, BENCH_WORKERS,
BENCH_SECONDS, BENCH_TALKS. Exits non-zero if any URL answers another status than expected.
"""

import datetime
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parent.parent
BENCH = PROJECT / "bench"
PYTHON = sys.executable
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
TALKS = os.environ.get("BENCH_TALKS", "5000")
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/seminars_bench"
REDIS_URL = "redis://127.0.0.1:6379/13"
TRIVIAL = "trivial view (the stack's ceiling)"
TRIVIAL_PATH = "/__bench__/ok/"
STATIC_FEED = "the same feed bytes as a static file (WhiteNoise, sendfile)"
# The targets: throughput as a share of the trivial view's.
RATIO_TARGETS = {
    "/": 50,
    "talk page": 50,
    "/archive/": 50,
    "speaker page": 50,
    "/calendar.ics, warm": 50,
    "/calendar.ics, 304": 80,
}
COLD_TARGETS = {"/calendar.ics": 0.5, "5,000-event feed": 1.5}


@dataclass
class Result:
    label: str
    url: str
    status: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    unexpected: int
    socket_errors: int
    ceiling: float | None = None  # the trivial view's requests/s, measured just before


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def answers(command: list[str]) -> bool:
    return (
        shutil.which(command[0]) is not None
        and subprocess.run(command, capture_output=True, check=False).returncode == 0
    )


def choose_database() -> str:
    if "BENCH_DATABASE_URL" in os.environ:
        return os.environ["BENCH_DATABASE_URL"]
    if answers(["pg_isready", "-q", "-h", HOST, "-p", "5432"]):
        return POSTGRES_URL
    return f"sqlite:///{BENCH / 'bench.sqlite3'}"


def choose_cache(scratch: Path) -> str:
    if "BENCH_CACHE_URL" in os.environ:
        return os.environ["BENCH_CACHE_URL"]
    if answers(["redis-cli", "-h", HOST, "-p", "6379", "ping"]):
        return REDIS_URL
    return f"filecache://{scratch / 'cache'}"


def recreate_database(url: str) -> None:
    """Start from an empty database: only one whose name says it is for benchmarks."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme.startswith("sqlite"):
        Path(parts.path).unlink(missing_ok=True)
        return
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must say 'bench'.")
    import psycopg

    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def site_env(database: str, cache: str, scratch: Path) -> dict[str, str]:
    """Return the environment of production on plain http, as `make serve` sets it."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{PORT}",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DATABASE_URL=database,
        CACHE_URL=cache,
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        LOG_LEVEL="WARNING",
        BENCH="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def request(path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """GET `path` without following redirects; return the status, headers and body."""
    connection = HTTPConnection(HOST, PORT, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@contextmanager
def served(env: dict[str, str], log_file: Path):
    """Run gunicorn as production does (make serve) until the block ends."""
    with log_file.open("ab") as output:
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                WORKERS,
            ],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        for _ in range(300):
            with suppress(OSError):
                if request("/healthz")[0] == 200:
                    break
            if server.poll() is not None:
                sys.exit(f"gunicorn stopped; see {log_file}")
            time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(label: str, path: str, status: int, headers: dict[str, str]) -> Result:
    command = ["wrk", "-t2", "-c20", f"-d{SECONDS}s", "--timeout", "30s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(BENCH / "status.lua"), f"http://{HOST}:{PORT}{path}", "--", str(status)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def find(pattern: str) -> str:
        return re.search(pattern, output, re.MULTILINE).group(1)

    errors = re.search(r"Socket errors: (.*)", output)
    return Result(
        label=label,
        url=path,
        status=status,
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=milliseconds(find(r"^\s+50%\s+(\S+)")),
        p99_ms=milliseconds(find(r"^\s+99%\s+(\S+)")),
        requests=int(find(r"(\d+) requests in")),
        unexpected=int(find(r"^Unexpected statuses: (\d+)")),
        socket_errors=sum(map(int, re.findall(r"\d+", errors.group(1)))) if errors else 0,
    )


def check(path: str, status: int, headers: dict[str, str]) -> str | None:
    """Return what is wrong with one GET of `path`, or None."""
    got, response_headers, body = request(path, headers)
    if got != status:
        where = response_headers.get("Location", "")
        return f"{path} answered {got} {where}, not {status}"
    if path.endswith("/ok/") and body != b"ok":
        return f"{path} answered {body[:40]!r}"
    return None


def measure(
    urls: list[tuple[str, str, int, dict]], problems: list[str], *, adjacent: bool
) -> list[Result]:
    """Measure each URL; with `adjacent`, measure the trivial view just before each, so that
    each ratio compares two runs under the same load (other work on the machine varies)."""
    results = []
    for label, path, status, headers in urls:
        problem = check(path, status, headers)  # also fills the cache for the warm runs
        if problem:
            problems.append(problem)
            log(f"FAILED: {problem}")
            continue
        ceiling = run_wrk(TRIVIAL, TRIVIAL_PATH, 200, {}) if adjacent else None
        result = run_wrk(label, path, status, headers)
        if ceiling is not None:
            result.ceiling = ceiling.requests_per_second
            results.append(ceiling)
        log(
            f"{label:<58} {result.requests_per_second:8.1f} req/s  "
            f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms"
            + (
                f"  ({100 * result.requests_per_second / result.ceiling:.0f}% of trivial)"
                if result.ceiling
                else ""
            )
        )
        for measured in (ceiling, result):
            if measured is not None and (measured.unexpected or measured.socket_errors):
                problems.append(
                    f"{measured.label}: {measured.unexpected} unexpected statuses, "
                    f"{measured.socket_errors} socket errors"
                )
        results.append(result)
    return results


def bench_urls(env: dict[str, str]) -> dict[str, str]:
    code = "import json; from bench.urls import bench_urls; print(json.dumps(bench_urls()))"
    return json.loads(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def cold_builds(env: dict[str, str], feeds: dict[str, str]) -> dict[str, dict]:
    timings = {}
    for label, path in feeds.items():
        log(f"timing the builds of {label} ({path})")
        result = subprocess.run(
            [PYTHON, str(BENCH / "cold_builds.py"), path],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        timings[label] = json.loads(result.stdout.strip().splitlines()[-1])
    return timings


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def table(results: list[Result], mean_ceiling: float, *, targets: bool = True) -> list[str]:
    lines = [
        "| URL | status | requests/s | p50 | p99 | trivial view just before | % of trivial "
        "| target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    trivial = [result for result in results if result.label == TRIVIAL]
    if trivial:
        middle = sorted(trivial, key=lambda result: result.requests_per_second)[len(trivial) // 2]
        lines.append(
            f"| {TRIVIAL} (`{TRIVIAL_PATH}`), {len(trivial)} runs | 200 "
            f"| {mean_ceiling:,.0f} (mean) | {middle.p50_ms:.1f} ms | {middle.p99_ms:.1f} ms "
            "| | 100% | |"
        )
    for result in results:
        if result.label == TRIVIAL:
            continue
        ceiling = result.ceiling or mean_ceiling
        share = 100 * result.requests_per_second / ceiling
        target = RATIO_TARGETS.get(result.label) if targets else None
        verdict = (
            ""
            if target is None
            else f"≥ {target}%: "
            + ("met" if share >= target else f"**missed by {target - share:.0f} points**")
        )
        before = f"{result.ceiling:,.0f}" if result.ceiling else f"(mean {mean_ceiling:,.0f})"
        lines.append(
            f"| {result.label} (`{result.url}`) | {result.status} "
            f"| {result.requests_per_second:,.0f} | {result.p50_ms:.1f} ms "
            f"| {result.p99_ms:.1f} ms | {before} | {share:.0f}% | {verdict} |"
        )
    return lines


def report(
    cached: list[Result],
    uncached: list[Result],
    timings: dict[str, dict],
    facts: dict[str, str],
    problems: list[str],
) -> str:
    trivial = [result.requests_per_second for result in cached if result.label == TRIVIAL]
    ceiling = sum(trivial) / len(trivial)
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); numbers vary with the machine and its load,",
        "the ratios to the trivial view much less.",
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        "",
        f"## Throughput: wrk, {SECONDS} s each, 2 threads, 20 connections",
        "",
        "With the shared cache, as in production. Each URL is compared with a run of the trivial",
        "view just before it (the machine's other work varies; the trivial view's runs ranged",
        f"from {min(trivial):,.0f} to {max(trivial):,.0f} requests/s, mean {ceiling:,.0f}).",
        "",
        *table(cached, ceiling),
        "",
        "With no cache at all (`CACHE_URL=dummycache://`): every request builds its page or feed",
        "from the database, the worst case after an edit. Compared with the mean above.",
        "",
        *table(uncached, ceiling, targets=False),
        "",
        "## Calendar builds (one request, median of 3)",
        "",
        "| feed | events | cold (nothing cached) | after an edit (unchanged events cached) "
        "| body cached | target |",
        "|---|---|---|---|---|---|",
    ]
    for label, timing in timings.items():
        target = COLD_TARGETS[label]
        met = timing["after an edit"] < target
        verdict = f"< {target} s from cold: " + (
            "met (after an edit)"
            if met
            else f"**missed by {timing['after an edit'] - target:.2f} s**"
        )
        if timing["cold"] >= target:
            verdict += f"; with nothing cached **{timing['cold'] - target:.2f} s over**"
        lines.append(
            f"| {label} (`{timing['url']}`) | {', '.join(map(str, timing['events']))} "
            f"| {timing['cold']:.3f} s | {timing['after an edit']:.3f} s "
            f"| {timing['cached'] * 1000:.1f} ms | {verdict} |"
        )
    errors = sum(result.unexpected + result.socket_errors for result in cached + uncached)
    lines += [
        "",
        f"Responses with another status than expected, or socket errors: {errors}.",
    ]
    if problems:
        lines += ["", "## Problems", "", *(f"- {problem}" for problem in problems)]
    return "\n".join(lines) + "\n"


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install wrk).")
    scratch = Path(tempfile.mkdtemp(prefix="seminar-bench-"))
    database, cache = choose_database(), choose_cache(scratch)
    env = site_env(database, cache, scratch)
    started = time.time()
    log(f"database {database}, cache {cache}")
    recreate_database(database)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    generation = time.perf_counter()
    log(manage(env, "generate_data", "--talks", TALKS).splitlines()[0])
    generation = time.perf_counter() - generation
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    urls = bench_urls(env)
    feeds = {"/calendar.ics": urls["calendar feed"], "5,000-event feed": urls["5,000-event feed"]}
    timings = cold_builds(env, feeds)
    if database.startswith("postgres"):
        log("writing the query plans to bench/explain.md")
        result = subprocess.run(
            [PYTHON, str(BENCH / "explain.py")],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        (BENCH / "explain.md").write_text(result.stdout)
    manage(env, "shell", "--no-imports", "-c", "from django.core.cache import cache; cache.clear()")

    feed = urls["calendar feed"]
    pages = [
        ("/", "/", 200, {}),
        ("talk page", urls["talk page"], 200, {}),
        ("/archive/", "/archive/", 200, {}),
        ("speaker page", urls["speaker page"], 200, {}),
        ("search", urls["search"], 200, {}),
    ]
    problems: list[str] = []
    log_file = scratch / "gunicorn.log"
    facts = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}",
        "load average before": load_average(),
        "stack": f"gunicorn, {WORKERS} sync workers, DEBUG off, WhiteNoise; Python "
        f"{platform.python_version()}",
        "database": "PostgreSQL" if database.startswith("postgres") else "SQLite",
        "cache": cache.split("://")[0],
        "data": f"{TALKS} generated talks (generate_data, {generation:.1f} s)",
    }
    log("serving with no cache")
    with served({**env, "CACHE_URL": "dummycache://"}, log_file):
        uncached = measure(
            [*pages, ("/calendar.ics, cold (built on every request)", feed, 200, {})],
            problems,
            adjacent=False,
        )
        # The floor for a body this size: the same bytes served as a static file.
        static_feed = Path(env["STATIC_ROOT"]) / "bench-calendar.ics"
        static_feed.write_bytes(request(feed)[2])
    log("serving with the shared cache")
    with served(env, log_file):
        etag = request(feed)[1]["ETag"]
        cached = measure(
            [
                *pages,
                ("/calendar.ics, warm", feed, 200, {}),
                ("/calendar.ics, 304", feed, 304, {"If-None-Match": etag}),
                (STATIC_FEED, "/static/bench-calendar.ics", 200, {}),
            ],
            problems,
            adjacent=True,
        )
    facts["load average after"] = load_average()
    facts["duration"] = f"{time.time() - started:.0f} s"
    text = report(cached, uncached, timings, facts, problems)
    (BENCH / "results.md").write_text(text)
    print()
    print(text)
    shutil.rmtree(scratch, ignore_errors=True)
    if problems:
        sys.exit(f"{len(problems)} problem(s): see above.")


if __name__ == "__main__":
    main()
