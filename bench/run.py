"""make bench: load-test the site as it runs, over large generated archives, on both setups.

For each setup, the default one (SQLite and the local-memory cache, what the README sets up)
and production's (PostgreSQL and Redis, when they answer on 127.0.0.1), and for each archive
size (5,000 and 50,000 talks):

1. Generate the talks (`generate_data`, timed) into a database of its own (the PostgreSQL
   database `seminars_bench`, or bench/bench.sqlite3; never the developer's).
2. Count the queries of every page and feed, built, from the cache and answered 304
   (bench/query_counts.py): they must be the same at both sizes.
3. At the first size: time the cold builds of the calendar feeds beside the peers, django-ical
   and icalendar alone, in the same process (bench/cold_builds.py), and the query plans
   (PostgreSQL, bench/explain.md).
4. Serve the site with gunicorn, DEBUG off, static files collected, on 127.0.0.1:8765, and
   measure each URL with wrk for 10 s at 2 threads and 20 connections, each right after a run
   of the trivial view (the warm feed right after the same bytes as a static file). Every
   response must have its URL's expected status (bench/status.lua counts the others). At the
   first size, again with no cache at all.
5. Print the tables and write them to bench/results.md, and each target's verdicts to
   docs/performance.md (between its markers).

Settings (environment): BENCH_SETUPS ("default,production"), BENCH_SIZES ("5000,50000"),
BENCH_PORT, BENCH_WORKERS, BENCH_SECONDS, BENCH_POSTGRES_URL, BENCH_REDIS_URL. Exits non-zero
if any URL answers another status than expected.
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
from dataclasses import dataclass, field
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
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "5000,50000").split(",")]
SETUPS = os.environ.get("BENCH_SETUPS", "default,production").split(",")
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/seminars_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
TRIVIAL = "trivial view (the stack's ceiling)"
TRIVIAL_PATH = "/__bench__/ok/"
STATIC_FEED = "the same feed bytes as a static file (WhiteNoise, sendfile)"
# The targets: throughput as a share of the run just before (the trivial view's, or for the
# warm feed the same bytes served as a static file).
RATIO_TARGETS = {
    "/": 50,
    "talk page": 50,
    "/archive/": 50,
    "speaker page": 50,
    "/, 304": 80,
    "/calendar.ics, warm": 90,
    "/calendar.ics, 304": 80,
}
COLD_TARGET = 1.0  # seconds, the 5,000-event feed from nothing
EDIT_TARGET = 0.5  # seconds, the 5,000-event feed rebuilt after one edit
PEER_FACTOR = 2.0  # at least this many times faster than django-ical, cold
GENERATE_TARGET = 60.0  # seconds for generate_data at the largest size


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
    ceiling: float | None = None  # requests/s of the run just before (trivial view, static file)
    ceiling_label: str = ""


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def answers(command: list[str]) -> bool:
    return (
        shutil.which(command[0]) is not None
        and subprocess.run(command, capture_output=True, check=False).returncode == 0
    )


def setups(scratch: Path) -> list[tuple[str, str, str]]:
    """Return the setups to measure: (name, DATABASE_URL, CACHE_URL)."""
    found = []
    if "default" in SETUPS:
        found.append(
            (
                "default: SQLite, local memory",
                f"sqlite:///{BENCH / 'bench.sqlite3'}",
                "locmemcache://",
            )
        )
    if "production" in SETUPS:
        if answers(["pg_isready", "-q", "-h", HOST, "-p", "5432"]) and answers(
            ["redis-cli", "-h", HOST, "-p", "6379", "ping"]
        ):
            found.append(("production: PostgreSQL, Redis", POSTGRES_URL, REDIS_URL))
        else:
            log("PostgreSQL or Redis does not answer on 127.0.0.1: production setup skipped")
    return found


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


def run_wrk(
    label: str, path: str, status: int, headers: dict[str, str], seconds: int = SECONDS
) -> Result:
    command = ["wrk", "-t2", "-c20", f"-d{seconds}s", "--timeout", "30s", "--latency"]
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


STATIC_PATH = "/static/bench-calendar.ics"


def measure(
    urls: list[tuple[str, str, int, dict]], problems: list[str], *, adjacent: bool
) -> list[Result]:
    """Measure each URL; with `adjacent`, measure the trivial view just before each (for the
    warm feed, the same bytes as a static file), so that each ratio compares two runs under
    the same load (other work on the machine varies)."""
    results = []
    for label, path, status, headers in urls:
        problem = check(path, status, headers)  # also fills the cache for the warm runs
        if problem:
            problems.append(problem)
            log(f"FAILED: {problem}")
            continue
        ceiling = None
        if adjacent:
            # One check fills one worker's copies; a short run fills every worker's, so that
            # no measured run includes another worker's first build (seconds at 50,000 talks).
            run_wrk(label, path, status, headers, seconds=1)
            static = label == "/calendar.ics, warm"
            ceiling = (
                run_wrk(STATIC_FEED, STATIC_PATH, 200, {})
                if static
                else run_wrk(TRIVIAL, TRIVIAL_PATH, 200, {})
            )
        result = run_wrk(label, path, status, headers)
        if ceiling is not None:
            result.ceiling = ceiling.requests_per_second
            result.ceiling_label = ceiling.label
            results.append(ceiling)
        log(
            f"{label:<40} {result.requests_per_second:8.1f} req/s  "
            f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms"
            + (
                f"  ({100 * result.requests_per_second / result.ceiling:.0f}% of "
                f"{'static' if result.ceiling_label == STATIC_FEED else 'trivial'})"
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


def run_json(env: dict[str, str], script: str, *args: str) -> dict:
    result = subprocess.run(
        [PYTHON, str(BENCH / script), *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"{script} failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def verdict(target: float | None, share: float) -> str:
    if target is None:
        return ""
    return f"≥ {target:.0f}%: " + (
        "met" if share >= target else f"**missed by {target - share:.0f} points**"
    )


def throughput_table(
    results: list[Result], *, targets: bool = True, base: float | None = None
) -> list[str]:
    """Return the table of `results`; those measured without a run just before are compared
    with `base` (the mean of the trivial view's runs with the cache)."""
    lines = [
        "| URL | status | requests/s | p50 | p99 | compared with (run just before) | % | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    trivial = [r.requests_per_second for r in results if r.label == TRIVIAL]
    mean = sum(trivial) / len(trivial) if trivial else base
    if trivial:
        lines.append(
            f"| {TRIVIAL} (`{TRIVIAL_PATH}`), {len(trivial)} runs | 200 | {mean:,.0f} (mean; "
            f"{min(trivial):,.0f}–{max(trivial):,.0f}) | | | | 100% | |"
        )
    for result in results:
        if result.label == TRIVIAL:
            continue
        if result.label == STATIC_FEED:
            lines.append(
                f"| {STATIC_FEED} (`{result.url}`) | 200 | {result.requests_per_second:,.0f} "
                f"| {result.p50_ms:.1f} ms | {result.p99_ms:.1f} ms | | 100% | |"
            )
            continue
        ceiling = result.ceiling or mean
        if not ceiling:
            continue
        share = 100 * result.requests_per_second / ceiling
        against = "static file" if result.ceiling_label == STATIC_FEED else "trivial view"
        before = f"{against}: {ceiling:,.0f}" if result.ceiling else f"trivial (mean {mean:,.0f})"
        lines.append(
            f"| {result.label} (`{result.url}`) | {result.status} "
            f"| {result.requests_per_second:,.0f} | {result.p50_ms:.1f} ms "
            f"| {result.p99_ms:.1f} ms | {before} | {share:.0f}% "
            f"| {verdict(RATIO_TARGETS.get(result.label) if targets else None, share)} |"
        )
    return lines


def trivial_mean(results: list[Result]) -> float | None:
    trivial = [r.requests_per_second for r in results if r.label == TRIVIAL]
    return sum(trivial) / len(trivial) if trivial else None


def shares(results: list[Result]) -> dict[str, float]:
    return {
        r.label: 100 * r.requests_per_second / r.ceiling
        for r in results
        if r.ceiling and r.label not in (TRIVIAL, STATIC_FEED)
    }


@dataclass
class SizeRun:
    talks: int
    generation: float
    counts: dict
    cached: list[Result]
    uncached: list[Result] = field(default_factory=list)
    builds: dict = field(default_factory=dict)


def builds_table(builds: dict) -> list[str]:
    lines = [
        "| feed | events | ours, cold (nothing cached) | django-ical, cold | icalendar alone, "
        "cold | ours vs django-ical | after an edit | body cached | targets |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, timing in builds.items():
        peers = timing.get("peers", {})
        django_ical = peers.get("django-ical", {}).get("cold")
        alone = peers.get("icalendar alone", {}).get("cold")
        factor = django_ical / timing["cold"] if django_ical else None
        checks = []
        if label == "5,000-event feed":
            checks = [
                f"cold < {COLD_TARGET} s: "
                + (
                    "met"
                    if timing["cold"] < COLD_TARGET
                    else f"**{timing['cold'] - COLD_TARGET:.2f} s over**"
                ),
                f"≥ {PEER_FACTOR:.0f}× django-ical: "
                + ("met" if factor and factor >= PEER_FACTOR else "**missed**"),
                f"after an edit < {EDIT_TARGET} s: "
                + (
                    "met"
                    if timing["after an edit"] < EDIT_TARGET
                    else f"**{timing['after an edit'] - EDIT_TARGET:.2f} s over**"
                ),
            ]
        lines.append(
            f"| {label} (`{timing['url']}`) | {', '.join(map(str, timing['events']))} "
            f"| {timing['cold']:.3f} s | "
            + (f"{django_ical:.3f} s" if django_ical else "")
            + " | "
            + (f"{alone:.3f} s" if alone else "")
            + " | "
            + (f"{factor:.1f}× faster" if factor else "")
            + f" | {timing['after an edit']:.3f} s | {timing['cached'] * 1000:.1f} ms "
            f"| {'; '.join(checks)} |"
        )
    return lines


def setup_report(name: str, runs: list[SizeRun], facts: dict[str, str]) -> list[str]:
    first, last = runs[0], runs[-1]
    lines = [f"## {name}", "", *(f"- {key}: {value}" for key, value in facts.items()), ""]
    for run in runs:
        lines += [
            f"### {run.talks:,} talks: wrk, {SECONDS} s each, 2 threads, 20 connections",
            "",
            f"`generate_data --talks {run.talks}`: {run.generation:.1f} s"
            + (
                f" (target < {GENERATE_TARGET:.0f} s: "
                + ("met" if run.generation < GENERATE_TARGET else "**missed**")
                + ")"
                if run is last
                else ""
            )
            + ".",
            "",
            *throughput_table(run.cached),
            "",
        ]
        if run.uncached:
            lines += [
                "With no cache at all (`CACHE_URL=dummycache://`): every request builds its page "
                "or feed from the database, the worst case after an edit.",
                "",
                *throughput_table(run.uncached, targets=False, base=trivial_mean(run.cached)),
                "",
            ]
    if len(runs) > 1:
        before, after = shares(first.cached), shares(last.cached)
        lines += [
            f"### Flat from {first.talks:,} to {last.talks:,} talks",
            "",
            f"| URL | % at {first.talks:,} | % at {last.talks:,} | queries (built / cached / 304) "
            f"at {first.talks:,} | at {last.talks:,} | same |",
            "|---|---|---|---|---|---|",
        ]
        for label in before:
            lines.append(f"| {label} | {before[label]:.0f}% | {after.get(label, 0):.0f}% | | | |")
        for label, count in first.counts.items():
            other = last.counts.get(label, {})
            numbers = [count.get(key) for key in ("built", "cached", "304")]
            others = [other.get(key) for key in ("built", "cached", "304")]
            lines.append(
                f"| {label} (queries) | | | {' / '.join(map(str, numbers))} "
                f"| {' / '.join(map(str, others))} | {'yes' if numbers == others else '**no**'} |"
            )
        lines.append("")
    if first.builds:
        lines += [
            f"### Calendar builds at {first.talks:,} talks (one request, median of 3 interleaved "
            "rounds, fresh process)",
            "",
            *builds_table(first.builds),
            "",
        ]
    return lines


def summary(name: str, runs: list[SizeRun]) -> list[str]:
    """Return one setup's targets and verdicts, one column per archive size, for
    docs/performance.md."""
    sizes = [f"{run.talks:,} talks" for run in runs]
    lines = [
        f"**{name}**",
        "",
        f"| target | {' | '.join(sizes)} |",
        "|---|" + "---|" * len(runs),
    ]
    for label, target in RATIO_TARGETS.items():
        cells = []
        for run in runs:
            share = shares(run.cached).get(label)
            cells.append("" if share is None else f"{share:.0f}% ({verdict(target, share)})")
        ceiling = "static file" if label == "/calendar.ics, warm" else "trivial view"
        lines.append(f"| {label}: ≥ {target}% of the {ceiling} | {' | '.join(cells)} |")
    builds = runs[0].builds.get("5,000-event feed")
    if builds:
        django_ical = builds.get("peers", {}).get("django-ical", {}).get("cold")
        factor = (
            f", {django_ical / builds['cold']:.1f}× faster than django-ical" if django_ical else ""
        )
        cold, edit = builds["cold"], builds["after an edit"]
        rest = " |" * (len(runs) - 1)
        lines += [
            f"| 5,000-event feed from an empty cache: < {COLD_TARGET} s, ≥ {PEER_FACTOR:.0f}× "
            f"django-ical | {cold:.3f} s{factor} ("
            + (
                "met"
                if cold < COLD_TARGET and (not django_ical or django_ical / cold >= PEER_FACTOR)
                else "**missed**"
            )
            + f") |{rest}",
            f"| the same feed after one edit: < {EDIT_TARGET} s | {edit:.3f} s ("
            + ("met" if edit < EDIT_TARGET else f"**{edit - EDIT_TARGET:.2f} s over**")
            + f") |{rest}",
        ]
    lines.append(
        "| `generate_data`: < 60 s at the largest size | "
        + " | ".join(
            f"{run.generation:.1f} s"
            + (
                f" ({'met' if run.generation < GENERATE_TARGET else '**missed**'})"
                if run is runs[-1]
                else ""
            )
            for run in runs
        )
        + " |"
    )
    if len(runs) > 1:
        same = all(
            [run.counts.get(label, {}).get(key) for run in runs] == [count.get(key)] * len(runs)
            for label, count in runs[0].counts.items()
            for key in ("built", "cached", "304")
        )
        lines.append(
            "| query counts the same at every size | "
            + " | ".join("" for _ in runs[:-1])
            + (" | " if len(runs) > 1 else "")
            + ("yes" if same else "**no**")
            + " |"
        )
    return [*lines, ""]


DOCS = PROJECT / "docs" / "performance.md"
DOCS_BEGIN = "<!-- make bench writes from here -->"
DOCS_END = "<!-- to here -->"


def write_docs(date: str, lines: list[str]) -> None:
    """Replace the measured tables in docs/performance.md with this run's."""
    text = DOCS.read_text()
    if DOCS_BEGIN not in text or DOCS_END not in text:
        log(f"docs/performance.md has no {DOCS_BEGIN!r} ... {DOCS_END!r}: not updated")
        return
    head, rest = text.split(DOCS_BEGIN, 1)
    tail = rest.split(DOCS_END, 1)[1]
    body = [
        "",
        f"From the last `make bench` ({date}, {os.cpu_count()} CPUs; the details, with the "
        "peers and every URL, are in [`bench/results.md`](../bench/results.md)):",
        "",
        *lines,
    ]
    DOCS.write_text(head + DOCS_BEGIN + "\n".join(body) + DOCS_END + tail)


def run_setup(
    name: str, database: str, cache: str, scratch: Path, problems: list[str]
) -> tuple[list[SizeRun], dict[str, str]]:
    env = site_env(database, cache, scratch)
    log_file = scratch / "gunicorn.log"
    facts = {
        "database": database.split("://")[0],
        "cache": cache.split("://")[0],
        "load average before": load_average(),
    }
    started = time.time()
    runs = []
    for index, talks in enumerate(SIZES):
        log(f"{name}: {talks} talks ({database}, {cache})")
        recreate_database(database)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        generation = time.perf_counter()
        log(manage(env, "generate_data", "--talks", str(talks)).splitlines()[0])
        generation = time.perf_counter() - generation
        urls = bench_urls(env)
        counts = run_json(env, "query_counts.py")
        run = SizeRun(talks=talks, generation=generation, counts=counts, cached=[])
        feed = urls["calendar feed"]
        if index == 0:
            feeds = {"/calendar.ics": feed, "5,000-event feed": urls["5,000-event feed"]}
            for label, path in feeds.items():
                log(f"timing the builds of {label} ({path}) beside the peers")
                run.builds[label] = run_json(env, "cold_builds.py", path, "--peers")
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
        pages = [
            ("/", "/", 200, {}),
            ("talk page", urls["talk page"], 200, {}),
            ("/archive/", "/archive/", 200, {}),
            ("speaker page", urls["speaker page"], 200, {}),
            ("search", urls["search"], 200, {}),
        ]
        if index == 0:
            log("serving with no cache")
            with served({**env, "CACHE_URL": "dummycache://"}, log_file):
                run.uncached = measure(
                    [*pages, ("/calendar.ics, cold (built on every request)", feed, 200, {})],
                    problems,
                    adjacent=False,
                )
        # The ceiling for a body this size: the same bytes as a static file, written before
        # the server that measures starts (WhiteNoise indexes the files when it starts).
        with served(env, log_file):
            static_feed = Path(env["STATIC_ROOT"]) / STATIC_PATH.removeprefix("/static/")
            static_feed.write_bytes(request(feed)[2])
        log("serving with the cache")
        with served(env, log_file):
            etag = request(feed)[1]["ETag"]
            page_etag = request("/")[1]["ETag"]
            run.cached = measure(
                [
                    *pages,
                    ("/, 304", "/", 304, {"If-None-Match": page_etag}),
                    ("/calendar.ics, warm", feed, 200, {}),
                    ("/calendar.ics, 304", feed, 304, {"If-None-Match": etag}),
                ],
                problems,
                adjacent=True,
            )
        runs.append(run)
    facts["load average after"] = load_average()
    facts["duration"] = f"{time.time() - started:.0f} s"
    return runs, facts


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install wrk).")
    scratch = Path(tempfile.mkdtemp(prefix="seminar-bench-"))
    problems: list[str] = []
    started = time.time()
    sections: list[str] = []
    summaries: list[str] = []
    for name, database, cache in setups(scratch):
        env = site_env(database, cache, scratch)
        recreate_database(database)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        runs, facts = run_setup(name, database, cache, scratch, problems)
        sections += setup_report(name, runs, facts)
        summaries += summary(name, runs)
    errors = len(problems)
    date = f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}"
    text = (
        "\n".join(
            [
                "# Benchmark results",
                "",
                "Written by `make bench` (bench/run.py); numbers vary with the machine and its",
                "load, the ratios to the run just before each URL much less.",
                "",
                f"- date: {date}",
                f"- machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}",
                f"- stack: gunicorn, {WORKERS} sync workers, DEBUG off, WhiteNoise; Python "
                f"{platform.python_version()}",
                f"- duration: {time.time() - started:.0f} s",
                "",
                *sections,
                f"Responses with another status than expected, or socket errors: {errors}.",
                *(
                    ["", "## Problems", "", *(f"- {problem}" for problem in problems)]
                    if problems
                    else []
                ),
            ]
        )
        + "\n"
    )
    (BENCH / "results.md").write_text(text)
    write_docs(date, summaries)
    print()
    print(text)
    shutil.rmtree(scratch, ignore_errors=True)
    if problems:
        sys.exit(f"{len(problems)} problem(s): see above.")


if __name__ == "__main__":
    main()
