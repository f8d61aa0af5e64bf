#!/usr/bin/env python3
"""Load test: simulated learners against gunicorn + the real app, on SQLite and PostgreSQL.

Run from the repository root (needs only requirements-dev.txt; `make bench` runs the default):

    .venv/bin/python bench/learner.py                                  # 1,000 learners, think 2 s
    .venv/bin/python bench/learner.py --learners 3000 --think 1        # may queue, must not error
    .venv/bin/python bench/learner.py --learners 50 --duration 15 --sqlite-only   # quick debug run
    .venv/bin/python bench/learner.py --help

For each database in turn (SQLite in a file under a temp dir, then PostgreSQL in a fresh
database `vbe_bench_learner_<pid>` on 127.0.0.1:5432, user postgres, dropped again at the end;
PostgreSQL is skipped with a note when unreachable, or with --sqlite-only; --postgres-only
skips SQLite):

1. prepare: `flask db upgrade`, `flask courses sync`, then N learner accounts inserted in one
   bulk INSERT (SQLAlchemy core, inside create_app()'s app context) sharing one argon2 hash;
2. start `gunicorn app:app` from the repository root: 4 workers, 127.0.0.1 on a free port,
   the database's env (DATABASE_URL, SECRET_KEY, VBE_ENV=development: plain-http cookies);
3. simulated learners (bench/lean_http.py on uvloop: one LeanBrowser per learner, its own
   cookies, one connection per request; --client aiohttp for aiohttp on asyncio's loop, as
   measured before 2026-11-24): logins are ramped over --ramp seconds (argon2id costs ~20 ms of
   CPU each), then every learner loops: GET page, think, POST "Nästa", think, ... and after a
   module's last page: think, start the check (POST), GET the attempt, think, submit random
   (or --answers first) options parsed from the form, think, next module (after the last
   module: module 1 again). Think time is --think ±50 % (uniform). Every learner request is
   thus followed by a think, so the offered load is about learners / think requests per second
   (1,000 / 2 s = 500 req/s). --follow-redirects instead behaves like a browser: each POST's
   redirect is fetched at once and only then the learner thinks (about twice the load).
   The run stops by itself --duration seconds after the ramp; requests time out after
   --timeout seconds; every loop is bounded.
4. per request type: latency of every request (client side, loopback), errors (HTTP >= 400,
   unexpected redirects such as back to the login page, exceptions, timeouts), req/s and
   p50/p95/p99, for the ramp phase and for the steady phase (after the ramp); also the
   server-side time of the same requests (gunicorn access log %(D)s: excludes the wait in the
   listen queue), the CPU used by gunicorn, PostgreSQL and this client, and the event-loop lag
   of this client (when it is high, client-side latencies are inflated by the client itself);
5. the ceiling, with the same gunicorn settings (the access log included): bench/hello_app.py
   (hello world) and a module page of the real app (logged-in learners who have started the
   course), each driven by a closed loop of --ceiling-clients clients (the same client)
   without think time, in
   --ceiling-rounds alternating rounds (hello, page, hello, page, ...; --ceiling-seconds in
   all per app) so that both see the same background load → hello-world req/s, module
   page req/s, the ratio (median of the per-round ratios; for information) and gunicorn CPU
   ms per request;
6. a summary table per database on stdout, and JSON in bench/results/learner-<db>.json (the
   latest run of this checkout) plus a copy named after the scenario, e.g.
   learner-sqlite-1000x2s.json (bench/results/ is git-ignored).

Targets (4 sync workers, both databases): a realistic peak of 5,000 learners at think 30 s
(about 170 req/s) and a stress run of 1,000 learners at think 2 s (about 500 req/s), each
with p95 < 100 ms and no errors; the module page / hello world ratio is printed for
information; 3,000 learners at think 1 s may queue but
must not error. The exit status is 1 when any request failed.

Reading the output: "ramp" covers the logins (until every login has finished, at most
--settle s after the planned ramp), "warm-up" the --warmup s after them (argon2id makes the
logins the heaviest requests by far: at 25 logins/s they keep a core busy and build a queue
that takes about 30 s to drain; a morning's real logins are spread over far more time),
"steady state" the --duration after the warm-up (the p95 target is judged there).
"srv p50/p95" is the time gunicorn spent in the app; when the client-side figures are far
above it, requests waited in the listen queue, i.e. the server was saturated. "in the app"
near 100 % means every worker was busy in the app (on the CPU or waiting for the
database). The timeline (p95 per 5 s) shows stalls and queues draining.

A shared machine: other processes (test suites, browsers) burning CPU distort the figures.
Before each measurement the script waits up to --wait-quiet seconds for other processes to
use < 0.3 cores, and it reports (and warns about) the cores other processes used during the
steady phase ("other processes" in the CPU line).

Worker class: 4 sync workers (the default, --worker-class sync; --workers to vary). Measured
against `--worker-class gthread --threads 2` on this 2-core machine (SQLite, 1,000 learners,
think 2 s, quiet machine): sync 236 req/s with p95 4.8 s, gthread 181 req/s with p95 10.9 s;
gthread's POST "Nästa" server-side p95 was 240 ms against 64 ms (two threads per process
contend for the GIL and for SQLite's write lock), and its module-page ceiling was lower too
(359 vs 386 req/s). Only hello world gained from gthread (keep-alive: 4,058 vs 2,729 req/s),
which is not the app's workload. Sync workers pay a new loopback TCP connection per request
(gunicorn closes after every response), which is cheap here.

--app-root measures the app of another checkout (e.g. a copy with a proposed change) with
this same script; its results get an "-app-<folder>" suffix.

The load generator shares the 2 cores with the server: it stays lean (no HTML parsing, only
regexes for the csrf_token and the q<id> inputs) and so does its HTTP client: measured
against the hello-world app, bench/lean_http.py on uvloop costs 0.15 ms of client CPU per
request where aiohttp on asyncio costs 0.57 ms. The lean client raises the hello-world
ceiling more than the module page's (its share of a hello-world request is larger), so
the ratio is stricter with it; run both clients to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import random
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import aiohttp
import uvloop
from benchdb import add_database_choice, postgres_available, postgres_database
from lean_http import LeanBrowser
from yarl import URL

ROOT = Path(__file__).resolve().parent.parent
APP_ROOT = ROOT  # the checkout whose app is measured (--app-root)
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
COURSE = "grundutbildning"
PASSWORD = "bench-losenord-2026"
SECRET_KEY = "bench-secret-key-not-for-production"
# One database per run: two runs at once (e.g. by two people) must not drop each other's.
PG_DB = f"vbe_bench_learner_{os.getpid()}"
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
WORKERS = 4
CLIENT_KEEPALIVE = 1.0  # below gunicorn's default --keep-alive 2 s: no reuse of a closing socket
MAX_STEPS = 100_000  # per learner: a hard bound on the study loop

TYPES = {
    "login_form": "login form GET",
    "login": "login POST",
    "page_get": "page GET",
    "page_next": "page POST Nästa",
    "check_page": "check page GET",
    "check_start": "check start POST",
    "attempt_get": "attempt GET",
    "attempt_submit": "attempt submit",
}

CSRF_RE = re.compile(rb'name="csrf_token"[^>]*?value="([^"]+)"')
# An answer option's input, whatever the order of its attributes (the template puts its
# Designsystemet class first).
INPUT_RE = re.compile(rb'<input[^>]*? type="(?:radio|checkbox)" name="(q\d+)"[^>]*? value="(\d+)"')
PAGE_LOC_RE = re.compile(rf"^/kurs/{COURSE}/(\d+)/(\d+)$")
CHECK_LOC_RE = re.compile(rf"^/kurs/{COURSE}/(\d+)/kunskapskontroll$")
ATTEMPT_LOC_RE = re.compile(r"^/kunskapskontroll/(\d+)$")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def email(number: int) -> str:
    return f"learner{number:05d}@bench.stockholm.se"


# ---------------------------------------------------------------------------------------------
# Recording


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    index = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[index]


def latency_row(latencies: list[float], errors: int, seconds: float) -> dict:
    values = sorted(latencies)
    count = len(values) + errors
    ms = 1000.0
    return {
        "requests": count,
        "ok": len(values),
        "errors": errors,
        "rps": round(count / seconds, 1) if seconds > 0 else None,
        "p50_ms": round(percentile(values, 50) * ms, 1) if values else None,
        "p95_ms": round(percentile(values, 95) * ms, 1) if values else None,
        "p99_ms": round(percentile(values, 99) * ms, 1) if values else None,
        "max_ms": round(values[-1] * ms, 1) if values else None,
        "mean_ms": round(sum(values) / len(values) * ms, 1) if values else None,
    }


class Stats:
    """Every request's start time and latency, and every error, per request type."""

    def __init__(self) -> None:
        self.samples: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self.errors: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self.examples: list[str] = []

    def ok(self, kind: str, start: float, latency: float) -> None:
        self.samples[kind].append((start, latency))

    def error(self, kind: str, start: float, reason: str, detail: str = "") -> None:
        self.errors[kind].append((start, reason))
        if len(self.examples) < 20:
            self.examples.append(f"{kind}: {reason} {detail}".strip())

    def table(self, start: float, end: float) -> dict:
        """{type: row} for requests started in [start, end), plus "overall"."""
        seconds = end - start
        rows, everything, all_errors = {}, [], 0
        kinds = list(TYPES) + sorted((set(self.samples) | set(self.errors)) - set(TYPES))
        for kind in kinds:
            latencies = [lat for t, lat in self.samples.get(kind, ()) if start <= t < end]
            errors = sum(1 for t, _ in self.errors.get(kind, ()) if start <= t < end)
            if latencies or errors:
                rows[kind] = latency_row(latencies, errors, seconds)
                everything += latencies
                all_errors += errors
        rows["overall"] = latency_row(everything, all_errors, seconds)
        return rows

    def timeline(self, start: float, end: float, bucket: float = 5.0) -> list[dict]:
        """Per `bucket` seconds (by request start): requests, errors, p50 and p95 in ms."""
        slots = max(1, math.ceil((end - start) / bucket))
        latencies: list[list[float]] = [[] for _ in range(slots)]
        errors = [0] * slots
        for items in self.samples.values():
            for t, lat in items:
                if start <= t < end:
                    latencies[int((t - start) / bucket)].append(lat)
        for items in self.errors.values():
            for t, _ in items:
                if start <= t < end:
                    errors[int((t - start) / bucket)] += 1
        rows = []
        for number, values in enumerate(latencies):
            values.sort()
            rows.append(
                {
                    "from_s": round(number * bucket, 1),
                    "requests": len(values) + errors[number],
                    "errors": errors[number],
                    "p50_ms": round(percentile(values, 50) * 1000, 1) if values else None,
                    "p95_ms": round(percentile(values, 95) * 1000, 1) if values else None,
                }
            )
        return rows

    def error_counts(self) -> dict[str, dict[str, int]]:
        return {
            kind: dict(Counter(reason for _, reason in items))
            for kind, items in self.errors.items()
            if items
        }


class Result:
    __slots__ = ("status", "body", "location")

    def __init__(self, status: int, body: bytes, location: str) -> None:
        self.status, self.body, self.location = status, body, location


Browser = LeanBrowser | aiohttp.ClientSession  # --client


def location_path(location: str) -> str:
    return URL(location).path if location.startswith(("http://", "https://")) else location


async def request(
    stats: Stats,
    session: Browser,
    kind: str,
    method: str,
    url: str,
    data=None,
    expect: tuple[int, ...] = (200,),
) -> Result | None:
    """One request, timed and recorded; None (and an error recorded) when it failed."""
    start = time.perf_counter()
    try:
        if isinstance(session, LeanBrowser):
            response = await session.fetch(method, url, data)
            status, body, location = response.status, response.body, response.location
        else:
            async with session.request(method, url, data=data, allow_redirects=False) as response:
                body = await response.read()
                status = response.status
                location = response.headers.get("Location", "")
        location = location_path(location)
    except TimeoutError:
        stats.error(kind, start, "timeout", url)
        return None
    except (aiohttp.ClientError, OSError) as exc:
        stats.error(kind, start, type(exc).__name__, f"{url}: {exc}")
        return None
    latency = time.perf_counter() - start
    if status not in expect:
        where = f" -> {location.split('?')[0]}" if 300 <= status < 400 else ""
        stats.error(kind, start, f"HTTP {status}{where}", url)
        return None
    stats.ok(kind, start, latency)
    return Result(status, body, location)


def new_session(base_url: str, timeout: float) -> aiohttp.ClientSession:
    """A browser: its own cookies (unsafe=True: cookies for an IP address) and one connection."""
    connector = aiohttp.TCPConnector(limit=1, keepalive_timeout=CLIENT_KEEPALIVE)
    return aiohttp.ClientSession(
        base_url=base_url,
        connector=connector,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


def new_browser(args, base_url: str):
    """A simulated browser with the client chosen by --client (lean by default)."""
    if getattr(args, "client", "lean") == "aiohttp":
        return new_session(base_url, args.timeout)
    return LeanBrowser(base_url, args.timeout)


def csrf_token(body: bytes) -> str | None:
    match = CSRF_RE.search(body)
    return match.group(1).decode() if match else None


# ---------------------------------------------------------------------------------------------
# The simulated learners


class LearnerRun:
    """Learners logging in over the ramp and studying until the deadline."""

    def __init__(self, args, base_url: str, outline: list[tuple[int, list[int]]]) -> None:
        self.args = args
        self.base_url = base_url
        self.outline = outline
        self.stats = Stats()
        self.stop = asyncio.Event()
        self.logged_in = 0
        self.logins_finished = 0  # logged in or given up
        self.checks_submitted = 0
        self.client_bugs: list[str] = []

    def think_time(self) -> float:
        return self.args.think * random.uniform(0.5, 1.5)

    async def pause(self, seconds: float) -> bool:
        """Sleep; False (at once) when the run is stopping."""
        if self.stop.is_set():
            return False
        if seconds <= 0:
            return True
        try:
            await asyncio.wait_for(self.stop.wait(), seconds)
        except TimeoutError:
            return True
        return False

    async def think(self) -> bool:
        return await self.pause(self.think_time())

    async def learner(self, number: int, start_at: float) -> None:
        try:
            if not await self.pause(start_at - time.perf_counter()):
                return
            async with new_browser(self.args, self.base_url) as session:
                logged_in = await self.login(session, email(number))
                self.logins_finished += 1
                if logged_in:
                    self.logged_in += 1
                    await self.study(session)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in this script: count it, never hide it
            self.client_bugs.append(traceback.format_exc())

    async def login(self, session: Browser, address: str) -> bool:
        stats = self.stats
        for _ in range(3):
            form = await request(stats, session, "login_form", "GET", "/logga-in")
            token = csrf_token(form.body) if form else None
            if form and token is None:
                stats.error("login_form", time.perf_counter(), "no csrf_token in the form")
            if token:
                data = {"csrf_token": token, "email": address, "password": PASSWORD}
                done = await request(stats, session, "login", "POST", "/logga-in", data, (302,))
                if done and not done.location.startswith("/logga-in"):
                    return True
            if not await self.think():
                return False
        return False

    async def study(self, session: Browser) -> None:
        """Pages, "Nästa", checks, module after module, until the run stops."""
        stats, follow = self.stats, self.args.follow_redirects
        positions = [position for position, _ in self.outline]
        module_index = 0
        path = f"/kurs/{COURSE}/{positions[0]}/{self.outline[0][1][0]}"
        token = None  # the login starts a new session: take the token from the first page
        for _ in range(MAX_STEPS):
            if self.stop.is_set():
                return
            page = await request(stats, session, "page_get", "GET", path)
            if page is None:
                if not await self.think():
                    return
                continue
            token = token or csrf_token(page.body)
            if not await self.think():
                return
            pressed = await request(
                stats, session, "page_next", "POST", path + "/last", {"csrf_token": token}, (302,)
            )
            if pressed is None:
                if not await self.think():
                    return
                continue
            if PAGE_LOC_RE.match(pressed.location):
                path = pressed.location
                if not follow and not await self.think():
                    return
                continue
            check = CHECK_LOC_RE.match(pressed.location)
            if not check:
                stats.error(
                    "page_next", time.perf_counter(), "unexpected redirect", pressed.location
                )
                if not await self.think():
                    return
                continue
            if follow:
                await request(stats, session, "check_page", "GET", pressed.location)
            if not await self.think():
                return
            module_index = positions.index(int(check.group(1)))
            if not await self.take_check(session, token, positions[module_index]):
                return
            module_index = (module_index + 1) % len(positions)
            path = f"/kurs/{COURSE}/{positions[module_index]}/{self.outline[module_index][1][0]}"

    async def take_check(self, session: Browser, token: str, module: int) -> bool:
        """Start, read, answer and submit one knowledge check; False when the run stops."""
        stats, follow = self.stats, self.args.follow_redirects
        check_path = f"/kurs/{COURSE}/{module}/kunskapskontroll"
        started = await request(
            stats, session, "check_start", "POST", check_path, {"csrf_token": token}, (302,)
        )
        if started is None:
            return await self.think()
        if not ATTEMPT_LOC_RE.match(started.location):
            # Refused (e.g. already passed): the learner is sent back to the check page.
            if started.location != check_path:
                stats.error(
                    "check_start", time.perf_counter(), "unexpected redirect", started.location
                )
            elif follow:
                await request(stats, session, "check_page", "GET", check_path)
            return await self.think()
        attempt_path = started.location
        form = await request(stats, session, "attempt_get", "GET", attempt_path)
        if form is None:
            return await self.think()
        options: dict[str, list[str]] = defaultdict(list)
        for name, value in INPUT_RE.findall(form.body):
            options[name.decode()].append(value.decode())
        if not options:
            stats.error("attempt_get", time.perf_counter(), "no questions in the form")
            return await self.think()
        pick = (lambda values: values[0]) if self.args.answers == "first" else random.choice
        data = [("csrf_token", token)] + [(name, pick(values)) for name, values in options.items()]
        if not await self.think():
            return False
        submitted = await request(
            stats, session, "attempt_submit", "POST", attempt_path, data, (302,)
        )
        if submitted is not None:
            self.checks_submitted += 1
            if submitted.location != attempt_path:
                stats.error(
                    "attempt_submit", time.perf_counter(), "unexpected redirect", submitted.location
                )
            elif follow:
                await request(stats, session, "attempt_get", "GET", attempt_path)
        return await self.think()


async def lag_monitor(stop: asyncio.Event, samples: list[tuple[float, float]]) -> None:
    """The client's event-loop lag: how late a 50 ms sleep wakes up."""
    interval = 0.05
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(interval)
        samples.append((before, time.perf_counter() - before - interval))


def lag_summary(samples: list[tuple[float, float]], start: float, end: float) -> dict:
    values = sorted(lag for t, lag in samples if start <= t < end)
    if not values:
        return {}
    return {
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "p99_ms": round(percentile(values, 99) * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1),
    }


# ---------------------------------------------------------------------------------------------
# CPU accounting from /proc (Linux)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> dict[int, tuple[str, int, float]]:
    """{pid: (comm, ppid, cpu seconds)} of every readable process."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                text = handle.read()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        found[int(entry)] = (comm, int(fields[1]), cpu)
    return found


def cpu_snapshot(server_pid: int | None) -> dict[str, float]:
    """CPU seconds so far: the gunicorn master and workers, postgres, this client, the machine."""
    procs = _proc_stats()
    server = (
        sum(cpu for pid, (_, ppid, cpu) in procs.items() if server_pid in (pid, ppid))
        if server_pid
        else 0.0
    )
    postgres = sum(cpu for comm, _, cpu in procs.values() if comm.startswith("postgres"))
    client = procs.get(os.getpid(), ("", 0, 0.0))[2]
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return {
        "gunicorn": server,
        "postgres": postgres,
        "client": client,
        "machine": (sum(values[:8]) - idle) / CLOCK_TICKS,
        "wall": time.perf_counter(),
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """Cores used per category between two snapshots (2.0 = both cores busy)."""
    wall = after["wall"] - before["wall"]
    if wall <= 0:
        return {}
    used = {key: (after[key] - before[key]) / wall for key in before if key != "wall"}
    used["other"] = used["machine"] - used["gunicorn"] - used["postgres"] - used["client"]
    return {key: round(max(value, 0.0), 2) for key, value in used.items()}


async def wait_until_quiet(max_wait: float, threshold: float = 0.3) -> float:
    """Wait (at most max_wait s) for 3 s in a row with other processes using < threshold cores.

    The machine may be shared (test suites, browsers): measuring while something else burns
    a core measures that. Returns the busy cores of the last sample.
    """
    deadline = time.monotonic() + max_wait
    quiet, busy, noted = 0, 0.0, False
    before = cpu_snapshot(None)
    while True:
        await asyncio.sleep(1.0)
        after = cpu_snapshot(None)
        used = cpu_used(before, after)
        before = after
        busy = used.get("machine", 0.0) - used.get("client", 0.0)
        quiet = quiet + 1 if busy < threshold else 0
        if quiet >= 3 or time.monotonic() >= deadline or max_wait <= 0:
            if quiet < 3 and max_wait > 0:
                log(f"  NOTE: machine still busy ({busy:.2f} cores used by other processes)")
            return round(busy, 2)
        if not noted and quiet == 0:
            log(f"  waiting for a quiet machine (other processes use {busy:.2f} cores)")
            noted = True


# ---------------------------------------------------------------------------------------------
# gunicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """A gunicorn started (in its own process group) and stopped by this script."""

    def __init__(
        self,
        args,
        app: str,
        env: dict,
        workdir: Path,
        name: str,
        access_log: Path | None = None,
        chdir: Path | None = None,
    ) -> None:
        self.args, self.app, self.env, self.chdir = args, app, env, chdir or APP_ROOT
        self.access_log = access_log
        self.log_path = workdir / f"gunicorn-{name}.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "--config",  # only the settings below, not the repository's gunicorn.conf.py
            os.devnull,
            "--chdir",
            str(self.chdir),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.args.workers),
            "--worker-class",
            self.args.worker_class,
            "--backlog",
            "4096",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        if self.args.worker_class == "gthread":
            command += ["--threads", str(self.args.threads)]
        if self.access_log is not None:
            command += [
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(D)s %(t)s",
            ]
        return command

    async def start(self, ready_path: str) -> None:
        with open(self.log_path, "ab") as output:
            self.process = subprocess.Popen(
                self.command(),
                cwd=APP_ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited; see {self.log_path}:\n{self.log_tail()}")
                try:
                    async with session.get(self.base_url + ready_path) as response:
                        await response.read()
                        if response.status == 200:
                            return
                except (aiohttp.ClientError, OSError, TimeoutError):
                    pass
                await asyncio.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # our own process group only
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def problems(self) -> dict:
        """Tracebacks, errors and worker timeouts the server logged."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return {}
        found = {
            "tracebacks": text.count("Traceback (most recent call last)"),
            "error_lines": sum(
                1
                for line in text.splitlines()
                if " ERROR " in line or "[ERROR]" in line or "[CRITICAL]" in line
            ),
            "worker_timeouts": text.count("WORKER TIMEOUT"),
        }
        return {key: value for key, value in found.items() if value}


SERVER_TYPES = [
    ("GET", re.compile(r"^/logga-in$"), "login_form"),
    ("POST", re.compile(r"^/logga-in$"), "login"),
    ("GET", re.compile(rf"^/kurs/{COURSE}/\d+/\d+$"), "page_get"),
    ("POST", re.compile(rf"^/kurs/{COURSE}/\d+/\d+/last$"), "page_next"),
    ("GET", re.compile(rf"^/kurs/{COURSE}/\d+/kunskapskontroll$"), "check_page"),
    ("POST", re.compile(rf"^/kurs/{COURSE}/\d+/kunskapskontroll$"), "check_start"),
    ("GET", re.compile(r"^/kunskapskontroll/\d+$"), "attempt_get"),
    ("POST", re.compile(r"^/kunskapskontroll/\d+$"), "attempt_submit"),
]


def server_times(
    access_log: Path, start_wall: float, end_wall: float, workers: int, types=None
) -> dict:
    """Server-side p50/p95 per type from the access log, for responses in [start, end]
    (types: [(method, path pattern, kind)], SERVER_TYPES by default).

    "in_app_share": the share of the workers' time spent inside the app (sum of %(D)s over
    workers x window): near 1 means every worker is busy in the app (CPU or waiting on the
    database); well below 1 with a long listen queue means time lost outside the app.
    """
    times: dict[str, list[float]] = defaultdict(list)
    parsed: dict[str, float] = {}
    try:
        lines = access_log.read_text(errors="replace").splitlines()
    except OSError:
        return {}
    for line in lines:
        try:
            method, path, _status, micros, stamp = line.split(" ", 4)
            when = parsed.get(stamp)
            if when is None:
                when = parsed[stamp] = datetime.strptime(
                    stamp.strip("[]"), "%d/%b/%Y:%H:%M:%S %z"
                ).timestamp()
        except ValueError:
            continue
        if not start_wall - 1 <= when <= end_wall:
            continue
        for want_method, pattern, kind in types or SERVER_TYPES:
            if method == want_method and pattern.match(path):
                times[kind].append(int(micros) / 1e6)
                times["overall"].append(int(micros) / 1e6)
                break
    result: dict = {}
    for kind, values in times.items():
        values.sort()
        result[kind] = {
            "count": len(values),
            "mean_ms": round(sum(values) / len(values) * 1000, 1),
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
        }
    seconds = end_wall - start_wall
    if times.get("overall") and seconds > 0:
        result["in_app_share"] = round(sum(times["overall"]) / (workers * seconds), 2)
    return result


# ---------------------------------------------------------------------------------------------
# Ceiling: closed loops without think time


async def closed_loop(stats: Stats, kind: str, sessions: list, path: str, seconds: float) -> dict:
    """Each session GETs `path` back to back; req/s and latencies after a 1 s warm-up."""
    warmup = 1.0
    begin = time.perf_counter()
    measure_from, end = begin + warmup, begin + warmup + seconds

    async def loop(session) -> None:
        for _ in range(10_000_000):
            if time.perf_counter() >= end:
                return
            result = await request(stats, session, kind, "GET", path)
            if result is None:
                await asyncio.sleep(0.05)

    await asyncio.gather(*(loop(session) for session in sessions))
    row = stats.table(measure_from, end)[kind]
    row["clients"] = len(sessions)
    return row


async def page_sessions(args, stats: Stats, base_url: str, first_user: int) -> list:
    """Logged-in learners who have started the course (an enrollment and one page read)."""
    run = LearnerRun(args, base_url, [])
    run.stats = stats
    sessions = []
    page = f"/kurs/{COURSE}/1/1"
    for number in range(first_user, first_user + args.ceiling_clients):
        session = new_browser(args, base_url)
        sessions.append(session)
        if not await run.login(session, email(number)):
            raise RuntimeError(f"ceiling: login failed: {stats.error_counts()}")
        shown = await request(stats, session, "setup", "GET", page)
        token = csrf_token(shown.body) if shown else None
        pressed = await request(
            stats, session, "setup", "POST", page + "/last", {"csrf_token": token}, (302,)
        )
        if pressed is None:
            raise RuntimeError(f"ceiling: setup failed: {stats.examples}")
    return sessions


def median(values: list[float]) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


async def ceilings(args, workdir: Path, app_server: Gunicorn) -> dict:
    """Hello world vs a module page, closed loops without think time, in alternating rounds.

    Rounds alternate (hello, page, hello, page, ...) so that both see the same background
    load; the headline ratio is the median of the per-round ratios.
    """
    # Served the same way as the page: the app's server writes an access log line per
    # request (for the server-side times, as production does), so the hello world does too.
    hello_server = Gunicorn(
        args,
        "hello_app:app",
        dict(os.environ),
        workdir,
        "hello",
        access_log=workdir / "access-hello.log",
        chdir=BENCH_DIR,
    )
    await hello_server.start("/")
    stats = Stats()
    hello = [new_browser(args, hello_server.base_url) for _ in range(args.ceiling_clients)]
    pages: list = []
    page = f"/kurs/{COURSE}/1/1"
    seconds = args.ceiling_seconds / args.ceiling_rounds
    rounds = []
    try:
        pages = await page_sessions(args, stats, app_server.base_url, args.learners)
        for number in range(args.ceiling_rounds):
            background = await wait_until_quiet(min(args.wait_quiet, 60.0))
            one = {"background_cores": background}
            for kind, server, sessions, path in (
                ("hello", hello_server, hello, "/"),
                ("page", app_server, pages, page),
            ):
                before = cpu_snapshot(server.process.pid)
                row = await closed_loop(stats, f"{kind}{number}", sessions, path, seconds)
                row["cpu_cores"] = cpu = cpu_used(before, cpu_snapshot(server.process.pid))
                row["server_cpu_ms_per_request"] = (
                    round(cpu["gunicorn"] * 1000 / row["rps"], 2) if row["rps"] else None
                )
                one[kind] = row
            one["ratio"] = (
                round(one["page"]["rps"] / one["hello"]["rps"], 3) if one["hello"]["rps"] else None
            )
            rounds.append(one)
            log(
                f"  ceiling round {number + 1}: hello {one['hello']['rps']} req/s, page "
                f"{one['page']['rps']} req/s, ratio {one['ratio']}"
            )
    finally:
        for session in hello + pages:
            await session.close()
        hello_server.stop()

    def summary(kind: str) -> dict:
        rows = [r[kind] for r in rounds]
        return {
            "rps_median": median([r["rps"] for r in rows]),
            "rps_best": max(r["rps"] or 0 for r in rows),
            "p50_ms_median": median([r["p50_ms"] for r in rows]),
            "p95_ms_median": median([r["p95_ms"] for r in rows]),
            "server_cpu_ms_per_request": median([r["server_cpu_ms_per_request"] for r in rows]),
            "errors": sum(r["errors"] for r in rows),
        }

    return {
        "clients": args.ceiling_clients,
        "seconds_per_round": seconds,
        "hello": summary("hello"),
        "page": summary("page"),
        "ratio": median([r["ratio"] for r in rounds]),
        "rounds": rounds,
        "errors": stats.error_counts(),
    }


# ---------------------------------------------------------------------------------------------
# Databases


def app_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        VBE_ENV="development",  # plain http on loopback: no Secure cookies
        FLASK_APP="app.py",
    )
    return env


def prepare_database(database_url: str, users: int) -> list[tuple[int, list[int]]]:
    """Schema, course content and `users` learner accounts; returns the course outline."""
    env = app_env(database_url)
    for command in (["db", "upgrade"], ["courses", "sync"]):
        done = subprocess.run(
            [sys.executable, "-m", "flask", *command],
            cwd=APP_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    os.environ["DATABASE_URL"] = database_url
    from sqlalchemy import insert, select

    from vbe_learn import create_app
    from vbe_learn.auth.passwords import hash_password
    from vbe_learn.core.extensions import db
    from vbe_learn.learning.services.outline import outline_for
    from vbe_learn.models import Course, User

    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        rows = [
            {
                "email": email(number),
                "first_name": "Bench",
                "last_name": f"Learner{number}",
                "password_hash": password_hash,
                "session_token": secrets.token_urlsafe(24),
                "active": True,
            }
            for number in range(users)
        ]
        db.session.execute(insert(User.__table__), rows)
        db.session.commit()
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        outline = outline_for(course.current_version_id)
        structure = [(m.position, [p.position for p in m.pages]) for m in outline.modules]
        db.session.remove()
        db.engine.dispose()
    outline_for.cache_clear()
    log(
        f"  {users} accounts inserted in {time.perf_counter() - started:.1f} s; "
        f"course: {len(structure)} modules, {sum(len(p) for _, p in structure)} pages"
    )
    return structure


# ---------------------------------------------------------------------------------------------
# One database


async def run_learners(args, server: Gunicorn, outline) -> dict:
    run = LearnerRun(args, server.base_url, outline)
    lag_samples: list[tuple[float, float]] = []
    lag_stop = asyncio.Event()
    lag_task = asyncio.create_task(lag_monitor(lag_stop, lag_samples))
    begin = time.perf_counter() + 0.5
    ramp_end = begin + args.ramp
    deadline = ramp_end + args.duration
    tasks = [
        asyncio.create_task(run.learner(n, begin + args.ramp * n / args.learners))
        for n in range(args.learners)
    ]
    pid = server.process.pid
    await asyncio.sleep(max(0.0, ramp_end - time.perf_counter()))
    # The steady phase starts once every login has finished (argon2id costs ~60 ms of CPU
    # per login on a slow machine, so logins can lag behind the ramp), at most --settle s on.
    settle_by = ramp_end + args.settle
    while run.logins_finished < args.learners and time.perf_counter() < settle_by:
        await asyncio.sleep(0.2)
    logins_end = time.perf_counter()
    log(
        f"  ramp done after {logins_end - begin:.0f} s: {run.logged_in}/{args.learners} logged "
        f"in; warm-up {args.warmup:g} s, then the steady phase {args.duration:g} s"
    )
    # The warm-up: the queue that the logins (argon2id) built drains before measuring.
    await asyncio.sleep(args.warmup)
    ramp_end = time.perf_counter()
    deadline = ramp_end + args.duration
    cpu_ramp_end, wall_ramp_end = cpu_snapshot(pid), time.time()
    next_note = time.perf_counter() + 15
    while time.perf_counter() < deadline:
        await asyncio.sleep(min(1.0, max(0.0, deadline - time.perf_counter())))
        if time.perf_counter() >= next_note and time.perf_counter() < deadline - 5:
            done = sum(len(v) for v in run.stats.samples.values())
            errors = sum(len(v) for v in run.stats.errors.values())
            log(f"  … {done} requests, {errors} errors, {run.checks_submitted} checks submitted")
            next_note += 15
    cpu_end, wall_end = cpu_snapshot(pid), time.time()
    run.stop.set()
    _, pending = await asyncio.wait(tasks, timeout=args.timeout + 5)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    lag_stop.set()
    await lag_task

    steady = run.stats.table(ramp_end, deadline)
    ramp = run.stats.table(begin, logins_end)
    whole = run.stats.table(begin, deadline)
    result = {
        "logged_in": run.logged_in,
        "checks_submitted": run.checks_submitted,
        "ramp_seconds": round(logins_end - begin, 1),
        "warmup_seconds": round(ramp_end - logins_end, 1),
        "steady_seconds": args.duration,
        "ramp": ramp,
        "warmup": run.stats.table(logins_end, ramp_end),
        "steady": steady,
        "whole_run": whole,
        "timeline_5s": run.stats.timeline(begin, deadline),
        "errors_whole_run": run.stats.error_counts(),
        "error_examples": run.stats.examples,
        "client_bugs": len(run.client_bugs),
        "client_lag_steady": lag_summary(lag_samples, ramp_end, deadline),
        "client_lag_ramp": lag_summary(lag_samples, begin, logins_end),
        "cpu_cores_steady": cpu_used(cpu_ramp_end, cpu_end),
        "stragglers_cancelled": len(pending),
    }
    if run.client_bugs:
        log(f"  CLIENT BUG (first of {len(run.client_bugs)}):\n{run.client_bugs[0]}")
    if server.access_log is not None:
        result["server_steady"] = server_times(
            server.access_log,
            wall_ramp_end,
            wall_end,
            args.workers * max(1, args.threads) if args.worker_class == "gthread" else args.workers,
        )
    return result


async def bench_database(args, name: str, database_url: str, workdir: Path) -> dict:
    log(f"== {name}: preparing {database_url}")
    users = args.learners + args.ceiling_clients
    outline = await asyncio.to_thread(prepare_database, database_url, users)
    result: dict = {"database": name, "config": config_summary(args)}
    result["background_cores"] = {}
    server = Gunicorn(
        args,
        "app:app",
        app_env(database_url),
        workdir,
        name,
        access_log=workdir / f"access-{name}.log",
    )
    await server.start("/logga-in")
    try:
        log(
            f"  ceiling: hello world vs module page, {args.ceiling_clients} clients each, "
            f"{args.ceiling_rounds} rounds"
        )
        result["ceiling"] = await ceilings(args, workdir, server)
        log(f"  learners: {args.learners}, think {args.think:g} s ±50 %, ramp {args.ramp:g} s")
        result["background_cores"]["before_learners"] = await wait_until_quiet(args.wait_quiet)
        result["learners"] = await run_learners(args, server, outline)
    finally:
        server.stop()
        result["server_problems"] = server.problems()
        if result["server_problems"]:
            log(f"  server log ({server.log_path}):\n{server.log_tail()}")
    result["targets"] = judge(result)
    return result


def judge(result: dict) -> dict:
    learners = result["learners"]
    steady = learners["steady"]["overall"]
    errors = sum(sum(kinds.values()) for kinds in learners["errors_whole_run"].values())
    return {
        "steady_p95_ms": steady["p95_ms"],
        "steady_p95_under_100ms": steady["p95_ms"] is not None and steady["p95_ms"] < 100,
        "errors": errors + learners["client_bugs"],
        "no_errors": errors + learners["client_bugs"] == 0,
        "all_logged_in": learners["logged_in"] == result["config"]["learners"],
        "ceiling_ratio": result["ceiling"]["ratio"],
    }


def config_summary(args) -> dict:
    return {
        "learners": args.learners,
        "think_s": args.think,
        "ramp_s": args.ramp,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "timeout_s": args.timeout,
        "follow_redirects": args.follow_redirects,
        "answers": args.answers,
        "gunicorn": f"{args.workers} x {args.worker_class}"
        + (f" x {args.threads} threads" if args.worker_class == "gthread" else ""),
        "ceiling_clients": args.ceiling_clients,
        "ceiling_seconds": args.ceiling_seconds,
        "cpus": os.cpu_count(),
        "app_root": str(APP_ROOT),
    }


# ---------------------------------------------------------------------------------------------
# Output


def fmt(value, width: int) -> str:
    if value is None:
        return "-".rjust(width)
    if isinstance(value, float):
        return f"{value:{width}.1f}"
    return f"{value:>{width}}"


def print_table(title: str, rows: dict, server: dict | None = None) -> None:
    print(f"  {title}")
    header = f"    {'type':<18}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
    header += f"{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    if server:
        header += f"{'srv p50':>9}{'srv p95':>9}"
    print(header)
    for kind, row in rows.items():
        label = TYPES.get(kind, kind)
        line = f"    {label:<18}{fmt(row['requests'], 9)}{fmt(row['rps'], 8)}"
        line += f"{fmt(row['p50_ms'], 9)}{fmt(row['p95_ms'], 9)}{fmt(row['p99_ms'], 9)}"
        line += f"{fmt(row['max_ms'], 9)}{fmt(row['errors'], 8)}"
        if server:
            side = server.get(kind) or {}
            line += f"{fmt(side.get('p50_ms'), 9)}{fmt(side.get('p95_ms'), 9)}"
        print(line)


def print_summary(result: dict) -> None:
    config, learners = result["config"], result["learners"]
    print()
    follow = ", follow redirects" if config["follow_redirects"] else ""
    print(
        f"=== {result['database']}: {config['learners']} learners, think {config['think_s']:g} s"
        f" ±50 %, ramp {config['ramp_s']:g} s, steady {config['duration_s']:g} s, gunicorn "
        f"{config['gunicorn']}{follow}"
    )
    print(
        f"  logged in: {learners['logged_in']}/{config['learners']}, "
        f"checks submitted: {learners['checks_submitted']}"
    )
    ramp_title = f"ramp ({learners['ramp_seconds']:g} s, until every login finished)"
    print_table(ramp_title, learners["ramp"])
    if "warmup" in learners:
        print_table(f"warm-up ({learners['warmup_seconds']:g} s, not judged)", learners["warmup"])
    print_table(
        f"steady state ({config['duration_s']:g} s after the warm-up)",
        learners["steady"],
        learners.get("server_steady"),
    )
    cpu = learners["cpu_cores_steady"]
    print(
        f"  CPU (cores, steady): gunicorn {cpu.get('gunicorn')}, postgres "
        f"{cpu.get('postgres')}, client {cpu.get('client')}, other processes "
        f"{cpu.get('other')}; machine {cpu.get('machine')} of {config['cpus']}"
    )
    if cpu.get("other", 0) > 0.2:
        print(
            f"  WARNING: other processes used {cpu['other']} cores during the steady phase: "
            "the figures understate this app; rerun on a quiet machine"
        )
    steady_from = learners["ramp_seconds"] + learners.get("warmup_seconds", 0)
    steady_slots = [r for r in learners["timeline_5s"] if r["from_s"] >= steady_from]
    print(
        "  p95 ms per 5 s of the steady phase: "
        + " ".join(fmt(r["p95_ms"] and round(r["p95_ms"]), 0).strip() for r in steady_slots)
    )
    server = learners.get("server_steady", {})
    if "in_app_share" in server:
        print(
            f"  server: workers spent {server['in_app_share']:.0%} of their time inside the app "
            f"(mean {server['overall']['mean_ms']} ms per request)"
        )
    lag = learners["client_lag_steady"]
    print(
        f"  client event-loop lag (steady): p50 {lag.get('p50_ms')} ms, "
        f"p95 {lag.get('p95_ms')} ms, max {lag.get('max_ms')} ms"
    )
    if learners["errors_whole_run"]:
        print(f"  errors: {json.dumps(learners['errors_whole_run'], ensure_ascii=False)}")
        for example in learners["error_examples"][:5]:
            print(f"    e.g. {example}")
    if result.get("server_problems"):
        print(f"  server log: {result['server_problems']}")
    ceiling = result["ceiling"]
    hello, page = ceiling["hello"], ceiling["page"]
    print(
        f"  ceiling ({ceiling['clients']} clients, no think, median of "
        f"{len(ceiling['rounds'])} rounds): hello world {hello['rps_median']} req/s "
        f"(p50 {hello['p50_ms_median']} ms), module page {page['rps_median']} req/s "
        f"(p50 {page['p50_ms_median']} ms) → ratio {ceiling['ratio']} (for information)"
    )
    print(
        f"    server CPU per request: hello {hello['server_cpu_ms_per_request']} ms, page "
        f"{page['server_cpu_ms_per_request']} ms; per round: "
        + ", ".join(f"{r['ratio']}" for r in ceiling["rounds"])
    )
    targets = result["targets"]

    def mark(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(
        f"  targets: steady p95 {targets['steady_p95_ms']} ms < 100 ms: "
        f"{mark(targets['steady_p95_under_100ms'])}; errors {targets['errors']}: "
        f"{mark(targets['no_errors'])}; all logged in: {mark(targets['all_logged_in'])}"
    )


def write_json(result: dict, args) -> list[Path]:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    scenario = f"{args.learners}x{args.think:g}s"
    if args.follow_redirects:
        scenario += "-follow"
    if args.worker_class != "sync" or args.workers != WORKERS:
        scenario += f"-{args.workers}{args.worker_class}"
    if APP_ROOT != ROOT:
        scenario += f"-app-{APP_ROOT.name}"
    paths = [RESULTS_DIR / f"learner-{result['database']}-{scenario}.json"]
    if APP_ROOT == ROOT:  # the latest run of this checkout
        paths.insert(0, RESULTS_DIR / f"learner-{result['database']}.json")
    text = json.dumps(result, indent=2, ensure_ascii=False)
    for path in paths:
        path.write_text(text + "\n")
    return paths


# ---------------------------------------------------------------------------------------------
# Main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=1000, help="concurrent learners")
    parser.add_argument("--think", type=float, default=2.0, help="think time, s (±50 %%)")
    parser.add_argument(
        "--duration", type=float, default=60.0, help="steady phase after the ramp, s"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=None,
        help="seconds over which logins start (default: learners / --login-rate)",
    )
    parser.add_argument(
        "--login-rate", type=float, default=25.0, help="logins per second when --ramp is not given"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=120.0,
        help="after the ramp, wait up to this many s for every login to finish before the "
        "steady phase starts",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=30.0,
        help="after every login has finished, this many s before the steady phase (the queue "
        "the logins built drains; reported, not judged)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, s")
    parser.add_argument(
        "--follow-redirects",
        action="store_true",
        help="fetch each POST's redirect at once, like a browser (more load)",
    )
    parser.add_argument("--answers", choices=("random", "first"), default="random")
    parser.add_argument(
        "--client",
        choices=("lean", "aiohttp"),
        default="lean",
        help="HTTP client of the simulated learners and the ceiling: lean (bench/lean_http.py "
        "on uvloop, the default) or aiohttp (on asyncio's loop)",
    )
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument(
        "--ceiling-clients", type=int, default=16, help="closed-loop clients for the ceiling"
    )
    parser.add_argument(
        "--ceiling-seconds", type=float, default=12.0, help="per ceiling, split over the rounds"
    )
    parser.add_argument("--ceiling-rounds", type=int, default=3)
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="measure the app of another checkout (e.g. a patched copy)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=300.0,
        help="before each measurement wait up to this many s for other processes to go idle",
    )
    add_database_choice(parser)
    args = parser.parse_args(argv)
    if args.ramp is None:
        args.ramp = max(5.0, round(args.learners / args.login_rate))
    if args.learners < 1 or args.think < 0 or args.duration <= 0:
        parser.error("--learners >= 1, --think >= 0 and --duration > 0")
    return args


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def main_async(args) -> int:
    databases = []
    if not args.postgres_only:
        databases.append("sqlite")
    if not args.sqlite_only:
        why_not = postgres_available()
        if why_not is None:
            databases.append("postgres")
        else:
            log(f"NOTE: PostgreSQL on 127.0.0.1:5432 unreachable, skipped ({why_not})")
    results = []
    with tempfile.TemporaryDirectory(prefix="vbe-bench-") as tmp:
        workdir = Path(tmp)
        for name in databases:
            if name == "sqlite":
                url = "sqlite:///" + str(workdir / "bench.db")
                result = await bench_database(args, name, url, workdir)
            else:
                await asyncio.to_thread(postgres_database, PG_DB, True)
                try:
                    result = await bench_database(args, name, PG_URL, workdir)
                finally:
                    await asyncio.to_thread(postgres_database, PG_DB, False)
            paths = write_json(result, args)
            print_summary(result)
            print(f"  JSON: {', '.join(str(p.relative_to(ROOT)) for p in paths)}")
            results.append(result)
    passed = all(r["targets"]["no_errors"] for r in results)
    return 0 if passed else 1


def main(argv=None) -> int:
    args = parse_args(argv)
    global APP_ROOT
    APP_ROOT = args.app_root.resolve()
    raise_file_limit()
    os.chdir(APP_ROOT)
    sys.path.insert(0, str(APP_ROOT))
    gc.freeze()
    return run_event_loop(main_async(args), args.client)


def run_event_loop(coroutine, client: str = "lean"):
    """Run the load generator: on uvloop with the lean client (its connection set-up costs
    a quarter of asyncio's: the generator shares the 2 cores with the server it measures),
    on asyncio's own loop with --client aiohttp, as measured before."""
    if client == "lean":
        return uvloop.run(coroutine)
    return asyncio.run(coroutine)


if __name__ == "__main__":
    sys.exit(main())
